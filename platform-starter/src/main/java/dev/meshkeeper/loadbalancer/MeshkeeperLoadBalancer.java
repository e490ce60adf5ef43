package dev.meshkeeper.loadbalancer;

import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The balancer of one called service: takes the instances from the service's {@link ServiceInstanceListSupplier}
 * (whatever the context defines), leaves out ejected instances, prefers the client's zone when configured, and
 * lets the service's {@link BalancingStrategy} pick one. The supplier is decorated (zone preference) and the list
 * filtered (outlier ejection) as {@link ServiceBalancers} decides. A retry (Spring Cloud LoadBalancer's
 * {@link RetryableRequestContext} naming the instance of the previous attempt) never gets that instance back while
 * another one is offered: a strategy that favours an instance (weighted, least-loaded) would otherwise offer a
 * crashed one again and again before outlier ejection removes it. Counts each choice in
 * {@code meshkeeper.loadbalancer.choices}.
 */
final class MeshkeeperLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private final String serviceId;

    private final BalancingStrategy strategy;

    private final ObjectProvider<ServiceInstanceListSupplier> suppliers;

    private final UnaryOperator<ServiceInstanceListSupplier> decoration;

    private final UnaryOperator<List<ServiceInstance>> filter;

    private final InstanceChooser chooser;

    private final Counter choices;

    /** The decorated supplier, built on first use (the supplier bean may not exist before). */
    private volatile ServiceInstanceListSupplier supplier;

    MeshkeeperLoadBalancer(String serviceId, BalancingStrategy strategy,
            ObjectProvider<ServiceInstanceListSupplier> suppliers,
            UnaryOperator<ServiceInstanceListSupplier> decoration, UnaryOperator<List<ServiceInstance>> filter,
            InstanceChooser chooser, Counter choices) {
        this.serviceId = serviceId;
        this.strategy = strategy;
        this.suppliers = suppliers;
        this.decoration = decoration;
        this.filter = filter;
        this.chooser = chooser;
        this.choices = choices;
    }

    String serviceId() {
        return this.serviceId;
    }

    BalancingStrategy strategy() {
        return this.strategy;
    }

    @Override
    public Mono<Response<ServiceInstance>> choose(Request request) {
        ServiceInstanceListSupplier instances = supplier();
        ServiceInstance previous = (request != null && request.getContext() instanceof RetryableRequestContext retry)
                ? retry.getPreviousServiceInstance() : null;
        if (instances instanceof VersionSplittingServiceInstanceListSupplier split) {
            // The supplier Meshkeeper builds unless zone preference or a Spring Cloud configuration wraps it.
            Flux<List<ServiceInstance>> offered = split.getDelegate().get(request);
            String pinned = VersionSplittingServiceInstanceListSupplier.pinnedVersion(request);
            if (offered instanceof Callable) {
                return ImmediateChoice.of(this, split, offered, pinned, previous);
            }
            return split.narrowed(offered, pinned).next().map((list) -> respond(split, list, previous));
        }
        return instances.get(request).next().map((list) -> respond(instances, list, previous));
    }

    /** The response to one choice among {@code offered}, the instances the supplier offers for it. */
    Response<ServiceInstance> respond(ServiceInstanceListSupplier instances, List<ServiceInstance> offered,
            ServiceInstance previous) {
        List<ServiceInstance> list = withoutPrevious(this.filter.apply(offered), previous);
        if (list.isEmpty()) {
            return new EmptyResponse();
        }
        ServiceInstance chosen = this.chooser.choose(list);
        if (instances instanceof SelectedInstanceCallback callback) {
            callback.selectedServiceInstance(chosen);
        }
        this.choices.increment();
        return new DefaultResponse(chosen);
    }

    /** The instances but the one the previous attempt went to, unless it is the only one offered. */
    static List<ServiceInstance> withoutPrevious(List<ServiceInstance> instances, ServiceInstance previous) {
        if (previous == null || instances.size() < 2) {
            return instances;
        }
        String previousKey = OutlierEjection.instanceKey(previous);
        List<ServiceInstance> others = new ArrayList<>(instances.size());
        for (ServiceInstance instance : instances) {
            if (!Objects.equals(OutlierEjection.instanceKey(instance), previousKey)) {
                others.add(instance);
            }
        }
        return others.isEmpty() ? instances : others;
    }

    private ServiceInstanceListSupplier supplier() {
        ServiceInstanceListSupplier current = this.supplier;
        if (current == null) {
            ServiceInstanceListSupplier base = this.suppliers.getIfAvailable();
            if (base == null) {
                return new NoopServiceInstanceListSupplier();
            }
            current = this.decoration.apply(base);
            this.supplier = current;
        }
        return current;
    }
}
