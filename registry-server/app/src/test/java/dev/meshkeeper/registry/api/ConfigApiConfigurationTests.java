package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.util.unit.DataSize;

@Timeout(30)
class ConfigApiConfigurationTests {

    @Test
    void maxValueSizeAtOrAboveHalfOfJuteMaxBufferFailsStartUpNamingTheProperty() {
        ConfigApiProperties properties = new ConfigApiProperties();
        properties.setMaxValueSize(DataSize.ofMegabytes(1));

        assertThatExceptionOfType(RegistryServerException.class)
                .isThrownBy(() -> new ConfigApiConfiguration().configStore(null, properties))
                .satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("config.max-value-size"))
                .withMessageContaining("jute.maxbuffer");
    }

    @Test
    void propertiesExportEscapesWhatPropertiesFilesWouldMisreadAndReadsItBack() {
        Map<String, String> values = Map.of("a.b", "x = y: z", "lead", " spaced", "multi", "line1\nline2",
                "path", "C:\\temp");

        String file = ConfigFormat.PROPERTIES.write(values);

        assertThat(ConfigFormat.PROPERTIES.read(file)).isEqualTo(values);
    }

    @Test
    void yamlExportNestsKeysAndFallsBackToFlatKeysWhenAKeyIsAlsoAParent() {
        Map<String, String> nested = Map.of("orders.max-quantity", "20", "orders.flag", "true");
        assertThat(ConfigFormat.YAML.write(nested)).contains("orders:\n");
        assertThat(ConfigFormat.YAML.read(ConfigFormat.YAML.write(nested))).isEqualTo(nested);

        Map<String, String> clash = Map.of("orders", "on", "orders.max-quantity", "20");
        assertThat(ConfigFormat.YAML.read(ConfigFormat.YAML.write(clash))).isEqualTo(clash);
    }
}
