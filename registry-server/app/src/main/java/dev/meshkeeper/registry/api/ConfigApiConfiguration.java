package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.zookeeper.RegistryTls;
import dev.meshkeeper.registry.server.RegistryServerException;
import dev.meshkeeper.registry.zookeeper.RegistryAuthentication;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The config API ({@code /api/v1/config}) and its Curator client, connected to this server's own ZooKeeper. The
 * client depends on the {@link RegistryServer} bean, so it is closed before the server stops.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.config.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConfigApiProperties.class)
public class ConfigApiConfiguration {

    /** ZooKeeper's default jute.maxbuffer: the largest znode and request a server accepts. */
    private static final int DEFAULT_JUTE_MAX_BUFFER = 0xfffff;

    @Bean(initMethod = "start", destroyMethod = "close")
    CuratorFramework configApiCurator(RegistryServer registryServer, RegistryTls registryTls,
            ObjectProvider<RegistryAuthentication> authentication) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(registryServer.connectString())
                .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000)).sessionTimeoutMs(30_000)
                .connectionTimeoutMs(10_000).zkClientConfig(registryTls.clientConfig());
        authentication.ifAvailable(auth -> auth.configure(builder));
        return builder.build();
    }

    @Bean
    ConfigValueMask configValueMask(ObjectProvider<SanitizingFunction> sanitizingFunctions) {
        return new ConfigValueMask(sanitizingFunctions.orderedStream().toList());
    }

    @Bean
    ConfigStore configStore(CuratorFramework configApiCurator, ConfigApiProperties properties) {
        long limit = Integer.getInteger("jute.maxbuffer", DEFAULT_JUTE_MAX_BUFFER);
        long maxValueSize = properties.getMaxValueSize().toBytes();
        if (maxValueSize <= 0 || maxValueSize >= limit / 2) {
            throw new RegistryServerException("config.max-value-size", properties.getMaxValueSize(),
                    "meshkeeper.registry.config.max-value-size must be above 0 and below half of ZooKeeper's "
                            + "jute.maxbuffer (" + limit + " bytes), so that a value and its history record fit in "
                            + "one transaction; use e.g. 64KB");
        }
        return new ConfigStore(configApiCurator, properties, JsonMapper.builder().build(), Clock.systemUTC(), limit);
    }
}
