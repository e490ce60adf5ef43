package dev.meshkeeper.registry.api;

import java.time.Clock;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The events timeline ({@code meshkeeper.registry.timeline.enabled}, default on): the last
 * {@value EventTimeline#MAX_ENTRIES} things that happened in the mesh, in memory, fed by the event stream's watches
 * (so it stays empty with {@code meshkeeper.registry.events.enabled=false}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.timeline.enabled", matchIfMissing = true)
public class TimelineConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    EventTimeline eventTimeline(ServiceStore services, CoordinationStore coordination, PlacementStore placement,
            AdminApiProperties admin, ObjectProvider<ConfigApiProperties> config,
            ObjectProvider<RegistryEvents> events) {
        ConfigApiProperties configProperties = config.getIfAvailable();
        RegistryEvents stream = events.getIfAvailable();
        EventTimeline timeline = new EventTimeline(services, coordination, placement, admin.getServicesRoot(),
                (configProperties != null) ? configProperties.getRoot() : null,
                (stream != null) ? (topic) -> stream.announce(Set.of(topic)) : null, Clock.systemUTC());
        if (stream != null) {
            stream.onWatchedChange(timeline::changed);
        }
        return timeline;
    }
}
