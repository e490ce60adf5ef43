package dev.meshkeeper.security;

import java.util.function.Consumer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Hands every {@code @LoadBalanced RestClient.Builder} and {@code RestTemplate} bean to an action before it is
 * initialised (before Spring Cloud LoadBalancer adds its interceptor to a {@code RestTemplate}).
 */
final class LoadBalancedClients implements BeanPostProcessor {

    private final ApplicationContext context;

    private final Consumer<Client> action;

    LoadBalancedClients(ApplicationContext context, Consumer<Client> action) {
        this.context = context;
        this.action = action;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if ((bean instanceof RestClient.Builder || bean instanceof RestTemplate)
                && this.context.containsBeanDefinition(beanName)
                && this.context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
            this.action.accept(new Client(beanName, bean));
        }
        return bean;
    }

    /** A balanced client bean. */
    record Client(String beanName, Object bean) {

        /** Sends the client's requests through {@code requestFactory}, replacing the one it had. */
        void use(ClientHttpRequestFactory requestFactory) {
            if (this.bean instanceof RestClient.Builder builder) {
                builder.requestFactory(requestFactory);
            }
            else if (this.bean instanceof RestTemplate template) {
                template.setRequestFactory(requestFactory);
            }
        }
    }
}
