package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** How {@link RecordSchemas} describes the records the admin API writes. */
@Timeout(30)
class RecordSchemasTests {

    @Test
    @SuppressWarnings("rawtypes")
    void everyWrittenComponentIsRequiredAndOnlyNullableOnesMayBeNull() {
        Map<String, Schema> schemas = converters().readAll(Sample.class);

        Schema sample = schemas.get("Sample");
        assertThat(sample.getRequired()).containsExactlyInAnyOrder("name", "port", "holder", "value", "count", "tags");
        assertThat(((Schema) sample.getProperties().get("name")).getTypes()).containsExactly("string");
        assertThat(((Schema) sample.getProperties().get("port")).getTypes()).contains("integer", "null");
        assertThat(((Schema) sample.getProperties().get("holder")).getAnyOf()).hasSize(2);
        assertThat(((Schema) sample.getProperties().get("value")).getTypes()).isNull();
        assertThat(((Schema) sample.getProperties().get("value")).get$ref()).isNull();
        assertThat(schemas.get("Holder").getRequired()).containsExactly("id");
    }

    @Test
    void recordsOfOneSimpleNameAreRefusedRatherThanMerged() {
        ModelConverters converters = converters();
        converters.readAll(First.Entry.class);

        assertThatIllegalStateException().isThrownBy(() -> converters.readAll(Second.Entry.class))
                .withMessageContaining("'Entry'").withMessageContaining("@Schema(name");
    }

    private static ModelConverters converters() {
        ModelConverters converters = new ModelConverters(true);
        converters.addConverter(new RecordSchemas());
        return converters;
    }

    record Sample(String name, @Nullable Integer port, @Nullable Holder holder, JsonNode value, long count,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem, List<String> tags) {
    }

    record Holder(String id) {
    }

    static final class First {

        record Entry(String at) {
        }
    }

    static final class Second {

        record Entry(String when) {
        }
    }
}
