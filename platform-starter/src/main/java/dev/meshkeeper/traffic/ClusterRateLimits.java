package dev.meshkeeper.traffic;

import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.discovery.MembershipListener;
import dev.meshkeeper.discovery.WatchedInstances;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The cluster-wide rate limits of this instance. Each limit declares a rate for the whole service; this instance
 * admits {@code rate × own weight / sum of the weights of the live (UP) instances of its own service}, itself
 * always counted. The share is recomputed the moment {@link WatchedInstances} reports a membership change of the
 * own service, and each limit is enforced locally by a Resilience4j {@link RateLimiter}: a decision reads memory
 * only, never ZooKeeper.
 * <p>
 * While ZooKeeper is unreachable the last known membership stays in force (the watched cache keeps its content), so
 * the shares stay as they were until the cache hears of a change again. Limits are re-read from the environment when
 * it changes: a limit whose new value is invalid keeps its last good limiter and the problem is logged once.
 */
public class ClusterRateLimits implements MembershipListener, Closeable {

    private static final Log logger = LogFactory.getLog(ClusterRateLimits.class);

    static final String PREFIX = "meshkeeper.traffic";

    private static final int MAX_PERMITS = 1 << 24;

    private final ConfigurableEnvironment environment;

    private final String serviceId;

    private final Supplier<InstanceRegistration> registration;

    private final WatchedInstances watchedInstances;

    private final MeterRegistry meterRegistry;

    private final AtomicReference<State> state = new AtomicReference<>();

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private final Set<String> gauges = ConcurrentHashMap.newKeySet();

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean started = new AtomicBoolean();

    /** The limits in force and the fraction of each global rate this instance admits. */
    private record State(Map<String, Limit> limits, double fraction) {
    }

    /** A limit as configured, its rate resolved ({@code null}: unlimited). */
    record Definition(String name, String path, Set<String> methods, Double rate, Double burst, String rateProperty) {

        boolean matchesMethod(String method) {
            return this.methods.isEmpty() || this.methods.contains(method.toUpperCase(Locale.ROOT));
        }
    }

    /** A limit in force: its definition, the local rate it admits and the limiter enforcing it. */
    record Limit(Definition definition, double localRate, RateLimiter limiter) {

        boolean unlimited() {
            return this.definition.rate() == null;
        }
    }

    /** The outcome of one request against one limit. */
    record Admission(boolean admitted, Duration retryAfter) {

        static final Admission ADMITTED = new Admission(true, Duration.ZERO);
    }

    /**
     * @param environment where the limits (and rates named by {@code rate-property}) are read, now and on changes
     * @param serviceId this application's service id ({@code spring.application.name}), whose instances share
     * @param registration this instance's registration (its id and weight), {@code null} when it does not register
     * @param watchedInstances the watched instances, {@code null} without discovery (then the instance admits the
     * whole rate)
     * @param meterRegistry where admissions and the local share are reported
     */
    public ClusterRateLimits(ConfigurableEnvironment environment, String serviceId,
            Supplier<InstanceRegistration> registration, WatchedInstances watchedInstances,
            MeterRegistry meterRegistry) {
        this.environment = environment;
        this.serviceId = serviceId;
        this.registration = registration;
        this.watchedInstances = watchedInstances;
        this.meterRegistry = meterRegistry;
        TrafficProperties properties = Binder.get(environment)
                .bind(PREFIX, Bindable.of(TrafficProperties.class))
                .orElseGet(TrafficProperties::new);
        Map<String, Limit> limits = new LinkedHashMap<>();
        properties.getRateLimits().forEach((name, limit) -> {
            Definition definition = define(name, limit, true);
            limits.put(name, build(definition, 1.0));
        });
        this.state.set(new State(Map.copyOf(limits), 1.0));
        limits.keySet().forEach(this::registerGauge);
    }

    /**
     * Starts following the membership of the own service. Called once the application has started: the own
     * registration is complete only then (reading it earlier would build it before its port is known). Until
     * then the instance admits the whole rate (it is not registered, so it gets no balanced traffic).
     */
    public void start() {
        if (this.watchedInstances != null && this.serviceId != null && this.started.compareAndSet(false, true)) {
            this.watchedInstances.addListener(this);
            membershipChanged(this.serviceId, this.watchedInstances.allInstances(this.serviceId));
        }
    }

    /**
     * Decides one request against the named limit and counts the outcome. A name with no configured limit, or a
     * limit without a rate, admits.
     */
    Admission tryAcquire(String name) {
        Limit limit = this.state.get().limits().get(name);
        if (limit == null) {
            return Admission.ADMITTED;
        }
        Admission admission = decide(limit);
        counter(name, admission.admitted()).increment();
        return admission;
    }

