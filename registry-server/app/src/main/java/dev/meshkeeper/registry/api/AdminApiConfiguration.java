package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.zookeeper.RegistryAuthentication;
import dev.meshkeeper.registry.zookeeper.RegistryTls;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API beside the config API: services and instances, locks, leaders, cluster, audit log and the OpenAPI
 * description. It reads and writes through the registry's own Curator client (the config API's; one of its own
 * when the config API is disabled).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ AdminApiProperties.class, AuditProperties.class })
public class AdminApiConfiguration {

    /** Runs right after Spring Security's filter chain (order -100), so the caller is known. */
    private static final int FILTER_ORDER = 0;

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnBooleanProperty(name = "meshkeeper.registry.config.enabled", havingValue = false)
    CuratorFramework adminApiCurator(RegistryServer registryServer, RegistryTls registryTls,
            ObjectProvider<RegistryAuthentication> authentication) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(registryServer.connectString())
                .retryPolicy(new ExponentialBackoffRetry(100, 5, 2000)).sessionTimeoutMs(30_000)
                .connectionTimeoutMs(10_000).zkClientConfig(registryTls.clientConfig());
        authentication.ifAvailable(auth -> auth.configure(builder));
        return builder.build();
    }

    @Bean
    ServiceStore serviceStore(CuratorFramework curator, AdminApiProperties properties) {
        return new ServiceStore(curator, properties.getServicesRoot(), JsonMapper.builder().build());
    }

    @Bean
    CoordinationStore coordinationStore(CuratorFramework curator, AdminApiProperties properties) {
        return new CoordinationStore(curator, properties.getLocksRoot(), properties.getLeadersRoot(),
                JsonMapper.builder().build());
    }

    @Bean
    PlacementStore placementStore(CuratorFramework curator, AdminApiProperties properties) {
        return new PlacementStore(curator, properties.getPlacementRoot(), JsonMapper.builder().build());
    }

    @Bean
    AuditLog auditLog(CuratorFramework curator, AuditProperties properties) {
        return new AuditLog(curator, properties.getRoot(), properties.getLimit(), JsonMapper.builder().build(),
                Clock.systemUTC());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "meshkeeper.registry.audit.enabled", matchIfMissing = true)
    FailedAuthenticationAudit failedAuthenticationAudit(AuditLog auditLog) {
        return new FailedAuthenticationAudit(auditLog);
    }

    @Bean
    FilterRegistrationBean<ApiRequestFilter> apiRequestFilter(AuditLog auditLog, AuditProperties audit,
            AdminApiProperties properties) {
        ApiRequestFilter filter = new ApiRequestFilter(audit.isEnabled() ? auditLog : null,
                properties.getMaxRequestSize().toBytes(), JsonMapper.builder().build());
        FilterRegistrationBean<ApiRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/api/*");
        registration.setOrder(FILTER_ORDER);
        return registration;
    }
}
