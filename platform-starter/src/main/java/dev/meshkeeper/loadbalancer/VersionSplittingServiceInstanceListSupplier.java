package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.InstanceMetadata;
import dev.meshkeeper.discovery.InstanceRegistration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;

/**
 * Narrows each list to the instances of one version before the strategy chooses: the version the request is pinned
 * to by {@value PinnedVersion#HEADER} (always honoured; no instance of it means no instance), else one drawn from the
 * service's {@link VersionSplit} among the versions that have instances. A split version without instances is left
 * out with one warning (until it has instances again); when no split version has any, the whole list is offered.
 * Without a split or pin the list passes unchanged. Composes with every strategy and with zone preference. The
 * instances of the pinned version, and the list grouped by the split's versions, are worked out once per list: a later
 * list of the very same instance objects (a registration that changes arrives as a new object) reuses them, so a
 * choice draws a version without going through the list again.
 */
class VersionSplittingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

    private static final Logger logger = LoggerFactory.getLogger(VersionSplittingServiceInstanceListSupplier.class);

    private final VersionSplits splits;

    private final UnaryOperator<List<ServiceInstance>> before;

    private final Set<String> missingVersions = ConcurrentHashMap.newKeySet();

    /** The instances of the version last pinned, reused while the same instances are offered. */
    private volatile SameInstances<Pinned> lastPinned;

    /** The last list grouped by the split's versions, reused while the same instances are offered. */
    private volatile SameInstances<Grouped> lastGrouped;

    /**
     * @param before applied to each list first (e.g. leaving out ejected instances)
     */
    VersionSplittingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate, VersionSplits splits,
            UnaryOperator<List<ServiceInstance>> before) {
        super(delegate);
        this.splits = splits;
        this.before = before;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return narrowed(getDelegate().get(), null);
    }

    @Override
    public Flux<List<ServiceInstance>> get(Request request) {
        return narrowed(getDelegate().get(request), pinnedVersion(request));
    }

    /** The lists of the delegate, each narrowed by {@link #narrow}: what {@link #get(Request)} returns. */
    Flux<List<ServiceInstance>> narrowed(Flux<List<ServiceInstance>> offered, String pinned) {
        return offered.map((list) -> narrow(list, pinned));
    }

    /** One list of the delegate as this supplier offers it: filtered first, then narrowed to one version. */
    List<ServiceInstance> narrow(List<ServiceInstance> offered, String pinned) {
        return select(this.before.apply(offered), pinned);
    }

    List<ServiceInstance> select(List<ServiceInstance> instances, String pinned) {
        if (pinned != null) {
            SameInstances<Pinned> last = this.lastPinned;
            if (last != null && pinned.equals(last.value().version()) && last.holdsFor(instances)) {
                return last.value().instances();
            }
            List<ServiceInstance> matching = new ArrayList<>();
            for (ServiceInstance instance : instances) {
                if (pinned.equals(versionOf(instance))) {
                    matching.add(instance);
                }
            }
            Pinned selected = new Pinned(pinned, Collections.unmodifiableList(matching));
            this.lastPinned = new SameInstances<>(instances, selected);
            return selected.instances();
        }
        VersionSplit split = this.splits.splitFor(getServiceId());
        if (split == null || instances.isEmpty()) {
            return instances;
        }
        SameInstances<Grouped> last = this.lastGrouped;
        Grouped grouped;
        if (last != null && last.value().split() == split && last.holdsFor(instances)) {
            grouped = last.value();
        }
        else {
            grouped = group(split, instances);
            this.lastGrouped = new SameInstances<>(instances, grouped);
        }
        if (grouped.total() == 0) {
            return instances;
        }
        int draw = ThreadLocalRandom.current().nextInt(grouped.total());
        for (int i = 0; i < grouped.weights().length; i++) {
            draw -= grouped.weights()[i];
            if (draw < 0) {
                return grouped.versions().get(i);
            }
        }
        return instances;
    }

    /** The instances of each split version, warning once of a split version without instances. */
    private Grouped group(VersionSplit split, List<ServiceInstance> instances) {
        Map<String, List<ServiceInstance>> byVersion = new LinkedHashMap<>();
        for (ServiceInstance instance : instances) {
            String version = versionOf(instance);
            if (version != null && split.weights().containsKey(version)) {
                byVersion.computeIfAbsent(version, (v) -> new ArrayList<>()).add(instance);
            }
        }
        int total = 0;
        for (Map.Entry<String, Integer> entry : split.weights().entrySet()) {
            if (byVersion.containsKey(entry.getKey())) {
                this.missingVersions.remove(entry.getKey());
                total += entry.getValue();
            }
            else if (entry.getValue() > 0 && this.missingVersions.add(entry.getKey())) {
                logger.warn("meshkeeper.loadbalancer.clients." + getServiceId() + ".version-split names version '"
                        + entry.getKey() + "', which has no live instance of " + getServiceId()
                        + "; its share goes to the other versions until one registers");
            }
        }
        List<List<ServiceInstance>> versions = new ArrayList<>(byVersion.size());
        int[] weights = new int[byVersion.size()];
        for (Map.Entry<String, List<ServiceInstance>> entry : byVersion.entrySet()) {
            weights[versions.size()] = split.weights().get(entry.getKey());
            versions.add(Collections.unmodifiableList(entry.getValue()));
        }
        return new Grouped(split, versions, weights, total);
    }

    /** The version {@code request} is pinned to by its header, or {@code null}. */
    static String pinnedVersion(Request request) {
        if (request != null && request.getContext() instanceof RequestDataContext context
                && context.getClientRequest() != null) {
            HttpHeaders headers = context.getClientRequest().getHeaders();
            String value = (headers != null) ? headers.getFirst(PinnedVersion.HEADER) : null;
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private static String versionOf(ServiceInstance instance) {
        return InstanceMetadata.version(instance);
    }

    /** The instances of one pinned version. */
    private record Pinned(String version, List<ServiceInstance> instances) {
    }

    /** The instances of each version of {@code split} that has some, in order of appearance, and their weights. */
    private record Grouped(VersionSplit split, List<List<ServiceInstance>> versions, int[] weights, int total) {
    }
}
