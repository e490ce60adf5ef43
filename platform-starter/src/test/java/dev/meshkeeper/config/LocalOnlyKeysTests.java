package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@Timeout(30)
@ExtendWith(OutputCaptureExtension.class)
class LocalOnlyKeysTests {

    @Test
    void tlsSwitchesBundlesAndServerTlsAreLocalOnlyInEverySpelling() {
        assertThat(LocalOnlyKeys.isLocalOnly("meshkeeper.security.mtls.enabled")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("meshkeeper.security.mtls.bundle")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("meshkeeper.enabled")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("server.ssl.client-auth")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("server.ssl.clientAuth")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("SERVER.SSL.ENABLED")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("server.ssl")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("spring.ssl.bundle.jks.mesh.truststore.location")).isTrue();
        assertThat(LocalOnlyKeys.isLocalOnly("meshkeeper.security.mtls[enabled]")).isTrue();

        assertThat(LocalOnlyKeys.isLocalOnly("meshkeeper.security.mtls.allowed-callers.inventory")).isFalse();
        assertThat(LocalOnlyKeys.isLocalOnly("server.port")).isFalse();
        assertThat(LocalOnlyKeys.isLocalOnly("server.sslx")).isFalse();
        assertThat(LocalOnlyKeys.isLocalOnly("meshkeeper.discovery.enabled")).isFalse();
        assertThat(LocalOnlyKeys.isLocalOnly("")).isFalse();
    }

    @Test
    void liveSourceHidesLocalOnlyKeysAndWarnsOnceNamingTheKeyNotTheValue(CapturedOutput output) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("orders.limit", "5");
        values.put("server.ssl.key-store-password", "s3cret-value");
        // Never started: the source only names its client.
        CuratorFramework unstarted = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));
        LiveZookeeperPropertySource source = new LiveZookeeperPropertySource("zk", "/config/app", unstarted, values);

        assertThat(source.getProperty("orders.limit")).isEqualTo("5");
        assertThat(source.getProperty("server.ssl.key-store-password")).isNull();
        assertThat(source.getPropertyNames()).containsExactly("orders.limit");
        assertThat(source.values()).containsKey("server.ssl.key-store-password");

        values.put("meshkeeper.security.mtls.enabled", "false");
        source.replace(values);
        source.replace(values);
        assertThat(source.getProperty("meshkeeper.security.mtls.enabled")).isNull();
        assertThat(source.getPropertyNames()).containsExactly("orders.limit");
        String log = output.getOut();
        assertThat(log.split("Ignoring server.ssl.key-store-password from ZooKeeper config context /config/app", -1))
                .hasSize(2);
        assertThat(log.split("Ignoring meshkeeper.security.mtls.enabled", -1)).hasSize(2);
        assertThat(log).doesNotContain("s3cret-value");
    }
}