    private static Admission decide(Limit limit) {
        if (limit.unlimited()) {
            return Admission.ADMITTED;
        }
        RateLimiter limiter = limit.limiter();
        if (limiter == null) {
            return new Admission(false, Duration.ofSeconds(1));
        }
        if (limiter.acquirePermission()) {
            return Admission.ADMITTED;
        }
        long nanos = (limiter instanceof AtomicRateLimiter atomic) ? atomic.getDetailedMetrics().getNanosToWait()
                : limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
        return new Admission(false, Duration.ofNanos(Math.max(nanos, 0)));
    }

    /** The limits that apply to every request on a path (those with a {@code path}), in declaration order. */
    Collection<Limit> pathLimits() {
        return this.state.get().limits().values().stream().filter((l) -> l.definition().path() != null).toList();
    }

    /** Requests per second this instance admits under the named limit; infinite when unlimited or unknown. */
    public double localRate(String name) {
        Limit limit = this.state.get().limits().get(name);
        return (limit == null || limit.unlimited()) ? Double.POSITIVE_INFINITY : limit.localRate();
    }

    /** The fraction of every global rate this instance admits: own weight / sum of live weights, 1 when alone. */
    public double fraction() {
        return this.state.get().fraction();
    }

    /** The limits in force, by name. */
    Map<String, Limit> limits() {
        return new TreeMap<>(this.state.get().limits());
    }

    @Override
    public void membershipChanged(String serviceId, List<ServiceInstance> instances) {
        if (!this.started.get() || !Objects.equals(this.serviceId, serviceId)) {
            return;
        }
        double fraction = fractionOf(instances);
        this.state.updateAndGet((current) -> {
            if (current.fraction() == fraction) {
                return current;
            }
            Map<String, Limit> limits = new LinkedHashMap<>();
            current.limits().forEach((name, limit) -> limits.put(name, build(limit.definition(), fraction)));
            return new State(Map.copyOf(limits), fraction);
        });
        logger.debug("Rate limit share of " + serviceId + " is now " + fraction + " with " + instances.size()
                + " registered instance(s)");
    }

    /**
     * Re-reads the limits after the environment changed, if one of the keys concerns them: limits whose definition
     * or rate changed get a new limiter, others keep theirs. An invalid value keeps the last good limit.
     */
    public void environmentChanged(Set<String> keys) {
        State current = this.state.get();
        Set<String> rateProperties = current.limits().values().stream()
                .map((l) -> l.definition().rateProperty()).filter(Objects::nonNull).collect(Collectors.toSet());
        boolean concerned = keys.stream().anyMatch((key) -> key.startsWith(PREFIX + ".")
                || rateProperties.contains(key));
        if (!concerned) {
            return;
        }
        TrafficProperties properties;
        try {
            properties = Binder.get(this.environment)
                    .bind(PREFIX, Bindable.of(TrafficProperties.class))
                    .orElseGet(TrafficProperties::new);
        }
        catch (BindException ex) {
            String key = (ex.getProperty() != null) ? ex.getProperty().getName().toString() : ex.getName().toString();
            Object value = (ex.getProperty() != null) ? ex.getProperty().getValue() : null;
            warnOnce(key + " '" + value + "' cannot be read (" + rootMessage(ex)
                    + "); the rate limits in force stay as they are. Write a number of requests per second.");
            return;
        }
        this.state.updateAndGet((before) -> {
            Map<String, Limit> limits = new LinkedHashMap<>();
            properties.getRateLimits().forEach((name, configured) -> {
                Limit previous = before.limits().get(name);
                Definition definition;
                try {
                    definition = define(name, configured, false);
                }
                catch (IllegalArgumentException ex) {
                    warnOnce(ex.getMessage() + "; the last good limit stays in force.");
                    if (previous != null) {
                        limits.put(name, previous);
                    }
                    return;
                }
                if (previous != null && previous.definition().equals(definition)) {
                    limits.put(name, previous);
                }
                else {
                    limits.put(name, build(definition, before.fraction()));
                }
            });
            return new State(Map.copyOf(limits), before.fraction());
        }).limits().keySet().forEach(this::registerGauge);
        logger.debug("Rate limits re-read after a change of " + keys);
    }

    @Override
    public void close() {
        if (this.watchedInstances != null) {
            this.watchedInstances.removeListener(this);
        }
    }

