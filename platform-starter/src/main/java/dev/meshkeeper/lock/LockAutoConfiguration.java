package dev.meshkeeper.lock;

import dev.meshkeeper.ClassProxyingAutoProxyRegistrar;
import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.LazyMethodInterceptor;
import dev.meshkeeper.discovery.LocalInstanceId;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import org.aopalliance.intercept.MethodInterceptor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
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
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

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
@Import(ClassProxyingAutoProxyRegistrar.class)
public class LockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DistributedLocks distributedLocks(CuratorFramework curator, LockProperties properties,
            ZooKeeperConnectionMonitor monitor, ObjectProvider<Registration> registration,
            ObjectProvider<MeterRegistry> meters, Environment environment, ApplicationEventPublisher publisher,
            ObjectProvider<ZooKeeperRequests> requests, ObjectProvider<Clock> clock,
            ObjectProvider<ObservationRegistry> observations) {
        ZooKeeperRequests zooKeeperRequests = requests.getIfAvailable();
        return CuratorDistributedLocks.builder(curator).connectionMonitor(monitor).properties(properties)
                .clock(clock.getIfUnique(Clock::systemUTC))
                .instanceId(new LocalInstanceId(registration, environment)).eventPublisher(publisher)
                .meterRegistry(meters.getIfAvailable(CompositeMeterRegistry::new))
                .observationRegistry(observations.getIfUnique(() -> ObservationRegistry.NOOP))
                .operationTimeout((zooKeeperRequests != null) ? zooKeeperRequests.timeout() : Duration.ofSeconds(1))
                .build();
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
                new LazyMethodInterceptor(
                        () -> new DistributedLockInterceptor(locks.getObject(), properties.getObject())));
    }
}
