package dev.meshkeeper.registry.junit;

import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Holds a dedicated registry for as long as the test class's Spring context lives, and closes that context after
 * the class (no other class can use it: its registry is gone), before the registry stops.
 */
class EmbeddedRegistryTestExecutionListener extends AbstractTestExecutionListener {

    @Override
    public int getOrder() {
        // Early in, late out: around Spring's own listeners.
        return 100;
    }

    @Override
    public void beforeTestClass(TestContext testContext) {
        Class<?> declaring = dedicatedDeclaringClass(testContext);
        if (declaring != null) {
            TestRegistries.acquire(declaring);
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        Class<?> declaring = dedicatedDeclaringClass(testContext);
        if (declaring != null) {
            try {
                if (testContext.hasApplicationContext()) {
                    testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
                }
            }
            finally {
                TestRegistries.release(declaring);
            }
        }
    }

    private static Class<?> dedicatedDeclaringClass(TestContext testContext) {
        Class<?> testClass = testContext.getTestClass();
        if (testClass.getEnclosingClass() != null
                && TestRegistries.declaringClass(testClass.getEnclosingClass()) != null) {
            return null;
        }
        Class<?> declaring = TestRegistries.declaringClass(testClass);
        return (declaring != null && TestRegistries.annotation(declaring).dedicated()) ? declaring : null;
    }
}
