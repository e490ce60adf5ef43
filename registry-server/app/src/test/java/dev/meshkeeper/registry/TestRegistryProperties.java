package dev.meshkeeper.registry;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The properties every registry server test starts from: loopback only, a fast tick, its own data dir, and users
 * whose password is {@code <name>-pw}.
 */
public final class TestRegistryProperties {

    /** Fast and good enough for tests; production uses the default strength. */
    private static final BCryptPasswordEncoder ENCODER = new BCryptPasswordEncoder(4);

    private TestRegistryProperties() {
    }

    /** ZooKeeper on 127.0.0.1 at {@code clientPort} (0 picks a free one), tick 200 ms, data in {@code dataDir}. */
    public static void server(DynamicPropertyRegistry registry, Supplier<Object> clientPort, Path dataDir) {
        registry.add("meshkeeper.registry.client-port", clientPort);
        registry.add("meshkeeper.registry.bind-address", () -> "127.0.0.1");
        registry.add("meshkeeper.registry.data-dir", dataDir::toString);
        registry.add("meshkeeper.registry.tick-time", () -> "200ms");
    }

    /** A user {@code name} with the password {@code <name>-pw} and the given role ({@code viewer}/{@code operator}). */
    public static void user(DynamicPropertyRegistry registry, String name, String role) {
        registry.add("meshkeeper.registry.security.users." + name + ".password", () -> hash(name + "-pw"));
        registry.add("meshkeeper.registry.security.users." + name + ".roles", () -> role);
    }

    /** The {@code {bcrypt}} hash of a password, as the registry's user properties take it. */
    public static String hash(String password) {
        return "{bcrypt}" + ENCODER.encode(password);
    }
}
