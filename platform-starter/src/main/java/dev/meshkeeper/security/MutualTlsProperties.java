package dev.meshkeeper.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Mutual TLS between services ({@code meshkeeper.security.mtls.*}), on a Spring Boot SSL bundle.
 */
@ConfigurationProperties("meshkeeper.security.mtls")
public class MutualTlsProperties {

    /** Whether mutual TLS is applied when a bundle is named; ignored when it comes from ZooKeeper config. */
    private boolean enabled = true;

    /**
     * Name of the SSL bundle (spring.ssl.bundle.*) holding this service's certificate and the trusted CA; ignored
     * when it comes from ZooKeeper config.
     */
    private String bundle;

    /**
     * Per called service id, the caller identities allowed to call it; * admits every trusted caller, and a service
     * without an entry admits nobody. Follows ZooKeeper config live.
     */
    private Map<String, List<String>> allowedCallers = new LinkedHashMap<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBundle() {
        return this.bundle;
    }

    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    public Map<String, List<String>> getAllowedCallers() {
        return this.allowedCallers;
    }

    public void setAllowedCallers(Map<String, List<String>> allowedCallers) {
        this.allowedCallers = allowedCallers;
    }
}
