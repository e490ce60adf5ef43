package dev.meshkeeper.traffic;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.discovery.InstanceMetadata;
import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.discovery.MembershipListener;
import dev.meshkeeper.discovery.WatchedInstances;
import io.github.resilience4j.ratelimiter.RateLimiter;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * The cluster-wide rate limits of this instance. Each limit declares a rate for the whole service; this instance
 * admits {@code rate × own weight / sum of the weights of the live (UP) instances of its own service}, itself
 * always counted. The share is recomputed the moment {@link WatchedInstances} reports a membership change of the
 * own service, and each limit is enforced locally by a Resilience4j {@link RateLimiter}: a decision reads memory
 * only, never ZooKeeper.
 * <p>
 * While ZooKeeper is unreachable the last known membership stays in force (the watched cache keeps its content), so
 * the shares stay as they were until the cache hears of a change again. The limits come from the
 * {@link TrafficProperties} bean: a live change of {@code meshkeeper.traffic.*} is validated before it is applied
 * and re-bound like every other property, then {@link #environmentChanged(Set)} rebuilds the limits that changed.
 * The value of a property named by {@code rate-property} is read from the environment; an invalid new value of it
 * keeps the last good limit and is logged once.
 */
public class ClusterRateLimits implements MembershipListener, Closeable {

    private static final Logger logger = LoggerFactory.getLogger(ClusterRateLimits.class);

    static final String PREFIX = TrafficProperties.PREFIX;

    private final Supplier<TrafficProperties> properties;

    private final RateLimitDefinitions definitions;

    private final String serviceId;

    private final Supplier<InstanceRegistration> registration;

    private final WatchedInstances watchedInstances;

    private final RateLimitMeters meters;

    private final AtomicReference<State> state = new AtomicReference<>();

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
     * @param properties the bound (and re-bound on live changes) {@code meshkeeper.traffic.*} properties
     * @param environment where the rates named by {@code rate-property} are read, now and on changes
     * @param serviceId this application's service id ({@code spring.application.name}), whose instances share
     * @param registration this instance's registration (its id and weight), {@code null} when it does not register
     * @param watchedInstances the watched instances, {@code null} without discovery (then the instance admits the
     * whole rate)
     * @param meterRegistry where admissions and the local share are reported
     * @throws InvalidMeshkeeperPropertyException when a limit cannot work
     */
    public ClusterRateLimits(TrafficProperties properties, Environment environment, String serviceId,
            Supplier<InstanceRegistration> registration, WatchedInstances watchedInstances,
            MeterRegistry meterRegistry) {
        this(() -> properties, environment, serviceId, registration, watchedInstances, meterRegistry);
    }

    /**
     * Limits that bind {@code meshkeeper.traffic.*} from the environment themselves, again on every change.
     * @deprecated use {@link #ClusterRateLimits(TrafficProperties, Environment, String, Supplier, WatchedInstances,
     * MeterRegistry)} with the {@link TrafficProperties} bean, whose live changes are validated before they apply
     */
    @Deprecated(since = "0.1.0")
    public ClusterRateLimits(ConfigurableEnvironment environment, String serviceId,
            Supplier<InstanceRegistration> registration, WatchedInstances watchedInstances,
            MeterRegistry meterRegistry) {
        this(() -> Binder.get(environment).bind(PREFIX, Bindable.of(TrafficProperties.class))
                .orElseGet(TrafficProperties::new), environment, serviceId, registration, watchedInstances,
                meterRegistry);
    }

    private ClusterRateLimits(Supplier<TrafficProperties> properties, Environment environment, String serviceId,
            Supplier<InstanceRegistration> registration, WatchedInstances watchedInstances,
            MeterRegistry meterRegistry) {
        this.properties = properties;
        this.definitions = new RateLimitDefinitions(environment);
        this.serviceId = serviceId;
        this.registration = registration;
        this.watchedInstances = watchedInstances;
        this.meters = new RateLimitMeters(meterRegistry);
        Map<String, Limit> limits = new LinkedHashMap<>();
        this.definitions.of(properties.get())
                .forEach((name, definition) -> limits.put(name, LocalRateLimiters.build(definition, 1.0)));
        this.state.set(new State(Map.copyOf(limits), 1.0));
        limits.keySet().forEach((name) -> this.meters.showShare(name, this));
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
        Admission admission = LocalRateLimiters.decide(limit);
        this.meters.count(name, admission.admitted());
        return admission;
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
            current.limits().forEach(
                    (name, limit) -> limits.put(name, LocalRateLimiters.build(limit.definition(), fraction)));
            return new State(Map.copyOf(limits), fraction);
        });
        logger.debug("Rate limit share of " + serviceId + " is now " + fraction + " with " + instances.size()
                + " registered instance(s)");
    }

    /**
     * Rebuilds the limits after the environment changed, if one of the keys concerns them: limits whose definition
     * or rate changed get a new limiter, others keep theirs. A limit whose new definition cannot work keeps its
     * last good limiter; the problem is logged once.
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
            properties = this.properties.get();
        }
        catch (RuntimeException ex) {
            warnOnce("meshkeeper.traffic.* cannot be read (" + ex.getMessage()
                    + "); the rate limits in force stay as they are. Write a number of requests per second.");
            return;
        }
        this.state.updateAndGet((before) -> {
            Map<String, Limit> limits = new LinkedHashMap<>();
            properties.getRateLimits().forEach((name, configured) -> {
                Limit previous = before.limits().get(name);
                Definition definition;
                try {
                    definition = this.definitions.define(name, configured);
                }
                catch (InvalidMeshkeeperPropertyException ex) {
                    warnOnce(ex.getMessage() + "; " + ex.getRemedy() + " The last good limit stays in force.");
                    if (previous != null) {
                        limits.put(name, previous);
                    }
                    return;
                }
                if (previous != null && previous.definition().equals(definition)) {
                    limits.put(name, previous);
                }
                else {
                    limits.put(name, LocalRateLimiters.build(definition, before.fraction()));
                }
            });
            return new State(Map.copyOf(limits), before.fraction());
        }).limits().keySet().forEach((name) -> this.meters.showShare(name, this));
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
        int ownWeight = (own != null)
                ? InstanceMetadata.weight(own.metadata(), this.serviceId, ownId, Integer.MAX_VALUE)
                : InstanceMetadata.DEFAULT_WEIGHT;
        long others = 0;
        for (ServiceInstance instance : instances) {
            if (WatchedInstances.isUp(instance) && !Objects.equals(instance.getInstanceId(), ownId)) {
                others += InstanceMetadata.weight(instance, Integer.MAX_VALUE);
            }
        }
        long total = ownWeight + others;
        return (total <= 0) ? 1.0 : (double) ownWeight / total;
    }

    private void warnOnce(String message) {
        if (this.warned.add(message)) {
            logger.warn(message);
        }
    }
}
