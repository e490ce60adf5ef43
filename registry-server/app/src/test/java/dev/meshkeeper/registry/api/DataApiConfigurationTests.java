package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.server.RegistryServerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

@Timeout(30)
class DataApiConfigurationTests {

    @Test
    void maxValueSizeAboveJuteMaxBufferFailsStartUpNamingTheProperty() {
        DataApiProperties properties = new DataApiProperties();
        properties.setMaxValueSize(DataSize.ofMegabytes(1));

        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> new DataApiConfiguration().dataStore(null, properties, new DataJson()))
                .satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("data.max-value-size"))
                .withMessageContaining("jute.maxbuffer");
    }

    @Test
    void kindIsReadFromTheDataAsTheApplicationsReadIt() {
        JsonMapper json = JsonMapper.builder().build();

        assertThat(DataKind.of(json.readTree("{\"kind\":\"map\"}"))).isEqualTo(DataKind.MAP);
        assertThat(DataKind.of(json.readTree("{ \"kind\" : \"map\" }"))).isEqualTo(DataKind.MAP);
        assertThat(DataKind.of(json.readTree("42"))).isEqualTo(DataKind.COUNTER);
        assertThat(DataKind.of(json.readTree("-7"))).isEqualTo(DataKind.COUNTER);
        assertThat(DataKind.of(json.readTree("2.0"))).isEqualTo(DataKind.VALUE);
        assertThat(DataKind.of(json.readTree("\"42\""))).isEqualTo(DataKind.VALUE);
        assertThat(DataKind.of(json.readTree("{\"kind\":\"map\",\"size\":1}"))).isEqualTo(DataKind.VALUE);
        assertThat(new DataJson().decode("not json".getBytes()).kind()).isEqualTo(DataKind.VALUE);
    }

    @Test
    void valuesAreStoredCompactWithEveryDigitAsSent() {
        DataJson json = new DataJson();

        assertThat(new String(json.encode(json.parseBody("{ \"ratio\" : 1.50, \"big\": 9007199254740993 }".getBytes(),
                "{}")))).isEqualTo("{\"ratio\":1.50,\"big\":9007199254740993}");
    }
}
