package dev.meshkeeper.registry.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Who may use the registry server's API and console. There is no default password: with no user configured, the
 * server generates one for {@code admin} at its first start, logs it once and keeps only its hash.
 */
@ConfigurationProperties("meshkeeper.registry.security")
@Validated
public class RegistrySecurityProperties {

    /** Users by name: a {bcrypt} password hash and roles (viewer, operator). */
    private final Map<String, User> users = new LinkedHashMap<>();

    /** API bearer tokens by name: the token's {sha256} hex hash and roles (viewer, operator). */
    private final Map<String, Token> tokens = new LinkedHashMap<>();

    /**
     * Origins besides the server's own (scheme://host[:port]) whose pages may send state-changing requests, e.g. the
     * public address of a reverse proxy that rewrites the Host header.
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Throttling of failed authentication attempts (login form, HTTP Basic, bearer tokens). */
    @Valid
    private final Throttle throttle = new Throttle();

    public List<String> getAllowedOrigins() {
        return this.allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public Throttle getThrottle() {
        return this.throttle;
    }

    public Map<String, User> getUsers() {
        return this.users;
    }

    public Map<String, Token> getTokens() {
        return this.tokens;
    }

    public static class User {

        /** The password as a '{bcrypt}' hash, e.g. {bcrypt}$2y$12$...; clear-text passwords are refused. */
        private String password;

        /** Roles: viewer (read) and/or operator (write, implies viewer). */
        private List<String> roles = new ArrayList<>(List.of("viewer"));

        public String getPassword() {
            return this.password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getRoles() {
            return this.roles;
        }

        public void setRoles(List<String> roles) {
            this.roles = roles;
        }
    }

    public static class Token {

        /** The token's SHA-256 as '{sha256}' and 64 hex digits; the token itself is never configured. */
        private String hash;

        /** Roles: viewer (read) and/or operator (write, implies viewer). */
        private List<String> roles = new ArrayList<>(List.of("viewer"));

        public String getHash() {
            return this.hash;
        }

        public void setHash(String hash) {
            this.hash = hash;
        }

        public List<String> getRoles() {
            return this.roles;
        }

        public void setRoles(List<String> roles) {
            this.roles = roles;
        }
    }

    public static class Throttle {

        /** Whether failed authentication attempts are throttled per user name and per client address. */
        private boolean enabled = true;

        /** Consecutive failures within the window after which further attempts get 429 with Retry-After. */
        @Min(1)
        private int maxFailures = 10;

        /** The window the consecutive failures are counted in. */
        @NotNull
        private Duration window = Duration.ofMinutes(5);

        /** The first back-off; it doubles with every further failure after it, up to max-back-off. */
        @NotNull
        private Duration initialBackOff = Duration.ofMinutes(1);

        /** The longest back-off. */
        @NotNull
        private Duration maxBackOff = Duration.ofMinutes(15);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxFailures() {
            return this.maxFailures;
        }

        public void setMaxFailures(int maxFailures) {
            this.maxFailures = maxFailures;
        }

        public Duration getWindow() {
            return this.window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public Duration getInitialBackOff() {
            return this.initialBackOff;
        }

        public void setInitialBackOff(Duration initialBackOff) {
            this.initialBackOff = initialBackOff;
        }

        public Duration getMaxBackOff() {
            return this.maxBackOff;
        }

        public void setMaxBackOff(Duration maxBackOff) {
            this.maxBackOff = maxBackOff;
        }
    }
}
