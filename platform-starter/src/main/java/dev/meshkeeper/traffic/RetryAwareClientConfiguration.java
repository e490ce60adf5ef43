package dev.meshkeeper.traffic;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.loadbalancer.core.RetryAwareServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Default configuration of every LoadBalancer client context: its instance list supplier, whichever it is, is
 * wrapped in Spring Cloud LoadBalancer's {@link RetryAwareServiceInstanceListSupplier}, so a retry leaves out the
 * instance that just failed (unless it is the only one). Spring Cloud adds that wrapper only to the suppliers it
 * builds itself.
 */
@Configuration(proxyBeanMethods = false)
public class RetryAwareClientConfiguration {

    @Bean
    static BeanPostProcessor meshkeeperRetryAwareSupplierPostProcessor() {
        return new BeanPostProcessor() {

            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof ServiceInstanceListSupplier supplier
                        && !(bean instanceof RetryAwareServiceInstanceListSupplier)) {
                    return new RetryAwareServiceInstanceListSupplier(supplier);
                }
                return bean;
            }
        };
    }
}
