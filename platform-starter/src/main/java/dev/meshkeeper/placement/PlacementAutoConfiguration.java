package dev.meshkeeper.placement;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.discovery.LocalInstanceId;
import dev.meshkeeper.load.LoadFigure;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link WorkPlacement} over Spring Cloud Zookeeper's {@link CuratorFramework}: the work groups declared under
 * {@code meshkeeper.placement.groups}, joined when the application starts.
 */
@AutoConfiguration(after = ZooKeeperConnectionAutoConfiguration.class,
        afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass({ CuratorFramework.class, CuratorCache.class })
@ConditionalOnBean({ CuratorFramework.class, ZooKeeperRequests.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.placement.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PlacementProperties.class)
public class PlacementAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WorkPlacement workPlacement(CuratorFramework curator, ZooKeeperRequests requests, PlacementProperties properties,
            ObjectProvider<Registration> registration, ObjectProvider<InstanceRegistration> instance,
            ObjectProvider<MeterRegistry> meters, Environment environment, ApplicationEventPublisher publisher) {
        Integer discoveryWeight = environment.getProperty("meshkeeper.discovery.weight", Integer.class);
        int defaultWeight = (discoveryWeight != null && discoveryWeight > 0) ? discoveryWeight : 1;
        WorkPlacement placement = new WorkPlacement(curator, requests, properties,
                new LocalInstanceId(registration, environment), defaultWeight, publisher,
                meters.getIfAvailable(CompositeMeterRegistry::new));
        InstanceRegistration own = instance.getIfAvailable();
        if (properties.isUseLoad() && own != null) {
            // The load the instance publishes for callers (meshkeeper.load.*), NaN while it publishes none.
            placement.useLoad(() -> LoadFigure.parse(own.metadata().get(LoadFigure.METADATA_KEY)),
                    properties.getLoadCheckInterval());
        }
        return placement;
    }

    @Bean
    @ConditionalOnMissingBean(name = "placementEndpointContributor")
    PlacementEndpointContributor placementEndpointContributor(WorkPlacement placement) {
        return new PlacementEndpointContributor(placement);
    }
}
