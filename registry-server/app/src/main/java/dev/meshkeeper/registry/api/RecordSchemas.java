package dev.meshkeeper.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JavaType;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Describes a record the admin API reads or writes as the JSON it really is: every component is written, so every
 * property is {@code required}, except one left out when null ({@code @JsonInclude(NON_NULL)} on the component, or on
 * the record for its {@link Nullable} components); a component marked {@link Nullable} may be {@code null}, every
 * other never is; a {@link JsonNode} is any JSON value. A
 * response that drops or renames a field then no longer matches the description.
 */
final class RecordSchemas implements ModelConverter {

    static final String ANY_JSON = "any JSON value: the exact JSON stored in the znode";

    /** Which record each schema name describes: two records of one simple name would share one schema. */
    private final Map<String, Class<?>> owners = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings({ "rawtypes", "unchecked" })
    public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
        Class<?> raw = rawClass(type.getType());
        if (raw != null && JsonNode.class.isAssignableFrom(raw)) {
            return new JsonSchema().description(ANY_JSON);
        }
        Schema resolved = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
        // a body or property type is defined once among the components and answered as a reference to it
        String name = (resolved == null) ? null : (resolved.get$ref() != null)
                ? resolved.get$ref().substring(resolved.get$ref().lastIndexOf('/') + 1) : resolved.getName();
        Schema schema = (resolved != null && resolved.get$ref() != null) ? context.getDefinedModels().get(name)
                : resolved;
        if (schema == null || raw == null || !raw.isRecord() || schema.getProperties() == null) {
            return resolved;
        }
        Class<?> owner = (name != null) ? this.owners.putIfAbsent(name, raw) : null;
        if (owner != null && owner != raw) {
            throw new IllegalStateException("Records " + owner.getName() + " and " + raw.getName() + " are both "
                    + "described as schema '" + name + "', so one would hide the other in /api/v1/openapi.json; "
                    + "give one of them @Schema(name = \"...\")");
        }
        JsonInclude recordInclusion = raw.getAnnotation(JsonInclude.class);
        for (RecordComponent component : raw.getRecordComponents()) {
            String property = component.getName();
            Schema propertySchema = (Schema) schema.getProperties().get(property);
            if (propertySchema == null) {
                continue;
            }
            boolean nullable = isNullable(component);
            boolean omittedWhenNull = omittedWhenNull(component.getAccessor().getAnnotation(JsonInclude.class))
                    || (nullable && omittedWhenNull(recordInclusion));
            if (!omittedWhenNull && (schema.getRequired() == null || !schema.getRequired().contains(property))) {
                schema.addRequiredItem(property);
            }
            if (nullable && !omittedWhenNull) {
                schema.getProperties().put(property, orNull(propertySchema));
            }
        }
        return resolved;
    }

    private static boolean omittedWhenNull(JsonInclude inclusion) {
        return inclusion != null && inclusion.value() != JsonInclude.Include.ALWAYS
                && inclusion.value() != JsonInclude.Include.USE_DEFAULTS;
    }

    private static boolean isNullable(RecordComponent component) {
        return Stream.of(component.getAnnotatedType().getAnnotations(), component.getAnnotations())
                .flatMap(Stream::of).map(Annotation::annotationType).anyMatch(Nullable.class::equals);
    }

    @SuppressWarnings({ "rawtypes", "unchecked" })
    private static Schema orNull(Schema property) {
        if (property.get$ref() != null) {
            return new JsonSchema().anyOf(new ArrayList<>(List.of(property, new JsonSchema().types(Set.of("null")))));
        }
        Set<String> types = new LinkedHashSet<>();
        if (property.getTypes() != null) {
            types.addAll(property.getTypes());
        }
        else if (property.getType() != null) {
            types.add(property.getType());
        }
        if (!types.isEmpty()) {
            types.add("null");
            property.setTypes(types);
        }
        return property;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> cls) {
            return cls;
        }
        if (type instanceof JavaType javaType) {
            return javaType.getRawClass();
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> cls) {
            return cls;
        }
        return null;
    }
}
