package dev.meshkeeper.traffic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.meshkeeper.InvalidMeshkeeperPropertyException;

/**
 * Consumer-side resilience of {@code @LoadBalanced} calls: which requests Spring Cloud LoadBalancer may retry on
 * another instance ({@code meshkeeper.traffic.retry.*}; the budget itself is Spring Cloud LoadBalancer's
 * {@code spring.cloud.loadbalancer.retry.*}) and the circuit breaker of each called service
 * ({@code meshkeeper.traffic.circuit-breaker.*}, mapped onto Resilience4j).
 * <p>
 * These keys share the {@code meshkeeper.traffic} prefix with the rate limits, so they are bound as part of the one
 * {@link TrafficProperties} bean, which extends this class: injecting {@code ResilienceProperties} gets that bean.
 */
public class ResilienceProperties {

    /** Retries of idempotent load-balanced requests on another instance. */
    private final Retry retry = new Retry();

    /** Circuit breaking per called service. */
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    public Retry getRetry() {
        return this.retry;
    }

    public CircuitBreaker getCircuitBreaker() {
        return this.circuitBreaker;
    }

    /**
     * Checks the settings each circuit breaker ends up with (a client's own, else the default).
     * @throws InvalidMeshkeeperPropertyException naming the first key whose value Resilience4j would refuse
     */
    void validateCircuitBreakers() {
        String prefix = "meshkeeper.traffic.circuit-breaker";
        this.circuitBreaker.check(prefix, this.circuitBreaker);
        this.circuitBreaker.getClients()
                .forEach((service, breaker) -> this.circuitBreaker.check(prefix + ".clients." + service, breaker));
    }

    /** Which load-balanced requests may be sent again to another instance. */
    public static class Retry {

        /** Whether Meshkeeper sets up retries of idempotent requests on another instance. */
        private boolean enabled = true;

        /** HTTP methods retried without being marked; other requests are retried only when marked retryable. */
        private List<String> methods = new ArrayList<>(List.of("GET", "HEAD", "OPTIONS"));

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getMethods() {
            return this.methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }
    }

    /** Resilience4j settings of one circuit breaker; unset fields of a client take the defaults. */
    public static class Breaker {

        /** Percentage of failed calls in the sliding window (1-100) at which the circuit opens. */
        private Float failureRateThreshold;

        /** Number of most recent calls the failure rate is computed over. */
        private Integer slidingWindowSize;

        /** Calls needed in the window before the failure rate is evaluated at all. */
        private Integer minimumNumberOfCalls;

        /** How long an open circuit refuses calls before letting trial calls through. */
        private Duration waitDurationInOpenState;

        /** Trial calls let through while half open. */
        private Integer permittedNumberOfCallsInHalfOpenState;

        public Float getFailureRateThreshold() {
            return this.failureRateThreshold;
        }

        public void setFailureRateThreshold(Float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Integer getSlidingWindowSize() {
            return this.slidingWindowSize;
        }

        public void setSlidingWindowSize(Integer slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Integer getMinimumNumberOfCalls() {
            return this.minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitDurationInOpenState() {
            return this.waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }

        public Integer getPermittedNumberOfCallsInHalfOpenState() {
            return this.permittedNumberOfCallsInHalfOpenState;
        }

        public void setPermittedNumberOfCallsInHalfOpenState(Integer permittedNumberOfCallsInHalfOpenState) {
            this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
        }
    }

    /** The default circuit breaker of every called service and the overrides per service. */
    public static class CircuitBreaker extends Breaker {

        /** Whether load-balanced calls go through a circuit breaker per called service. */
        private boolean enabled = true;

        /** Overrides per called service id. */
        private Map<String, Breaker> clients = new LinkedHashMap<>();

        public CircuitBreaker() {
            setFailureRateThreshold(50f);
            setSlidingWindowSize(20);
            setMinimumNumberOfCalls(10);
            setWaitDurationInOpenState(Duration.ofSeconds(10));
            setPermittedNumberOfCallsInHalfOpenState(3);
        }

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Map<String, Breaker> getClients() {
            return this.clients;
        }

        public void setClients(Map<String, Breaker> clients) {
            this.clients = clients;
        }

        void check(String key, Breaker override) {
            Breaker client = (override != null) ? override : this;
            float failureRate = pick(client.getFailureRateThreshold(), getFailureRateThreshold());
            int window = pick(client.getSlidingWindowSize(), getSlidingWindowSize());
            int minimumCalls = pick(client.getMinimumNumberOfCalls(), getMinimumNumberOfCalls());
            Duration open = pick(client.getWaitDurationInOpenState(), getWaitDurationInOpenState());
            int halfOpen = pick(client.getPermittedNumberOfCallsInHalfOpenState(),
                    getPermittedNumberOfCallsInHalfOpenState());
            require(failureRate > 0 && failureRate <= 100, key + ".failure-rate-threshold", failureRate,
                    "a percentage above 0 and at most 100");
            require(window >= 1, key + ".sliding-window-size", window, "at least 1");
            require(minimumCalls >= 1, key + ".minimum-number-of-calls", minimumCalls, "at least 1");
            require(!open.isNegative() && !open.isZero(), key + ".wait-duration-in-open-state", open,
                    "a positive duration such as 10s");
            require(halfOpen >= 1, key + ".permitted-number-of-calls-in-half-open-state", halfOpen, "at least 1");
        }

        private static <T> T pick(T value, T fallback) {
            return (value != null) ? value : fallback;
        }

        private static void require(boolean valid, String key, Object value, String expected) {
            if (!valid) {
                throw new InvalidMeshkeeperPropertyException(key, value, "is invalid; use " + expected,
                        "Set " + key + " to " + expected + ".");
            }
        }
    }
}
