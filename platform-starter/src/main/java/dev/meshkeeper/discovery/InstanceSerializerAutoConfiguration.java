package dev.meshkeeper.discovery;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.annotation.Bean;

/**
 * The {@link InstanceSerializer} every reader of registrations uses: Spring Cloud Zookeeper's
 * {@code ServiceDiscovery} (its registration, discovery and dependency watchers), the watched instance cache and
 * the LoadBalancer over it. Declared before Spring Cloud Zookeeper's own {@code InstanceSerializer} beans, which
 * back off, so that no registration read by this application picks a Java type
 * ({@link ZookeeperInstanceSerializer}). It is on whenever the starter is, even with
 * {@code meshkeeper.discovery.enabled=false}; an application that declares its own {@code InstanceSerializer}
 * bean keeps it.
 */
@AutoConfiguration(beforeName = { "org.springframework.cloud.zookeeper.support.CuratorServiceDiscoveryAutoConfiguration",
        "org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistryAutoConfiguration" })
@ConditionalOnClass({ InstanceSerializer.class, ZookeeperInstance.class })
@ConditionalOnMeshkeeperEnabled
public class InstanceSerializerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    InstanceSerializer<ZookeeperInstance> meshkeeperInstanceSerializer() {
        return new ZookeeperInstanceSerializer();
    }
}
