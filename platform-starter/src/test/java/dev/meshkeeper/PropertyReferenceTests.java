package dev.meshkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/properties.md is generated from the configuration metadata the build produces
 * ({@code META-INF/spring-configuration-metadata.json}): every {@code meshkeeper.*} property with its type, default
 * and description. This test fails when the page is out of date; run it with
 * {@code -Dmeshkeeper.docs.regenerate=true} to write the page anew.
 */
@Timeout(30)
class PropertyReferenceTests {

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

    private static final Path PAGE = Path.of("../docs/properties.md");

    private static final String BEGIN = "<!-- generated from the configuration metadata: begin -->";

    private static final String END = "<!-- generated from the configuration metadata: end -->";

    @Test
    void thePropertyReferenceListsEveryPropertyOfTheMetadata() throws Exception {
        String table = table(JsonMapper.builder().build().readTree(Files.readString(METADATA)));
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertThat(begin).as("%s marker in %s", BEGIN, PAGE).isNotNegative();
        assertThat(end).as("%s marker in %s", END, PAGE).isGreaterThan(begin);
        String expected = page.substring(0, begin + BEGIN.length()) + "\n" + table + page.substring(end);
        if (Boolean.getBoolean("meshkeeper.docs.regenerate")) {
            Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("docs/properties.md is out of date: run ./mvnw -pl platform-starter verify "
                        + "-Dtest=PropertyReferenceTests -Dmeshkeeper.docs.regenerate=true")
                .isEqualTo(expected);
    }

    private static String table(JsonNode metadata) {
        List<JsonNode> properties = new ArrayList<>();
        metadata.get("properties").forEach(property -> {
            if (property.get("name").asString().startsWith("meshkeeper.") && !property.has("deprecation")) {
                properties.add(property);
            }
        });
        properties.sort(Comparator.comparing(property -> property.get("name").asString()));
        Map<String, List<String>> hints = new java.util.TreeMap<>();
        JsonNode hintNodes = metadata.get("hints");
        if (hintNodes != null) {
            hintNodes.forEach(hint -> {
                List<String> values = new ArrayList<>();
                hint.path("values").forEach(value -> values.add("`" + value.get("value").asString() + "`"));
                hints.put(hint.get("name").asString(), values);
            });
        }
        StringBuilder table = new StringBuilder();
        table.append("| property | type | default | description |\n|---|---|---|---|\n");
        for (JsonNode property : properties) {
            String name = property.get("name").asString();
            String description = property.path("description").asString("").replace("|", "\\|").replace("\n", " ");
            if (hints.containsKey(name)) {
                description = description + " One of " + String.join(", ", hints.get(name)) + ".";
            }
            table.append("| `").append(name).append("` | ").append(simpleType(property.path("type").asString("")))
                    .append(" | ").append(defaultValue(property.get("defaultValue"))).append(" | ")
                    .append(description).append(" |\n");
        }
        return table.toString();
    }

    private static String simpleType(String type) {
        return type.replaceAll("[a-z0-9_]+\\.", "").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String defaultValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            return items.isEmpty() ? "" : "`" + String.join(",", items) + "`";
        }
        return "`" + value.asString() + "`";
    }
}
