package dev.meshkeeper.registry.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentication attempts per user name and per client address (loopback included). After
 * {@code max-failures} consecutive failures within {@code window} (counted from the first of them), further attempts for that user or from that
 * address are refused for the back-off, which starts at {@code initial-back-off} and doubles with each further
 * failure after it, up to {@code max-back-off}. A success clears both counts; a key without failures for a window
 * after its back-off is forgotten. At most {@value #MAX_KEYS} keys per kind are tracked, so a flood of invented user
 * names cannot exhaust memory (the client address is still counted).
 */
final class AuthenticationThrottle {

    static final int MAX_KEYS = 10_000;

    private final int maxFailures;

    private final Duration window;

    private final Duration initialBackOff;

    private final Duration maxBackOff;

    private final Clock clock;

    private final Map<String, Failures> users = new ConcurrentHashMap<>();

    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    AuthenticationThrottle(RegistrySecurityProperties.Throttle properties, Clock clock) {
        this.maxFailures = properties.getMaxFailures();
        this.window = properties.getWindow();
        this.initialBackOff = properties.getInitialBackOff();
        this.maxBackOff = properties.getMaxBackOff();
        this.clock = clock;
    }

    /** How long attempts for {@code user} (may be {@code null}) or from {@code address} are still refused. */
    Optional<Duration> blocked(String user, String address) {
        Instant now = this.clock.instant();
        Duration userWait = remaining(this.users, user, now);
        Duration addressWait = remaining(this.addresses, address, now);
        Duration wait = (userWait.compareTo(addressWait) >= 0) ? userWait : addressWait;
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /**
     * Records a failure.
     * @return the back-off that starts now for the user or the address, if this failure started one
     */
    Optional<Duration> failed(String user, String address) {
        Instant now = this.clock.instant();
        Duration userBackOff = record(this.users, user, now);
        Duration addressBackOff = record(this.addresses, address, now);
        Duration backOff = (userBackOff.compareTo(addressBackOff) >= 0) ? userBackOff : addressBackOff;
        return backOff.isZero() ? Optional.empty() : Optional.of(backOff);
    }

    /** Records a success: the user's and the address's consecutive failures start again from zero. */
    void succeeded(String user, String address) {
        if (user != null) {
            this.users.remove(user);
        }
        if (address != null) {
            this.addresses.remove(address);
        }
    }

    private Duration remaining(Map<String, Failures> failures, String key, Instant now) {
        Failures entry = (key != null) ? failures.get(key) : null;
        if (entry == null || entry.blockedUntil() == null || !now.isBefore(entry.blockedUntil())) {
            return Duration.ZERO;
        }
        return Duration.between(now, entry.blockedUntil());
    }

    private Duration record(Map<String, Failures> failures, String key, Instant now) {
        if (key == null) {
            return Duration.ZERO;
        }
        if (failures.size() >= MAX_KEYS && !failures.containsKey(key)) {
            failures.values().removeIf(entry -> entry.forgettable(now, this.window));
            if (failures.size() >= MAX_KEYS) {
                return Duration.ZERO;
            }
        }
        Failures updated = failures.compute(key, (k, entry) -> {
            Failures current = (entry == null || entry.forgettable(now, this.window)) ? Failures.NONE : entry;
            if (current.backOff() == null && current.first() != null
                    && !now.isBefore(current.first().plus(this.window))) {
                // not yet throttled, and the first failure counted is older than the window: count from this one
                current = Failures.NONE;
            }
            Instant first = (current.first() != null) ? current.first() : now;
            int count = current.count() + 1;
            if (count < this.maxFailures) {
                return new Failures(count, first, now, current.blockedUntil(), current.backOff(), false);
            }
            Duration backOff = (current.backOff() == null) ? this.initialBackOff : current.backOff().multipliedBy(2);
            if (backOff.compareTo(this.maxBackOff) > 0) {
                backOff = this.maxBackOff;
            }
            return new Failures(count, first, now, now.plus(backOff), backOff, true);
        });
        return updated.startedBackOff() ? updated.backOff() : Duration.ZERO;
    }

    /**
     * Consecutive failures of one key: the first and last counted, the back-off in force and whether the last failure
     * began it.
     */
    private record Failures(int count, Instant first, Instant last, Instant blockedUntil, Duration backOff,
            boolean startedBackOff) {

        static final Failures NONE = new Failures(0, null, null, null, null, false);

        /** Quiet for a whole window after its last failure and its back-off: the count starts again. */
        boolean forgettable(Instant now, Duration window) {
            Instant quietSince = (this.blockedUntil != null && this.blockedUntil.isAfter(this.last)) ? this.blockedUntil
                    : this.last;
            return !now.isBefore(quietSince.plus(window));
        }
    }
}
