package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.api.ConfigTree.Snapshot;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry
@Timeout(60)
class ConfigTreeTests {

    private final RegistryHandle registry;

    private RegistryNodes nodes;

    private ConfigTree tree;

    ConfigTreeTests(RegistryHandle registry) {
        this.registry = registry;
    }

    @BeforeEach
    void connect() throws Exception {
        this.nodes = RegistryNodes.connect(this.registry);
        this.tree = new ConfigTree(this.nodes.curator(), new ConfigApiProperties());
    }

    @AfterEach
    void close() {
        this.nodes.close();
    }

    @Test
    void nestedZnodesAndDottedNamesReadAsDottedKeysAndEmptyParentsAreNotKeys() throws Exception {
        this.nodes.write("/config/tree-app/orders/max-quantity", "20");
        this.nodes.write("/config/tree-app/orders.express", "true");
        this.nodes.write("/config/tree-app/empty-leaf", "");

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
        this.nodes.write("/meshkeeper/config/versioned-app", "7");
        this.nodes.write("/config/listed-app/a", "1");

        assertThat(this.tree.snapshot("versioned-app").version()).isEqualTo(7);
        assertThat(this.tree.snapshot("versioned-app").exists()).isTrue();
        assertThat(this.tree.snapshot("never-written").exists()).isFalse();
        assertThat(this.tree.contextNames()).contains("listed-app").doesNotContain("versioned-app");
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
