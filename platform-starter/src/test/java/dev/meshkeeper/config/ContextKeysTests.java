package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ContextKeysTests {

    @Test
    void nestedAndDottedZnodesBecomeTheSameDottedKey() {
        assertThat(ContextKeys.keyOf("/config/app", "/config/app/orders/max-quantity"))
                .isEqualTo("orders.max-quantity");
        assertThat(ContextKeys.keyOf("/config/app", "/config/app/orders.max-quantity"))
                .isEqualTo("orders.max-quantity");
    }

    @Test
    void theContextItselfAndPathsOutsideItAreNoKeys() {
        assertThat(ContextKeys.keyOf("/config/app", "/config/app")).isNull();
        assertThat(ContextKeys.keyOf("/config/app", "/config/application/x")).isNull();
        assertThat(ContextKeys.keyOf("/config/app", "/config/other/x")).isNull();
    }

    @Test
    void aKeyIsWrittenToItsNestedPath() {
        assertThat(ContextKeys.pathOf("/config/app", "orders.max-quantity"))
                .isEqualTo("/config/app/orders/max-quantity");
    }

    @Test
    void nodesWithDataAndEmptyLeavesHoldValuesEmptyParentsDoNot() {
        List<ChildData> nodes = List.of(node("/config/app", null, 2, 7), node("/config/app/orders", null, 1, 8),
                node("/config/app/orders/max-quantity", "20", 0, 12), node("/config/app/flag", "", 0, 9),
                node("/config/app/greeting", "hi", 1, 10), node("/config/app/greeting/text", "hello", 0, 11));

        assertThat(ContextKeys.valuesOf("/config/app", nodes)).containsExactly(
                entry("orders.max-quantity", "20"), entry("flag", ""), entry("greeting", "hi"),
                entry("greeting.text", "hello"));
    }

    @Test
    void theVersionIsTheHighestModificationZxid() {
        assertThat(ContextKeys.versionOf(List.of(node("/config/app", null, 1, 7),
                node("/config/app/a", "1", 0, 15), node("/config/app/b", "2", 0, 11)))).isEqualTo(15);
        assertThat(ContextKeys.versionOf(List.of())).isEqualTo(-1);
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }

    private static ChildData node(String path, String data, int children, long mzxid) {
        Stat stat = new Stat();
        stat.setNumChildren(children);
        stat.setMzxid(mzxid);
        return new ChildData(path, stat, (data != null) ? data.getBytes(StandardCharsets.UTF_8) : null);
    }
}
