package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.api.AdminApiProperties;
import dev.meshkeeper.registry.api.AuditProperties;
import dev.meshkeeper.registry.api.ConfigApiProperties;
import dev.meshkeeper.registry.api.DataApiProperties;
import dev.meshkeeper.registry.api.TopologyProperties;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * ZooKeeper authentication and ACLs ({@code meshkeeper.registry.auth.*}): the identities, read before the ZooKeeper
 * server is created, and the ACL layout, applied through the registry's own client at every start.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RegistryAuthProperties.class)
public class RegistryAuthConfiguration {

    @Bean
    RegistryAuthentication registryAuthentication(RegistryAuthProperties properties,
            ObjectProvider<AuditProperties> audit, ObjectProvider<ConfigApiProperties> configApi) {
        ConfigApiProperties config = configApi.getIfAvailable(ConfigApiProperties::new);
        return new RegistryAuthentication(properties, config.getRoot(),
                List.of(config.getBookkeepingRoot(), audit.getIfAvailable(AuditProperties::new).getRoot()));
    }

    @Bean(initMethod = "apply")
    @ConditionalOnBooleanProperty("meshkeeper.registry.auth.enabled")
    RegistryAclLayout registryAclLayout(CuratorFramework curator, RegistryAuthentication authentication,
            RegistryProperties registry, AdminApiProperties api, AuditProperties audit,
            ObjectProvider<ConfigApiProperties> configApi, ObjectProvider<DataApiProperties> dataApi,
            ObjectProvider<TopologyProperties> topologyApi) {
        ConfigApiProperties config = configApi.getIfAvailable(ConfigApiProperties::new);
        DataApiProperties data = dataApi.getIfAvailable(DataApiProperties::new);
        TopologyProperties topology = topologyApi.getIfAvailable(TopologyProperties::new);
        return new RegistryAclLayout(curator, authentication, registry.getStartupTimeout(),
                List.of(config.getRoot(), config.getBookkeepingRoot(), audit.getRoot()), api.getServicesRoot(),
                List.of(api.getLocksRoot(), api.getLeadersRoot(), api.getPlacementRoot(), data.getRoot(),
                        topology.getRoot()));
    }
}
