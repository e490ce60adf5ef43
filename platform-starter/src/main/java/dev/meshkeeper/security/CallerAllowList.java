package dev.meshkeeper.security;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * This service's entry of {@code meshkeeper.security.mtls.allowed-callers}: the caller identities
 * ({@link CallerIdentity}) it admits, every caller with a trusted certificate when the entry is {@value #ANY}, and
 * nobody while it has no entry (fail closed, with one WARN at start-up).
 * <p>
 * The entry is read from the {@code Environment} at start-up and again on every {@link #reload() reload} (after
 * each change of ZooKeeper config), freshly bound each time so that a removed entry is removed. A value that cannot
 * be bound keeps the last good allow-list. Whoever enforces it (a servlet filter, or Spring Security's authorization)
 * asks {@link #refusal(String)}.
 */
class CallerAllowList {

    /** The allow-list entry that admits every caller with a certificate the TLS handshake trusted. */
    static final String ANY = "*";

    static final String PREFIX = "meshkeeper.security.mtls.allowed-callers";

    private static final Logger logger = LoggerFactory.getLogger(CallerAllowList.class);

    private static final Bindable<Map<String, List<String>>> ALLOW_LISTS = Bindable.of(ResolvableType
            .forClassWithGenerics(Map.class, ResolvableType.forClass(String.class),
                    ResolvableType.forClassWithGenerics(List.class, String.class)));

    private final String service;

    private final Environment environment;

    /** This service's allowed callers; {@code null} while it has no entry. */
    private final AtomicReference<Set<String>> allowed = new AtomicReference<>();

    /** Whether the missing entry was reported; reloads run one at a time (start-up, then the config thread). */
    private volatile boolean warnedMissing;

    CallerAllowList(String service, Environment environment) {
        this.service = service;
        this.environment = environment;
        reload();
    }

    /** Reads this service's entry again from the environment; logs when it appears, changes or disappears. */
    void reload() {
        Set<String> next;
        try {
            next = Binder.get(this.environment).bind(PREFIX, ALLOW_LISTS).map((lists) -> lists.get(this.service))
                    .map((callers) -> callers.stream().filter(Objects::nonNull).map(String::trim)
                            .filter((caller) -> !caller.isEmpty()).collect(Collectors.toUnmodifiableSet()))
                    .orElse(null);
        }
        catch (RuntimeException ex) {
            logger.warn(PREFIX + "." + this.service + " cannot be read (" + ex.getMessage()
                    + "); the last good allow-list stays in force");
            return;
        }
        Set<String> previous = this.allowed.getAndSet(next);
        if (next == null && (previous != null || !this.warnedMissing)) {
            this.warnedMissing = true;
            logger.warn("Service '" + this.service + "' has no " + PREFIX + "." + this.service
                    + " entry: it admits no caller. List the services allowed to call it (e.g. " + PREFIX + "."
                    + this.service + "=orders-service,billing-service), or write " + PREFIX + "." + this.service
                    + "=* to admit every caller with a trusted certificate");
        }
        else if (next != null && !next.equals(previous)) {
            logger.info("Service '" + this.service + "' admits " + (next.contains(ANY) ? "every trusted caller"
                    : "the callers " + next.stream().sorted().toList()) + " (" + PREFIX + "." + this.service + ")");
        }
    }

    /**
     * Why a request is refused, or {@code null} when it is admitted.
     * @param caller the identity of the client certificate, {@code null} when it names none or there is none
     */
    String refusal(String caller) {
        Set<String> allowed = this.allowed.get();
        if (allowed != null && (allowed.contains(ANY) || (caller != null && allowed.contains(caller)))) {
            return null;
        }
        if (allowed == null) {
            return "Service '" + this.service + "' admits no caller: " + PREFIX + "." + this.service + " is not set";
        }
        if (caller != null) {
            return "Caller '" + caller + "' is not in " + PREFIX + "." + this.service;
        }
        return "The client certificate names no service; present a certificate with a URI SAN "
                + CallerIdentity.SPIFFE_PREFIX + "<service> or a CN";
    }
}
