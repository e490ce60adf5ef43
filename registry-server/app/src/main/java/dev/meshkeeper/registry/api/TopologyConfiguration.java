package dev.meshkeeper.registry.api;

import java.time.Clock;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The observed topology ({@code meshkeeper.registry.topology.*}): the applications' topology nodes, cached, the
 * service map and each instance's history in memory.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.topology.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TopologyProperties.class)
public class TopologyConfiguration {

    @Bean
    InstanceHistory instanceHistory(TopologyProperties properties) {
        return new InstanceHistory(properties.getSampleInterval());
    }

    @Bean
    TopologyView topologyView(CuratorFramework curator, TopologyProperties properties, ServiceStore services,
            InstanceHistory history, ObjectProvider<RegistryEvents> events) {
        RegistryEvents stream = events.getIfAvailable();
        return new TopologyView(curator, properties.getRoot(), services, history,
                (stream != null) ? (topic) -> stream.announce(Set.of(topic)) : null, properties.getSampleInterval(),
                properties.getEventInterval(), Clock.systemUTC());
    }
}
