package dev.meshkeeper.registry.api;

import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** The file formats a context is exported to and imported from. Values are always strings. */
enum ConfigFormat {

    PROPERTIES(".properties", MediaType.TEXT_PLAIN) {

        @Override
        String write(Map<String, String> values) {
            StringBuilder out = new StringBuilder();
            new TreeMap<>(values).forEach((key, value) -> out.append(escape(key, true)).append('=')
                    .append(escape(value, false)).append('\n'));
            return out.toString();
        }

        @Override
        Map<String, String> read(String body) {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(body));
            }
            catch (IOException | IllegalArgumentException ex) {
                throw ConfigApiException.badRequest("body", "the body is not a valid .properties file: "
                        + ex.getMessage());
            }
            Map<String, String> values = new TreeMap<>();
            properties.stringPropertyNames().forEach((key) -> values.put(key, properties.getProperty(key)));
            return values;
        }
    },

    YAML(".yaml", MediaType.parseMediaType("application/yaml")) {

        @Override
        String write(Map<String, String> values) {
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            Map<String, Object> document = nest(values);
            return new Yaml(options).dump((document != null) ? document : new TreeMap<>(values));
        }

        @Override
        Map<String, String> read(String body) {
            Object document;
            try {
                document = new Yaml(new SafeConstructor(new LoaderOptions())).load(body);
            }
            catch (YAMLException ex) {
                throw ConfigApiException.badRequest("body", "the body is not valid YAML: " + ex.getMessage());
            }
            Map<String, String> values = new TreeMap<>();
            if (document == null) {
                return values;
            }
            if (!(document instanceof Map<?, ?> map)) {
                throw ConfigApiException.badRequest("body", "the YAML document must be a mapping of keys to "
                        + "values, e.g. orders:\\n  max-quantity: 20");
            }
            flatten("", map, values);
            return values;
        }
    };

    private final String extension;

    private final MediaType mediaType;

    ConfigFormat(String extension, MediaType mediaType) {
        this.extension = extension;
        this.mediaType = mediaType;
    }

    abstract String write(Map<String, String> values);

    abstract Map<String, String> read(String body);

    String extension() {
        return this.extension;
    }

    MediaType mediaType() {
        return this.mediaType;
    }

    static ConfigFormat of(String format) {
        return switch (format.toLowerCase()) {
            case "properties" -> PROPERTIES;
            case "yaml", "yml" -> YAML;
            default -> throw ConfigApiException.badRequest("format", "format '" + format
                    + "' is unknown; use properties or yaml");
        };
    }

    private static String escape(String text, boolean key) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':', '#', '!' -> out.append(key ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append((key || i == 0) ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Nests dotted keys into maps, or returns null when a key is both a value and a parent (then stay flat). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> nest(Map<String, String> values) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            if (entry.getKey().contains("[")) {
                return null;
            }
            String[] parts = entry.getKey().split("\\.");
            Map<String, Object> current = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object next = current.computeIfAbsent(parts[i], (name) -> new LinkedHashMap<String, Object>());
                if (!(next instanceof Map)) {
                    return null;
                }
                current = (Map<String, Object>) next;
            }
            if (current.containsKey(parts[parts.length - 1])) {
                return null;
            }
            current.put(parts[parts.length - 1], entry.getValue());
        }
        return root;
    }

    private static void flatten(String prefix, Object node, Map<String, String> values) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, value,
                    values));
        }
        else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), values);
            }
        }
        else {
            values.put(prefix, (node != null) ? String.valueOf(node) : "");
        }
    }
}
