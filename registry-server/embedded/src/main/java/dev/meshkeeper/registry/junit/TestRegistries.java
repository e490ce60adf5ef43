package dev.meshkeeper.registry.junit;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embedded registries of this JVM: one shared server, started on first use and stopped when the JVM exits, and
 * one server per test class that asks for a dedicated one, stopped when the last user of it releases it (JUnit's
 * extension and Spring's test listener both hold it, so neither order of tear-down stops it under a live context).
 */
final class TestRegistries {

    /** Short, so that sessions, container reaping and elections are quick in tests. */
    static final Duration TICK_TIME = Duration.ofMillis(200);

    private static RegistryHandle shared;

    private static final Map<Class<?>, Dedicated> dedicated = new HashMap<>();

    private TestRegistries() {
    }

    /** The class that declares {@link EmbeddedRegistry} for this test class (itself, a superclass, or an enclosing class). */
    static Class<?> declaringClass(Class<?> testClass) {
        for (Class<?> candidate = testClass; candidate != null; candidate = candidate.getEnclosingClass()) {
            for (Class<?> type = candidate; type != null; type = type.getSuperclass()) {
                if (type.getDeclaredAnnotation(EmbeddedRegistry.class) != null) {
                    return type;
                }
            }
        }
        return null;
    }

    static EmbeddedRegistry annotation(Class<?> declaringClass) {
        return declaringClass.getDeclaredAnnotation(EmbeddedRegistry.class);
    }

    /** The registry for a test class, started if needed. */
    static synchronized RegistryHandle handleFor(Class<?> declaringClass) {
        if (!annotation(declaringClass).dedicated()) {
            return shared();
        }
        return dedicated.computeIfAbsent(declaringClass, key -> new Dedicated(start(false))).handle;
    }

    static synchronized void acquire(Class<?> declaringClass) {
        if (annotation(declaringClass).dedicated()) {
            handleFor(declaringClass);
            dedicated.get(declaringClass).users++;
        }
    }

    static synchronized void release(Class<?> declaringClass) {
        Dedicated registry = dedicated.get(declaringClass);
        if (registry != null && --registry.users <= 0) {
            dedicated.remove(declaringClass);
            close(registry.handle);
        }
    }

    private static RegistryHandle shared() {
        if (shared == null) {
            RegistryHandle handle = start(true);
            closeAtExit(handle);
            shared = handle;
        }
        return shared;
    }

    private static RegistryHandle start(boolean isShared) {
        // Read by ZooKeeper at every server start: reap empty container nodes (lock parents) quickly in tests.
        if (System.getProperty("znode.container.checkIntervalMs") == null) {
            System.setProperty("znode.container.checkIntervalMs", "200");
        }
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("meshkeeper-registry-");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(dataDir).tickTime(TICK_TIME).minSessionTimeout(TICK_TIME.multipliedBy(2))
                .maxSessionTimeout(Duration.ofSeconds(10)).maxClientConnections(0).purgeInterval(Duration.ZERO)
                .startupTimeout(Duration.ofSeconds(20)).build());
        server.start();
        return new RegistryHandle(server, isShared);
    }

    /**
     * Stops the shared server when the JVM exits. With Spring Boot on the class path, only after Boot's shutdown
     * hook has closed the application contexts (cached test contexts included): stopped first, it would leave those
     * contexts retrying ZooKeeper writes while they shut down, delaying the JVM's exit by many seconds.
     */
    private static void closeAtExit(RegistryHandle handle) {
        Runnable close = () -> close(handle);
        if (isPresent("org.springframework.boot.SpringApplication")) {
            AfterSpringBootContexts.register(close);
        }
        else {
            Runtime.getRuntime().addShutdownHook(new Thread(close, "meshkeeper-registry-shutdown"));
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, TestRegistries.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

    /** Loaded only when Spring Boot is present. */
    private static final class AfterSpringBootContexts {

        static void register(Runnable action) {
            org.springframework.boot.SpringApplication.getShutdownHandlers().add(action);
        }
    }

    private static void close(RegistryHandle handle) {
        handle.server().close();
        try (Stream<Path> files = Files.walk(handle.server().settings().dataDir())) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException ex) {
            // A temporary dir left behind is harmless.
        }
    }

    private static final class Dedicated {

        final RegistryHandle handle;

        int users;

        Dedicated(RegistryHandle handle) {
            this.handle = handle;
        }
    }
}
