package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.api.ConfigTree.Snapshot;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry
@Timeout(60)
class ConfigTreeTests {

    private final RegistryHandle registry;

    private CuratorFramework curator;

    private ConfigTree tree;

    ConfigTreeTests(RegistryHandle registry) {
        this.registry = registry;
    }

    @BeforeEach
    void connect() throws Exception {
        this.curator = CuratorFrameworkFactory.newClient(this.registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        this.curator.blockUntilConnected();
        this.tree = new ConfigTree(this.curator, new ConfigApiProperties());
    }

    @AfterEach
    void close() {
        this.curator.close();
    }

    @Test
    void nestedZnodesAndDottedNamesReadAsDottedKeysAndEmptyParentsAreNotKeys() throws Exception {
        create("/config/tree-app/orders/max-quantity", "20");
        create("/config/tree-app/orders.express", "true");
        create("/config/tree-app/empty-leaf", "");

        Snapshot snapshot = this.tree.snapshot("tree-app");

        assertThat(snapshot.exists()).isTrue();
        assertThat(snapshot.version()).isZero();
        assertThat(snapshot.bookkeepingZkVersion()).isEqualTo(-1);
        assertThat(snapshot.values()).containsOnly(entry("orders.max-quantity", "20"),
                entry("orders.express", "true"), entry("empty-leaf", ""));
        assertThat(snapshot.nodes()).containsKey("/config/tree-app/orders");
        assertThat(snapshot.nodes().get("/config/tree-app/orders").childPaths())
                .containsExactly("/config/tree-app/orders/max-quantity");
    }

    @Test
    void versionComesFromTheBookkeepingZnodeAndAContextWithNeitherDoesNotExist() throws Exception {
        create("/meshkeeper/config/versioned-app", "7");
        create("/config/listed-app/a", "1");

        assertThat(this.tree.snapshot("versioned-app").version()).isEqualTo(7);
        assertThat(this.tree.snapshot("versioned-app").exists()).isTrue();
        assertThat(this.tree.snapshot("never-written").exists()).isFalse();
        assertThat(this.tree.contextNames()).contains("listed-app").doesNotContain("versioned-app");
    }

    private void create(String path, String value) throws Exception {
        this.curator.create().orSetData().creatingParentsIfNeeded().forPath(path,
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