    private double fractionOf(List<ServiceInstance> instances) {
        InstanceRegistration own = (this.registration != null) ? this.registration.get() : null;
        String ownId = (own != null) ? own.instanceId() : null;
        int ownWeight = (own != null) ? weightOf(own.metadata()) : 1;
        long others = 0;
        for (ServiceInstance instance : instances) {
            if (WatchedInstances.isUp(instance) && !Objects.equals(instance.getInstanceId(), ownId)) {
                others += weightOf(instance.getMetadata());
            }
        }
        long total = ownWeight + others;
        return (total <= 0) ? 1.0 : (double) ownWeight / total;
    }

    private static int weightOf(Map<String, String> metadata) {
        String weight = (metadata != null) ? metadata.get(InstanceRegistration.WEIGHT_KEY) : null;
        if (weight == null || weight.isBlank()) {
            return 1;
        }
        try {
            return Math.max(0, Integer.parseInt(weight.trim()));
        }
        catch (NumberFormatException ex) {
            return 1;
        }
    }

    private Definition define(String name, TrafficProperties.RateLimit limit, boolean startUp) {
        String base = PREFIX + ".rate-limits." + name;
        Double rate = limit.getRate();
        String rateKey = base + ".rate";
        if (limit.getRateProperty() != null && !limit.getRateProperty().isBlank()) {
            rateKey = limit.getRateProperty().trim();
            String raw = this.environment.getProperty(rateKey);
            if (raw == null || raw.isBlank()) {
                rate = null;
            }
            else {
                try {
                    rate = Double.valueOf(raw.trim());
                }
                catch (NumberFormatException ex) {
                    throw invalid(rateKey, raw, "is not a number", startUp);
                }
            }
        }
        if (rate != null && (rate.isNaN() || rate.isInfinite() || rate < 0)) {
            throw invalid(rateKey, rate, "is not a rate", startUp);
        }
        Double burst = limit.getBurst();
        if (burst != null && (burst.isNaN() || burst.isInfinite() || burst < 1)) {
            throw invalid(base + ".burst", burst, "is not a burst size", startUp);
        }
        String path = (limit.getPath() != null && !limit.getPath().isBlank()) ? limit.getPath().trim() : null;
        if (path != null && !path.startsWith("/")) {
            throw invalid(base + ".path", path, "is not an Ant path pattern", startUp);
        }
        Set<String> methods = limit.getMethods().stream().map((m) -> m.trim().toUpperCase(Locale.ROOT))
                .filter((m) -> !m.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new Definition(name, path, methods, rate, burst, limit.getRateProperty());
    }

    @SuppressWarnings("deprecation")
    private static RuntimeException invalid(String key, Object value, String problem, boolean startUp) {
        String remedy = switch (key.substring(key.lastIndexOf('.') + 1)) {
            case "burst" -> "Set " + key + " to a number of requests >= 1, or leave it unset for one second's worth.";
            case "path" -> "Set " + key + " to an Ant pattern starting with '/', e.g. /inventory/**.";
            default -> "Set " + key + " to a number of requests per second >= 0 for the whole service, or leave it "
                    + "unset for no limit.";
        };
        return startUp ? new InvalidRateLimitException(key, value, problem, remedy)
                : new IllegalArgumentException(key + " '" + value + "' " + problem + "; " + remedy);
    }

    static Limit build(Definition definition, double fraction) {
        if (definition.rate() == null) {
            return new Limit(definition, Double.POSITIVE_INFINITY, null);
        }
        double localRate = definition.rate() * fraction;
        if (localRate <= 0) {
            return new Limit(definition, 0, null);
        }
        double globalBurst = (definition.burst() != null) ? definition.burst() : definition.rate();
        int permits = (int) Math.max(1, Math.min(MAX_PERMITS, Math.round(globalBurst * fraction)));
        long periodNanos = Math.max(1, Math.round(permits * 1_000_000_000d / localRate));
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitForPeriod(permits)
                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                .timeoutDuration(Duration.ZERO)
                .build();
        return new Limit(definition, localRate, new AtomicRateLimiter(definition.name(), config));
    }

    private Counter counter(String name, boolean admitted) {
        String outcome = admitted ? "admitted" : "rejected";
        return this.counters.computeIfAbsent(name + '\u0000' + outcome, (key) -> Counter
                .builder("meshkeeper.traffic.requests")
                .description("Requests decided by a cluster-wide rate limit")
                .tag("limit", name)
                .tag("outcome", outcome)
                .register(this.meterRegistry));
    }

    private void registerGauge(String name) {
        if (this.gauges.add(name)) {
            Gauge.builder("meshkeeper.traffic.local-share", this, (limits) -> limits.localRate(name))
                    .description("Requests per second this instance admits under a cluster-wide rate limit")
                    .tag("limit", name)
                    .register(this.meterRegistry);
        }
    }

    private void warnOnce(String message) {
        if (this.warned.add(message)) {
            logger.warn(message);
        }
    }

    private static String rootMessage(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
