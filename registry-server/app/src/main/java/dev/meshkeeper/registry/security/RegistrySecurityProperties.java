package dev.meshkeeper.registry.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may use the registry server's API and console. There is no default password: with no user configured, the
 * server generates one for {@code admin} at its first start, logs it once and keeps only its hash.
 */
@ConfigurationProperties("meshkeeper.registry.security")
public class RegistrySecurityProperties {

    /** Users by name: a {bcrypt} password hash and roles (viewer, operator). */
    private final Map<String, User> users = new LinkedHashMap<>();

    /** API bearer tokens by name: the token's {sha256} hex hash and roles (viewer, operator). */
    private final Map<String, Token> tokens = new LinkedHashMap<>();

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
}
