package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.InstanceMetadata;
import dev.meshkeeper.load.LoadFigure;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The load each called instance publishes, as this application last saw it: from the {@value LoadFigure#HEADER}
 * header of its responses (fed by {@link ObservingLoadBalancerLifecycle}) and from its registration metadata (read
 * at choice time). The freshest of the two counts; a header figure older than the expiry no longer does. Published
 * figures are input from other processes: clamped to [0, 1], an unusable one ignored and logged once per instance.
 */
final class PublishedLoads {

    private static final Logger logger = LoggerFactory.getLogger(PublishedLoads.class);

    private final Clock clock;

    private final long expiryMillis;

    private final MeterRegistry meterRegistry;

    private final Map<String, Map<String, Figures>> services = new ConcurrentHashMap<>();

    private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param meterRegistry where {@code meshkeeper.loadbalancer.load} is recorded, or {@code null}
     */
    PublishedLoads(Clock clock, Duration expiry, MeterRegistry meterRegistry) {
        this.clock = clock;
        this.expiryMillis = expiry.toMillis();
        this.meterRegistry = meterRegistry;
    }

    Clock clock() {
        return this.clock;
    }

    /** The figures of each instance of {@code serviceId}, by instance key. */
    Map<String, Figures> ofService(String serviceId) {
        return this.services.computeIfAbsent(serviceId, (id) -> new ConcurrentHashMap<>());
    }

    /**
     * {@code instance} answered with {@code header} as its {@value LoadFigure#HEADER}. Kept only for instances a
     * least-loaded balancer has offered (the others' figures would never be read nor forgotten).
     */
    void headerReceived(ServiceInstance instance, String header) {
        Map<String, Figures> instances = this.services.get(instance.getServiceId());
        Figures figures = (instances != null) ? instances.get(OutlierEjection.instanceKey(instance)) : null;
        if (figures == null) {
            return;
        }
        double load = usable(instance, "header " + LoadFigure.HEADER, header);
        if (Double.isNaN(load)) {
            return;
        }
        figures.header = new Figure(load, this.clock.millis(), true);
        record(instance.getServiceId(), load);
    }

    /**
     * The freshest usable load {@code instance} published, or {@link Double#NaN} when there is none.
     * @param figures the instance's entry in {@link #ofService}
     * @param metadataKey the metadata key the load is read from
     */
    double load(ServiceInstance instance, Figures figures, String metadataKey, long nowMillis) {
        Figure freshest = freshest(instance, figures, metadataKey, nowMillis);
        return (freshest != null) ? freshest.load() : Double.NaN;
    }

    /**
     * The freshest usable figure {@code instance} published, or {@code null} when there is none; the arguments are
     * those of {@link #load}.
     */
    Figure freshest(ServiceInstance instance, Figures figures, String metadataKey, long nowMillis) {
        String text = InstanceMetadata.load(instance, metadataKey);
        Figure fromMetadata = figures.metadata;
        if (text != null && (fromMetadata == null || !text.equals(figures.metadataText))) {
            // A new metadata value: it counts from when this application first saw it.
            double load = usable(instance, "metadata " + metadataKey, text);
            fromMetadata = Double.isNaN(load) ? null : new Figure(load, nowMillis, false);
            figures.metadataText = text;
            figures.metadata = fromMetadata;
            if (fromMetadata != null) {
                record(instance.getServiceId(), load);
            }
        }
        else if (text == null) {
            fromMetadata = null;
        }
        Figure fromHeader = figures.header;
        if (fromHeader != null && nowMillis - fromHeader.atMillis() > this.expiryMillis) {
            fromHeader = null;
        }
        if (fromHeader != null && (fromMetadata == null || fromHeader.atMillis() >= fromMetadata.atMillis())) {
            return fromHeader;
        }
        return fromMetadata;
    }

    /**
     * Per instance of {@code serviceId}: the load last read from its response header and from its metadata, and how
     * many milliseconds ago each was seen ({@code null} when there is none).
     */
    Map<String, Map<String, Object>> describe(String serviceId) {
        Map<String, Map<String, Object>> described = new TreeMap<>();
        long now = this.clock.millis();
        this.services.getOrDefault(serviceId, Map.of()).forEach((key, figures) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            Figure header = figures.header;
            Figure metadata = figures.metadata;
            entry.put("header", (header != null) ? header.load() : null);
            entry.put("headerAgeMillis", (header != null) ? now - header.atMillis() : null);
            entry.put("metadata", (metadata != null) ? metadata.load() : null);
            described.put(key, entry);
        });
        return described;
    }

    /** Forgets instances of {@code serviceId} that are not in {@code current}. */
    void retainOnly(String serviceId, Set<String> current) {
        Map<String, Figures> instances = this.services.get(serviceId);
        if (instances != null) {
            instances.keySet().retainAll(current);
        }
    }

    private double usable(ServiceInstance instance, String source, String text) {
        double load = LoadFigure.parse(text);
        if (Double.isNaN(load)) {
            String instanceKey = OutlierEjection.instanceKey(instance);
            if (this.warned.add(instance.getServiceId() + '\n' + instanceKey)) {
                logger.warn("Instance " + instanceKey + " of service " + instance.getServiceId() + " published the "
                        + "load '" + text + "' (" + source + "), which is not a number from 0 to 1; its unusable "
                        + "load figures are ignored (logged once per instance). Check the meshkeeper.load settings "
                        + "of that instance");
            }
        }
        return load;
    }

    private void record(String serviceId, double load) {
        if (this.meterRegistry != null) {
            this.summaries.computeIfAbsent(serviceId, (id) -> DistributionSummary
                    .builder("meshkeeper.loadbalancer.load")
                    .description("Load figures (0 idle to 1 saturated) the instances of a called service published")
                    .tag("service", id)
                    .register(this.meterRegistry)).record(load);
        }
    }

    /**
     * A published load, when this application saw it, and whether it came with a response ({@code false}: from the
     * metadata, which the instance rewrites whenever its load moves, so that it stays current while nobody calls).
     */
    record Figure(double load, long atMillis, boolean header) {
    }

    /**
     * What one instance published, when this application first saw the instance (for the blackout) and when a
     * least-loaded balancer last chose it (for probing).
     */
    static final class Figures {

        final long firstSeenMillis;

        final AtomicLong lastChosenMillis;

        volatile Figure header;

        volatile Figure metadata;

        volatile String metadataText;

        /**
         * @param firstSeenMillis when the instance counts as first seen
         * @param nowMillis when the entry is made: the instance counts as last chosen then
         */
        Figures(long firstSeenMillis, long nowMillis) {
            this.firstSeenMillis = firstSeenMillis;
            this.lastChosenMillis = new AtomicLong(nowMillis);
        }
    }
}
