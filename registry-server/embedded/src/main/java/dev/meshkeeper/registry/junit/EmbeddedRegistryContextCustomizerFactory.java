package dev.meshkeeper.registry.junit;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points Spring test contexts of {@link EmbeddedRegistry} classes at the registry: sets
 * {@code spring.cloud.zookeeper.connect-string} (ahead of every other property source) and registers the
 * {@link RegistryHandle} as a bean. Contexts on the shared registry are cached across classes as usual; a context
 * on a dedicated registry belongs to its class alone.
 */
class EmbeddedRegistryContextCustomizerFactory implements ContextCustomizerFactory {

    static final String CONNECT_STRING_PROPERTY = "spring.cloud.zookeeper.connect-string";

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        Class<?> declaring = TestRegistries.declaringClass(testClass);
        if (declaring == null) {
            return null;
        }
        return new Customizer(TestRegistries.annotation(declaring).dedicated() ? declaring : null, declaring);
    }

    /**
     * @param key the dedicated registry's class, or {@code null} for the shared registry (part of the context's
     * cache key)
     */
    private record Customizer(Class<?> key, Class<?> declaring) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            RegistryHandle handle = TestRegistries.handleFor(this.declaring);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("embeddedRegistry",
                    Map.of(CONNECT_STRING_PROPERTY, handle.connectString())));
            context.getBeanFactory().registerSingleton("embeddedRegistryHandle", handle);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Customizer customizer && Objects.equals(this.key, customizer.key);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(this.key);
        }
    }
}
