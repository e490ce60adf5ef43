package dev.meshkeeper.data;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link SharedData} over Spring Cloud Zookeeper's {@link CuratorFramework} (through {@link ZooKeeperRequests}) and
 * the application's Jackson {@link ObjectMapper} (a default {@link JsonMapper} when the context has none).
 */
@AutoConfiguration(after = ZooKeeperConnectionAutoConfiguration.class,
        afterName = { "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration",
                "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ CuratorFramework.class, PersistentWatcher.class, ObjectMapper.class })
@ConditionalOnBean({ CuratorFramework.class, ZooKeeperRequests.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.data.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DataProperties.class)
public class DataAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SharedData sharedData(ZooKeeperRequests requests, DataProperties properties,
            ObjectProvider<ObjectMapper> mapper, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<Clock> clock, ApplicationEventPublisher publisher) {
        return new SharedData(requests, mapper.getIfUnique(() -> JsonMapper.builder().build()), properties,
                publisher, meters.getIfUnique(CompositeMeterRegistry::new), clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean(name = "dataEndpointContributor")
    @ConditionalOnBean(SharedData.class)
    DataEndpointContributor dataEndpointContributor(SharedData data) {
        return new DataEndpointContributor(data);
    }
}
