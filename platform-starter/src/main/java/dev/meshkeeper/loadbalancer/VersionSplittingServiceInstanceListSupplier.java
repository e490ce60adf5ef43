package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.InstanceMetadata;
import dev.meshkeeper.discovery.InstanceRegistration;
import java.util.ArrayList;
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
 * Without a split or pin the list passes unchanged. Composes with every strategy and with zone preference.
 */
class VersionSplittingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

    private static final Logger logger = LoggerFactory.getLogger(VersionSplittingServiceInstanceListSupplier.class);

    private final VersionSplits splits;

    private final UnaryOperator<List<ServiceInstance>> before;

    private final Set<String> missingVersions = ConcurrentHashMap.newKeySet();

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
            return instances.stream().filter((instance) -> pinned.equals(versionOf(instance))).toList();
        }
        VersionSplit split = this.splits.splitFor(getServiceId());
        if (split == null || instances.isEmpty()) {
            return instances;
        }
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
        if (total == 0) {
            return instances;
        }
        int draw = ThreadLocalRandom.current().nextInt(total);
        for (Map.Entry<String, List<ServiceInstance>> entry : byVersion.entrySet()) {
            draw -= split.weights().get(entry.getKey());
            if (draw < 0) {
                return entry.getValue();
            }
        }
        return instances;
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
}
