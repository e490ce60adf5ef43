package dev.meshkeeper.registry.junit;

import static dev.meshkeeper.registry.junit.EmbeddedRegistryContextCustomizerFactory.CONNECT_STRING_PROPERTY;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit side of {@link EmbeddedRegistry}: starts (or joins) the registry before the class, resolves
 * {@link RegistryHandle} parameters, brings a dedicated registry back up before each test if a previous test left
 * it stopped, and releases a dedicated registry after the class.
 */
public class EmbeddedRegistryExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(EmbeddedRegistryExtension.class);

    private static final String PREVIOUS_CONNECT_STRING = "previousConnectString";

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> declaring = declaringClass(context);
        if (isOutermost(context)) {
            TestRegistries.acquire(declaring);
            // Spring Cloud Zookeeper resolves spring.config.import=zookeeper: while the environment is prepared,
            // before any context customizer runs: only a system property reaches it in time.
            context.getStore(NAMESPACE).put(PREVIOUS_CONNECT_STRING,
                    Optional.ofNullable(System.getProperty(CONNECT_STRING_PROPERTY)));
            System.setProperty(CONNECT_STRING_PROPERTY, TestRegistries.handleFor(declaring).connectString());
        }
        TestRegistries.handleFor(declaring);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        Class<?> declaring = declaringClass(context);
        if (isOutermost(context)) {
            Optional<String> previous = context.getStore(NAMESPACE).get(PREVIOUS_CONNECT_STRING, Optional.class);
            if (previous != null && previous.isPresent()) {
                System.setProperty(CONNECT_STRING_PROPERTY, previous.get());
            }
            else {
                System.clearProperty(CONNECT_STRING_PROPERTY);
            }
            TestRegistries.release(declaring);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RegistryHandle handle = TestRegistries.handleFor(declaringClass(context));
        if (!handle.isRunning()) {
            handle.start();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RegistryHandle.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TestRegistries.handleFor(declaringClass(extensionContext));
    }

    private static Class<?> declaringClass(ExtensionContext context) {
        Class<?> declaring = TestRegistries.declaringClass(context.getRequiredTestClass());
        if (declaring == null) {
            throw new ExtensionConfigurationException(context.getRequiredTestClass().getName()
                    + " uses EmbeddedRegistryExtension without @EmbeddedRegistry; annotate the class instead");
        }
        return declaring;
    }

    /** A nested class runs inside its enclosing class's registry; only the outermost class holds it. */
    private static boolean isOutermost(ExtensionContext context) {
        return context.getRequiredTestClass().getEnclosingClass() == null
                || TestRegistries.declaringClass(context.getRequiredTestClass().getEnclosingClass()) == null;
    }
}
