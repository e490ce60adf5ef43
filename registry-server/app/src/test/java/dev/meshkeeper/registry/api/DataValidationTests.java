package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

@Timeout(30)
class DataValidationTests {

    private final JsonMapper mapper = JsonMapper.builder().build();

    @Test
    void namesAreOneToOneHundredTwentyEightSafeCharactersNotStartingWithADot() {
        assertThatCode(() -> DataValidation.validate("inventory-stock.v2", "name")).doesNotThrowAnyException();
        for (String name : List.of("", ".hidden", "a/b", "x".repeat(129), "a b")) {
            assertThatExceptionOfType(AdminApiException.class).isThrownBy(() -> DataValidation.validate(name, "key"))
                    .withMessageContaining("map key");
        }
    }

    @Test
    void encodedValueLargerThanTheLimitOrAnIntegerBeyondSixtyFourBitsIsRejected() {
        DataJson json = new DataJson();
        assertThat(DataValidation.encode(json, this.mapper.readTree("42"), "data 'n'", 100)).hasSize(2);
        assertThatExceptionOfType(AdminApiException.class)
                .isThrownBy(() -> DataValidation.encode(json, this.mapper.readTree("\"" + "x".repeat(200) + "\""),
                        "data 'n'", 100))
                .withMessageContaining("data 'n' would hold").withMessageContaining("max-value-size");
        assertThatExceptionOfType(AdminApiException.class)
                .isThrownBy(() -> DataValidation.encode(json, this.mapper.readTree("99999999999999999999"),
                        "data 'n'", 100))
                .withMessageContaining("64-bit");
    }

    @Test
    void aWriteKeepsTheKindOfWhatIsThere() {
        assertThatCode(() -> DataValidation.checkKind("n", DataKind.COUNTER, DataKind.COUNTER))
                .doesNotThrowAnyException();
        assertThatCode(() -> DataValidation.checkKind("n", DataKind.VALUE, DataKind.VALUE)).doesNotThrowAnyException();
        assertThatExceptionOfType(AdminApiException.class)
                .isThrownBy(() -> DataValidation.checkKind("n", DataKind.MAP, DataKind.VALUE))
                .satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.CONFLICT))
                .withMessageContaining("is a map");
        assertThatExceptionOfType(AdminApiException.class)
                .isThrownBy(() -> DataValidation.checkKind("n", DataKind.COUNTER, DataKind.VALUE))
                .satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
        assertThatExceptionOfType(AdminApiException.class)
                .isThrownBy(() -> DataValidation.checkKind("n", DataKind.VALUE, DataKind.COUNTER))
                .withMessageContaining("would turn it into a counter");
    }
}
