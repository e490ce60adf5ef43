package dev.meshkeeper.topology;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.discovery.DiscoveryRegistrationAutoConfiguration;
import dev.meshkeeper.discovery.InFlightRequests;
import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.load.LoadAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The observed topology: every registered instance reports, in one ephemeral node
 * {@code /meshkeeper/topology/{service}/{instance-id}}, the calls it made per called service (calls per second, error
 * rate, latency percentiles over the last 60 s, as Spring Cloud LoadBalancer's lifecycle sees them) and its own
 * server side (requests in flight and served, their latency, the load it publishes). The node is written at most
 * once per {@code meshkeeper.topology.interval} and only when a figure moved; the registry draws its service map
 * from these nodes.
 * <p>
 * Connection loss: calls are counted on; nothing is written while ZooKeeper is away, and the first tick after the
 * reconnection writes the current report.
 */
@AutoConfiguration(after = { ZooKeeperConnectionAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class,
        LoadAutoConfiguration.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.topology.enabled", matchIfMissing = true)
@ConditionalOnBean({ ZooKeeperRequests.class, ZooKeeperConnectionMonitor.class })
@EnableConfigurationProperties(TopologyProperties.class)
public class TopologyAutoConfiguration {

    @Bean
    ObservedCalls meshkeeperObservedCalls(ObjectProvider<Clock> clock) {
        return new ObservedCalls(clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    TopologyPublisher meshkeeperTopologyPublisher(ZooKeeperRequests requests, ZooKeeperConnectionMonitor monitor,
            TopologyProperties properties, ObjectProvider<InstanceRegistration> registration,
            ObjectProvider<InFlightRequests> inFlight, ObservedCalls calls) {
        return new TopologyPublisher(requests, monitor, properties.getRoot(),
                new LocalTopology(registration, inFlight, calls));
    }

    @Bean
    ScheduledTopologyPublishing meshkeeperScheduledTopologyPublishing(TopologyPublisher publisher,
            TopologyProperties properties) {
        return new ScheduledTopologyPublishing(publisher, properties.getInterval());
    }

    /** Calls made through Spring Cloud LoadBalancer, per called service. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle",
            "org.springframework.http.HttpStatusCode" })
    static class CallObservationConfiguration {

        @Bean
        CallObservingLifecycle meshkeeperCallObservingLifecycle(ObservedCalls calls) {
            return new CallObservingLifecycle(calls);
        }
    }

    /** Requests a servlet application serves. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.Filter")
    static class ServedRequestsConfiguration {

        @Bean
        ServedRequestsFilter meshkeeperServedRequestsFilter(ObservedCalls calls) {
            return new ServedRequestsFilter(calls);
        }
    }
}
