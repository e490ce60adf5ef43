package dev.meshkeeper.registry.junit;

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

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> declaring = declaringClass(context);
        if (declaring == context.getRequiredTestClass() || isOutermost(context, declaring)) {
            TestRegistries.acquire(declaring);
        }
        TestRegistries.handleFor(declaring);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Class<?> declaring = declaringClass(context);
        if (declaring == context.getRequiredTestClass() || isOutermost(context, declaring)) {
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

    /** For a subclass of the declaring class (not nested in it), this class's own lifecycle holds the registry. */
    private static boolean isOutermost(ExtensionContext context, Class<?> declaring) {
        return context.getRequiredTestClass().getEnclosingClass() == null
                || TestRegistries.declaringClass(context.getRequiredTestClass().getEnclosingClass()) == null;
    }
}
