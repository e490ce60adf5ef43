package dev.meshkeeper.leader;

import dev.meshkeeper.ClassProxyingAutoProxyRegistrar;
import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.LazyMethodInterceptor;
import dev.meshkeeper.discovery.LocalInstanceId;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
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
 * {@link ClusterLeadership} over Spring Cloud Zookeeper's {@link CuratorFramework}, and the {@link LeaderOnly}
 * advisor (a Spring AOP {@code MethodInterceptor} matched by annotation; no AspectJ needed). Leadership follows the
 * connection through the {@link ZooKeeperConnectionMonitor}, so it is present only with the monitor
 * ({@code meshkeeper.zookeeper.enabled}, on by default).
 */
@AutoConfiguration(after = ZooKeeperConnectionAutoConfiguration.class,
        afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass({ CuratorFramework.class, LeaderLatch.class })
@ConditionalOnBean({ CuratorFramework.class, ZooKeeperConnectionMonitor.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.leader.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderProperties.class)
@Import(ClassProxyingAutoProxyRegistrar.class)
public class LeaderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClusterLeadership clusterLeadership(CuratorFramework curator, LeaderProperties properties,
            ZooKeeperConnectionMonitor monitor, ObjectProvider<Registration> registration,
            ObjectProvider<MeterRegistry> meters, Environment environment, ApplicationEventPublisher publisher) {
        return new ClusterLeadership(curator, properties, new LocalInstanceId(registration, environment), monitor,
                publisher, meters.getIfAvailable(CompositeMeterRegistry::new));
    }

    /** The {@code meshkeeper.leadership.change} observations, when the application has an ObservationRegistry. */
    @Bean
    @ConditionalOnMissingBean(name = "leadershipObservations")
    LeadershipObservations leadershipObservations(ObjectProvider<ObservationRegistry> observations) {
        return new LeadershipObservations(observations.getIfUnique(() -> ObservationRegistry.NOOP));
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
                new LazyMethodInterceptor(() -> new LeaderOnlyInterceptor(leadership.getObject(),
                        meters.getIfAvailable(CompositeMeterRegistry::new))));
    }
}
