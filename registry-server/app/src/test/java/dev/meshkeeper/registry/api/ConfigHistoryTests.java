package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.api.ConfigStore.Change;
import dev.meshkeeper.registry.api.ConfigStore.KeyChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpStatus;

@Timeout(30)
class ConfigHistoryTests {

    private final ConfigApiProperties properties = new ConfigApiProperties();

    private final ConfigHistory history = new ConfigHistory(null, null, null, this.properties);

    // v1: a=1; v2: a=2, b=x; v3: b deleted, c=y
    private final List<Change> newestFirst = List.of(
            change(3, new KeyChange("b", "x", null), new KeyChange("c", null, "y")),
            change(2, new KeyChange("a", "1", "2"), new KeyChange("b", null, "x")),
            change(1, new KeyChange("a", null, "1")));

    private final Map<String, String> current = Map.of("a", "2", "c", "y");

    @Test
    void undoingChangesNewestFirstRebuildsEveryOlderVersion() {
        assertThat(this.history.valuesAt("ctx", this.current, 3, this.newestFirst, 3, "version"))
                .isEqualTo(this.current);
        assertThat(this.history.valuesAt("ctx", this.current, 3, this.newestFirst, 2, "version"))
                .isEqualTo(Map.of("a", "2", "b", "x"));
        assertThat(this.history.valuesAt("ctx", this.current, 3, this.newestFirst, 1, "version"))
                .isEqualTo(Map.of("a", "1"));
        assertThat(this.history.valuesAt("ctx", this.current, 3, this.newestFirst, 0, "version")).isEmpty();
    }

    @Test
    void versionOlderThanTheKeptHistoryIsGoneNamingTheOldestRestorableVersion() {
        this.properties.setHistoryLimit(2);
        List<Change> kept = this.newestFirst.subList(0, 2);

        assertThatExceptionOfType(ConfigApiException.class)
                .isThrownBy(() -> this.history.valuesAt("ctx", this.current, 3, kept, 0, "version"))
                .satisfies((ex) -> {
                    assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.GONE);
                    assertThat(ex.getBody().getDetail()).contains("history-limit=2")
                            .contains("oldest version that can be restored is 1");
                    assertThat(ex.getBody().getProperties()).containsEntry("field", "version");
                });
    }

    @Test
    void aGapInTheRecordsStopsTheRebuildInsteadOfSkippingAChange() {
        List<Change> gap = List.of(this.newestFirst.get(0), this.newestFirst.get(2));

        assertThatExceptionOfType(ConfigApiException.class)
                .isThrownBy(() -> this.history.valuesAt("ctx", this.current, 3, gap, 0, "version"))
                .satisfies((ex) -> assertThat(ex.getBody().getDetail())
                        .contains("oldest version that can be restored is 2"));
    }

    private static Change change(long version, KeyChange... changes) {
        return new Change(version, "tester", "2026-01-01T00:00:00Z", "put", null, List.of(changes));
    }
}
