package dev.meshkeeper.leader;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * {@link ClusterLeadership} over Spring Cloud Zookeeper's {@link CuratorFramework}, and the {@link LeaderOnly}
 * advisor (a Spring AOP {@code MethodInterceptor} matched by annotation; no AspectJ needed).
 */
@AutoConfiguration(after = ZooKeeperConnectionAutoConfiguration.class,
        afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass({ CuratorFramework.class, LeaderLatch.class })
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.leader.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderProperties.class)
@Import(LeaderAutoConfiguration.ProxyCreatorRegistrar.class)
public class LeaderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClusterLeadership clusterLeadership(CuratorFramework curator, LeaderProperties properties,
            ObjectProvider<ZooKeeperConnectionMonitor> monitor, ObjectProvider<Registration> registration,
            ObjectProvider<MeterRegistry> meters, Environment environment, ApplicationEventPublisher publisher) {
        ZooKeeperConnectionMonitor connectionMonitor = monitor.getIfAvailable();
        BooleanSupplier connected = (connectionMonitor != null) ? connectionMonitor::isConnected
                : () -> curator.getZookeeperClient().isConnected();
        return new ClusterLeadership(curator, properties, instanceId(registration, environment), connected,
                publisher, meters.getIfAvailable(CompositeMeterRegistry::new));
    }

    @Bean
    @ConditionalOnMissingBean(name = "leadershipEndpointContributor")
    LeadershipEndpointContributor leadershipEndpointContributor(ClusterLeadership leadership) {
        return new LeadershipEndpointContributor(leadership);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = "leaderOnlyAdvisor")
    static Advisor leaderOnlyAdvisor(ObjectProvider<ClusterLeadership> leadership,
            ObjectProvider<MeterRegistry> meters) {
        return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(LeaderOnly.class),
                new LazyInterceptor(() -> new LeaderOnlyInterceptor(leadership.getObject(),
                        meters.getIfAvailable(CompositeMeterRegistry::new))));
    }

    /** The registration id when there is one, else the configured instance id, else the application name. */
    private static Supplier<String> instanceId(ObjectProvider<Registration> registration, Environment environment) {
        return () -> {
            Registration current = registration.getIfAvailable();
            if (current != null && current.getInstanceId() != null) {
                return current.getInstanceId();
            }
            String configured = environment.getProperty("spring.cloud.zookeeper.discovery.instance-id");
            if (configured != null && !configured.isBlank()) {
                return configured;
            }
            return environment.getProperty("spring.application.name", "application");
        };
    }

    /** Resolves the interceptor on first use, so that the advisor does not pull beans in early. */
    static final class LazyInterceptor implements MethodInterceptor {

        private final Supplier<MethodInterceptor> factory;

        private volatile MethodInterceptor delegate;

        LazyInterceptor(Supplier<MethodInterceptor> factory) {
            this.factory = factory;
        }

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            MethodInterceptor current = this.delegate;
            if (current == null) {
                current = this.factory.get();
                this.delegate = current;
            }
            return current.invoke(invocation);
        }
    }

    /** Makes sure an auto-proxy creator exists, so that the advisor applies without spring-boot-starter-aop. */
    static final class ProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
            AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
        }
    }
}
