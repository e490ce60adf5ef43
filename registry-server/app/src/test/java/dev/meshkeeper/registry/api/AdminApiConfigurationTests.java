package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import tools.jackson.databind.json.JsonMapper;

@Timeout(30)
class AdminApiConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(AdminApiConfiguration.class)
            .withBean(CuratorFramework.class, () -> CuratorFrameworkFactory.newClient("127.0.0.1:1",
                    new RetryOneTime(10)));

    @Test
    void storesAuditLogAndRequestFilterUseTheRegistrysCuratorClient() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(ServiceStore.class).hasSingleBean(CoordinationStore.class)
                    .hasSingleBean(AuditLog.class).hasSingleBean(FilterRegistrationBean.class)
                    .hasSingleBean(CuratorFramework.class);
            assertThat(context.getBean(FilterRegistrationBean.class).getUrlPatterns()).containsExactly("/api/*");
        });
    }

    @Test
    void auditLimitOutOfRangeFailsStartUpNamingTheProperty() {
        this.runner.withPropertyValues("meshkeeper.registry.audit.limit=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("meshkeeper.registry.audit");
        });
    }

    @Test
    void auditRecordingNeverFailsTheCallWhenZooKeeperRefusesTheWrite() {
        CuratorFramework notStarted = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10));
        AuditLog audit = new AuditLog(notStarted, "/meshkeeper/audit", 10, JsonMapper.builder().build(),
                Clock.systemUTC());

        assertThatNoException().isThrownBy(() -> {
            audit.record("olga", "PUT", "/api/v1/config/a", 200, "put config/a");
            audit.record("olga", "PUT", "/api/v1/config/a", 200, "put config/a");
        });
    }
}
