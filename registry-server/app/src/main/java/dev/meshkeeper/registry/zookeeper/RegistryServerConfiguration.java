package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.EnsembleMember;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerException;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ZooKeeper server of the registry: started when its bean is created (so everything that depends on it finds
 * it serving), stopped when the context closes, after the web server.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RegistryProperties.class)
public class RegistryServerConfiguration {

    private static final Logger logger = LoggerFactory.getLogger(RegistryServerConfiguration.class);

    @Bean
    RegistryTls registryTls(RegistryProperties properties) {
        return new RegistryTls(properties.getTls());
    }

    @Bean(destroyMethod = "close")
    ZooKeeperMetricsBridge zooKeeperMetricsBridge(ObjectProvider<MeterRegistry> meterRegistry) {
        MeterRegistry registry = meterRegistry.getIfUnique();
        return (registry != null) ? new ZooKeeperMetricsBridge(registry) : null;
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    RegistryServer registryServer(RegistryProperties properties, RegistryTls registryTls,
            ObjectProvider<RegistryAuthentication> authentication, ObjectProvider<ZooKeeperMetricsBridge> metrics) {
        // Before the server starts: its TLS and authentication settings are JVM-wide system properties.
        registryTls.apply();
        authentication.ifAvailable(RegistryAuthentication::prepareServer);
        ProtectedMode protectedMode = protectedMode(properties, authentication.getIfAvailable());
        protectedMode.startupMessages().forEach(message -> {
            if (message.warn()) {
                logger.warn(message.text());
            }
            else {
                logger.info(message.text());
            }
        });
        plainPortWarning(properties).ifPresent(logger::warn);
        RegistryServerSettings settings = settings(properties, protectedMode);
        ZooKeeperMetricsBridge bridge = metrics.getIfAvailable();
        if (bridge != null && !settings.zooKeeperProperties().keySet().stream()
                .anyMatch((key) -> key.equalsIgnoreCase("metricsProvider.className"))) {
            // ZooKeeper's own metrics go to Micrometer unless another metrics provider is configured.
            RegistryServerSettings.Builder withMetrics = settings.toBuilder();
            bridge.zooKeeperProperties().forEach(withMetrics::zooKeeperProperty);
            settings = withMetrics.build();
        }
        return new RegistryServer(settings);
    }

    static ProtectedMode protectedMode(RegistryProperties properties, RegistryAuthentication authentication) {
        return new ProtectedMode(authentication != null && authentication.isEnabled(),
                properties.isAllowUnauthenticatedRemoteClients(), properties.getBindAddress());
    }

    /** With a TLS client port, the plain one beside it still carries everything in clear text. */
    static Optional<String> plainPortWarning(RegistryProperties properties) {
        RegistryProperties.Tls tls = properties.getTls();
        if (tls.getSecureClientPort() == null || !tls.isPlainClientPortEnabled()) {
            return Optional.empty();
        }
        return Optional.of("The TLS client port is on, but the plain ZooKeeper client port "
                + properties.getClientPort() + " is still open next to it and carries credentials and data in clear "
                + "text; once every client uses TLS, close it with meshkeeper.registry.tls.plain-client-port-enabled=false");
    }

    @Bean
    HealthIndicator zookeeperServerHealthIndicator(RegistryServer registryServer) {
        return new RegistryServerHealthIndicator(registryServer);
    }

    @Bean
    MeterBinder zookeeperServerMetrics(RegistryServer registryServer) {
        return new RegistryServerMetrics(registryServer);
    }

    static RegistryServerSettings settings(RegistryProperties properties, ProtectedMode protectedMode) {
        RegistryServerSettings.Builder settings = RegistryServerSettings.builder()
                .bindAddress(protectedMode.bindAddress()).clientPort(properties.getClientPort())
                .dataDir(properties.getDataDir()).tickTime(properties.getTickTime())
                .minSessionTimeout(properties.getMinSessionTimeout())
                .maxSessionTimeout(properties.getMaxSessionTimeout())
                .maxClientConnections(properties.getMaxClientConnections())
                .snapshotRetainCount(properties.getSnapshotRetainCount())
                .purgeInterval(properties.getPurgeInterval()).startupTimeout(properties.getStartupTimeout())
                .myId(properties.getEnsemble().getMyId());
        for (Map.Entry<String, String> member : properties.getEnsemble().getMembers().entrySet()) {
            settings.member(member(member.getKey(), member.getValue()));
        }
        properties.getZookeeper().forEach(settings::zooKeeperProperty);
        settings.secureClientPort(properties.getTls().getSecureClientPort())
                .clientPortEnabled(properties.getTls().isPlainClientPortEnabled());
        return settings.build();
    }

    private static EnsembleMember member(String id, String spec) {
        String setting = "ensemble.members." + id;
        int memberId;
        try {
            memberId = Integer.parseInt(id.trim());
        }
        catch (NumberFormatException ex) {
            throw new RegistryServerException(setting, spec, "ensemble member id '" + id
                    + "' is not a number; list members by their numeric id (1..255), e.g. "
                    + "meshkeeper.registry.ensemble.members.1=127.0.0.1:2888:3888;2181");
        }
        try {
            return EnsembleMember.parse(memberId, spec);
        }
        catch (IllegalArgumentException ex) {
            throw new RegistryServerException(setting, spec, ex.getMessage(), ex);
        }
    }
}
