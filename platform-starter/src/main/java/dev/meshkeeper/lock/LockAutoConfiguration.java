package dev.meshkeeper.lock;

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
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
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
 * {@link DistributedLocks} over Spring Cloud Zookeeper's {@link CuratorFramework}, and the {@link DistributedLock}
 * advisor (a Spring AOP {@code MethodInterceptor} matched by annotation; no AspectJ needed).
 */
@AutoConfiguration(after = ZooKeeperConnectionAutoConfiguration.class,
        afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass({ CuratorFramework.class, InterProcessMutex.class })
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.lock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockProperties.class)
@Import(LockAutoConfiguration.ProxyCreatorRegistrar.class)
public class LockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DistributedLocks distributedLocks(CuratorFramework curator, LockProperties properties,
            ObjectProvider<ZooKeeperConnectionMonitor> monitor, ObjectProvider<Registration> registration,
            ObjectProvider<MeterRegistry> meters, Environment environment, ApplicationEventPublisher publisher) {
        ZooKeeperConnectionMonitor connectionMonitor = monitor.getIfAvailable();
        BooleanSupplier connected = (connectionMonitor != null) ? connectionMonitor::isConnected
                : () -> curator.getZookeeperClient().isConnected();
        return new DistributedLocks(curator, properties, instanceId(registration, environment), connected,
                publisher, meters.getIfAvailable(CompositeMeterRegistry::new));
    }

    @Bean
    @ConditionalOnMissingBean(name = "locksEndpointContributor")
    LocksEndpointContributor locksEndpointContributor(DistributedLocks locks) {
        return new LocksEndpointContributor(locks);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = "distributedLockAdvisor")
    static Advisor distributedLockAdvisor(ObjectProvider<DistributedLocks> locks,
            ObjectProvider<LockProperties> properties) {
        return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(DistributedLock.class),
                new LazyInterceptor(() -> new DistributedLockInterceptor(locks.getObject(), properties.getObject())));
    }

    /**
     * The instance id lock nodes name: Spring Cloud Zookeeper's registration id when there is one, else the
     * configured instance id, else the application name.
     */
    static Supplier<String> instanceId(ObjectProvider<Registration> registration, Environment environment) {
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

    /**
     * Makes sure an auto-proxy creator exists (Boot's AOP auto-configuration registers one too; this is a no-op
     * then) so that the advisor applies without spring-boot-starter-aop.
     */
    static final class ProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
            AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
        }
    }
}
