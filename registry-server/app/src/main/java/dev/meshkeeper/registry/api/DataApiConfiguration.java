package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.server.RegistryServerException;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shared data API ({@code /api/v1/data}), through the registry's own Curator client.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.data.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DataApiProperties.class)
public class DataApiConfiguration {

    /** ZooKeeper's default jute.maxbuffer: the largest znode and request a server accepts. */
    private static final int DEFAULT_JUTE_MAX_BUFFER = 0xfffff;

    /** Room left in a request for the path and ZooKeeper's own fields. */
    private static final int REQUEST_OVERHEAD = 1024;

    @Bean
    DataJson dataJson() {
        return new DataJson();
    }

    @Bean
    DataStore dataStore(CuratorFramework curator, DataApiProperties properties, DataJson dataJson) {
        long limit = Integer.getInteger("jute.maxbuffer", DEFAULT_JUTE_MAX_BUFFER);
        long maxValueSize = properties.getMaxValueSize().toBytes();
        if (maxValueSize <= 0 || maxValueSize > limit - REQUEST_OVERHEAD) {
            throw new RegistryServerException("data.max-value-size", properties.getMaxValueSize(),
                    "meshkeeper.registry.data.max-value-size must be above 0 and at most ZooKeeper's jute.maxbuffer ("
                            + limit + " bytes) less " + REQUEST_OVERHEAD + " bytes for the request; use e.g. 1000KB");
        }
        return new DataStore(curator, properties, dataJson, limit);
    }
}
