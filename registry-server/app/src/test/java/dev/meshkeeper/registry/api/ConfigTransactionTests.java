package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.api.ConfigStore.KeyChange;
import dev.meshkeeper.registry.api.ConfigTree.Node;
import dev.meshkeeper.registry.api.ConfigTree.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConfigTransactionTests {

    @Test
    void parentsLeftWithoutValueOrChildrenAreRemovedDeepestFirst() {
        Map<String, Node> nodes = new LinkedHashMap<>();
        node(nodes, "/config/app/a", "", "/config/app/a/b");
        node(nodes, "/config/app/a/b", "", "/config/app/a/b/c");
        node(nodes, "/config/app/a/b/c", "1");
        Snapshot snapshot = new Snapshot("app", "/config/app", true, 1, 0, nodes, Map.of());

        assertThat(ConfigTransaction.emptiedParents("/config/app", snapshot, Set.of("/config/app/a/b/c")))
                .containsExactly("/config/app/a/b", "/config/app/a");
    }

    @Test
    void parentWithAValueOrAnotherChildStays() {
        Map<String, Node> nodes = new LinkedHashMap<>();
        node(nodes, "/config/app/a", "kept", "/config/app/a/b");
        node(nodes, "/config/app/a/b", "1");
        node(nodes, "/config/app/x", "", "/config/app/x/y", "/config/app/x/z");
        node(nodes, "/config/app/x/y", "1");
        node(nodes, "/config/app/x/z", "2");
        Snapshot snapshot = new Snapshot("app", "/config/app", true, 1, 0, nodes, Map.of());

        assertThat(ConfigTransaction.emptiedParents("/config/app", snapshot,
                Set.of("/config/app/a/b", "/config/app/x/y"))).isEmpty();
    }

    @Test
    void changeLargerThanOneZooKeeperRequestIsRejectedNamingTheLimit() {
        ConfigTransaction transaction = new ConfigTransaction(null, null, new ConfigApiProperties(), null,
                64 * 1024);
        transaction.checkSize("app", List.of(new KeyChange("small", null, "x".repeat(1000))));

        assertThatExceptionOfType(ConfigApiException.class)
                .isThrownBy(() -> transaction.checkSize("app",
                        List.of(new KeyChange("big", "y".repeat(20_000), "x".repeat(20_000)))))
                .withMessageContaining("jute.maxbuffer").withMessageContaining("split it");
    }

    private static void node(Map<String, Node> nodes, String path, String value, String... children) {
        nodes.put(path, new Node(path, value, 0, children.length, List.of(children)));
    }
}
