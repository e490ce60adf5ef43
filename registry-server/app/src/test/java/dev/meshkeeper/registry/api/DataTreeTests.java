package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.api.DataTree.Node;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry
@Timeout(60)
class DataTreeTests {

    private final RegistryHandle registry;

    private RegistryNodes nodes;

    private DataTree tree;

    DataTreeTests(RegistryHandle registry) {
        this.registry = registry;
    }

    @BeforeEach
    void connect() throws Exception {
        this.nodes = RegistryNodes.connect(this.registry);
        this.tree = new DataTree(this.nodes.curator(), new DataApiProperties());
    }

    @AfterEach
    void close() {
        this.nodes.close();
    }

    @Test
    void childrenAreReadWithDataAndStatSortedByName() throws Exception {
        String map = this.tree.path("tree-map");
        for (int i = 0; i < 50; i++) {
            this.nodes.create(this.tree.path("tree-map", String.format("k%02d", 49 - i)), "\"v" + i + "\"");
        }

        Map<String, Node> children = this.tree.children(map);

        assertThat(children).hasSize(50);
        assertThat(children.keySet()).first().isEqualTo("k00");
        assertThat(new String(children.get("k49").data(), StandardCharsets.UTF_8)).isEqualTo("\"v0\"");
        assertThat(children.get("k49").stat().getVersion()).isZero();
    }

    @Test
    void missingZnodesReadAsNothingInsteadOfFailing() throws Exception {
        assertThat(this.tree.node(this.tree.path("no-such-data"))).isNull();
        assertThat(this.tree.children(this.tree.path("no-such-data"))).isEmpty();
    }

    @Test
    void mapFingerprintMovesWhenAnEntryChanges() throws Exception {
        this.nodes.create(this.tree.path("fingerprinted", "a"), "1");
        Node map = this.tree.node(this.tree.path("fingerprinted"));
        long before = DataTree.fingerprint(map.stat(), this.tree.children(this.tree.path("fingerprinted")));

        this.nodes.write(this.tree.path("fingerprinted", "a"), "2");

        map = this.tree.node(this.tree.path("fingerprinted"));
        assertThat(DataTree.fingerprint(map.stat(), this.tree.children(this.tree.path("fingerprinted"))))
                .isGreaterThan(before);
    }

}
