package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ConfigValidationTests {

    @Test
    void propertyNamesWithDotsDashesAndIndexesAreKeys() {
        assertThatCode(() -> ConfigValidation.validateKey("orders.max-quantity", "key")).doesNotThrowAnyException();
        assertThatCode(() -> ConfigValidation.validateKey("servers[0].host_name", "key"))
                .doesNotThrowAnyException();
    }

    @Test
    void keyWithEmptySegmentsOrSlashesIsRejectedNamingTheField() {
        for (String key : List.of("", "a..b", ".a", "a/b", "a b")) {
            assertThatExceptionOfType(ConfigApiException.class)
                    .isThrownBy(() -> ConfigValidation.validateKey(key, "properties"))
                    .satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.getBody().getProperties())
                            .containsEntry("field", "properties"));
        }
    }

    @Test
    void contextNamesFollowSpringCloudZookeepersLayoutAndCannotClimbThePath() {
        assertThatCode(() -> ConfigValidation.validateContext("orders-api,prod")).doesNotThrowAnyException();
        for (String context : List.of("..", ".", "a/b", " ")) {
            assertThatExceptionOfType(ConfigApiException.class)
                    .isThrownBy(() -> ConfigValidation.validateContext(context)).withMessageContaining("context");
        }
    }

    @Test
    void nullOrOversizedValueRejectsTheWriteNamingTheKey() {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("a", null);
        assertThatExceptionOfType(ConfigApiException.class)
                .isThrownBy(() -> ConfigValidation.validateWrite(withNull, List.of(), 10))
                .withMessageContaining("value of key 'a' is null");
        assertThatExceptionOfType(ConfigApiException.class)
                .isThrownBy(() -> ConfigValidation.validateWrite(Map.of("b", "12345678901"), List.of(), 10))
                .withMessageContaining("max-value-size");
        assertThatExceptionOfType(ConfigApiException.class)
                .isThrownBy(() -> ConfigValidation.validateWrite(Map.of(), List.of("bad key"), 10))
                .satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.getBody().getProperties())
                        .containsEntry("field", "key"));
    }
}
