package dev.meshkeeper.registry.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@code GET /api/v1/events}: server-sent events that say which part of the registry changed, watched on the same
 * roots the admin, config, shared data and audit APIs read.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RegistryEventsProperties.class)
public class RegistryEventsConfiguration {

    @Bean
    RegistryEvents registryEvents(CuratorFramework curator, RegistryEventsProperties properties,
            AdminApiProperties admin, AuditProperties audit, ObjectProvider<ConfigApiProperties> config,
            ObjectProvider<DataApiProperties> data, ObjectProvider<TopologyProperties> topology, Environment environment) {
        Map<String, List<String>> roots = new LinkedHashMap<>();
        roots.put("services", List.of(admin.getServicesRoot()));
        ConfigApiProperties configProperties = config.getIfAvailable();
        if (configProperties != null) {
            roots.put("config", List.of(configProperties.getRoot(), configProperties.getBookkeepingRoot()));
        }
        roots.put("locks", List.of(admin.getLocksRoot()));
        roots.put("leaders", List.of(admin.getLeadersRoot()));
        roots.put("placement", List.of(admin.getPlacementRoot()));
        roots.put("audit", List.of(audit.getRoot()));
        DataApiProperties dataProperties = data.getIfAvailable();
        if (dataProperties != null) {
            roots.put("data", List.of(dataProperties.getRoot()));
        }
        if (topology.getIfAvailable() != null) {
            // announced by the topology view itself, at most once per meshkeeper.registry.topology.event-interval
            roots.put("topology", List.of());
        }
        // announced by the events timeline when it added entries (meshkeeper.registry.timeline.enabled)
        if (environment.getProperty("meshkeeper.registry.timeline.enabled", Boolean.class, true)) {
            roots.put("timeline", List.of());
        }
        return new RegistryEvents(curator, roots, properties.getCoalesce(), properties.getHeartbeat(),
                properties.getMaxSubscribers(), properties.getMaxStreamsPerUser(), properties.getIdleTimeout(),
                Clock.systemUTC());
    }
}
