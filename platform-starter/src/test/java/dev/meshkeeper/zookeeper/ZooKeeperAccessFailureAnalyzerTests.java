package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.diagnostics.FailureAnalysis;

@Timeout(10)
class ZooKeeperAccessFailureAnalyzerTests {

    private final ZooKeeperAccessFailureAnalyzer analyzer = new ZooKeeperAccessFailureAnalyzer();

    @Test
    void refusedCredentialsNameBothProperties() {
        FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException("start-up failed",
                KeeperException.create(Code.AUTHFAILED, "/services/orders")));

        assertThat(analysis.getDescription()).contains("refused this application's credentials")
                .contains("/services/orders");
        assertThat(analysis.getAction()).contains("meshkeeper.zookeeper.auth.username")
                .contains("meshkeeper.zookeeper.auth.password");
    }

    @Test
    void aWriteTheAclsForbidSaysWhereApplicationsMayRegister() {
        FailureAnalysis analysis = this.analyzer.analyze(
                KeeperException.create(Code.NOAUTH, "/services/inventory-service/orders-1"));

        assertThat(analysis.getDescription()).contains("/services/inventory-service/orders-1");
        assertThat(analysis.getAction()).contains("/services/<its username>")
                .contains("meshkeeper.registry.auth.applications.<service>.digest");
    }

    @Test
    void otherZooKeeperErrorsAreLeftToOtherAnalyzers() {
        assertThat(this.analyzer.analyze(KeeperException.create(Code.CONNECTIONLOSS, "/config"))).isNull();
    }
}
