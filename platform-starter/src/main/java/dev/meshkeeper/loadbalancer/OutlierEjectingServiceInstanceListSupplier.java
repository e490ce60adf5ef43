package dev.meshkeeper.loadbalancer;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * Leaves the instances {@link OutlierEjection} ejected out of its delegate's lists, whatever the delegate is (the
 * discovery cache, Spring Cloud's discovery-client supplier, a static list). Composes with every strategy.
 */
class OutlierEjectingServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

    private final OutlierEjection outlierEjection;

    OutlierEjectingServiceInstanceListSupplier(ServiceInstanceListSupplier delegate,
            OutlierEjection outlierEjection) {
        super(delegate);
        this.outlierEjection = outlierEjection;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return getDelegate().get().map(this::withoutEjected);
    }

    @Override
    public Flux<List<ServiceInstance>> get(Request request) {
        return getDelegate().get(request).map(this::withoutEjected);
    }

    private List<ServiceInstance> withoutEjected(List<ServiceInstance> instances) {
        return this.outlierEjection.filter(getServiceId(), instances);
    }
}
