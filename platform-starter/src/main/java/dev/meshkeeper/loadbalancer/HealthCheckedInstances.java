package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.MembershipListener;
import dev.meshkeeper.discovery.WatchedInstances;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Cloud LoadBalancer's health checks ({@code spring.cloud.loadbalancer.configurations=health-check}) over the
 * watched instances of one service. The health-check supplier is fed by ZooKeeper's membership changes (not by its
 * {@code refetch-instances} polling), so a new instance is offered as soon as its first health check passes; and
 * every list is the intersection of the instances that passed their last check with the instances registered UP
 * right now, so an instance that drains or leaves is dropped at once, not at the next check. Checks are
 * {@code GET} requests to each instance's {@code spring.cloud.loadbalancer.health-check.path} (default
 * {@code /actuator/health}) every {@code spring.cloud.loadbalancer.health-check.interval}, made with a plain
 * {@code RestClient}. While ZooKeeper is unreachable the list keeps the last known UP instances, still checked.
 */
final class HealthCheckedInstances extends DelegatingServiceInstanceListSupplier implements DisposableBean {

    private final WatchedInstances instances;

    private final Sinks.Many<List<ServiceInstance>> changes = Sinks.many().replay().latest();

    private final MembershipListener listener;

    private final HealthCheckServiceInstanceListSupplier healthChecks;

    HealthCheckedInstances(ServiceInstanceListSupplier watched, WatchedInstances instances,
            ConfigurableApplicationContext clientContext) {
        super(watched);
        this.instances = instances;
        this.changes.tryEmitNext(instances.instances(watched.getServiceId()));
        this.listener = (serviceId, all) -> {
            if (serviceId.equals(getServiceId())) {
                this.changes.tryEmitNext(all.stream().filter(WatchedInstances::isUp).toList());
            }
        };
        instances.addListener(this.listener);
        ServiceInstanceListSupplier pushed = new DelegatingServiceInstanceListSupplier(watched) {
            @Override
            public Flux<List<ServiceInstance>> get() {
                // Checks are blocking calls: never on the ZooKeeper cache's event thread.
                return HealthCheckedInstances.this.changes.asFlux().publishOn(Schedulers.boundedElastic());
            }
        };
        this.healthChecks = (HealthCheckServiceInstanceListSupplier) ServiceInstanceListSupplier.builder()
                .withBase(pushed)
                .withBlockingHealthChecks(RestClient.create())
                .build(clientContext);
        this.healthChecks.afterPropertiesSet();
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return this.healthChecks.get().next().zipWith(getDelegate().get().next(), (alive, registered) -> {
            Set<String> passed = new HashSet<>();
            alive.forEach((instance) -> passed.add(OutlierEjection.instanceKey(instance)));
            return registered.stream().filter((instance) -> passed.contains(OutlierEjection.instanceKey(instance)))
                    .toList();
        }).flux();
    }

    @Override
    public void destroy() {
        this.instances.removeListener(this.listener);
        this.healthChecks.destroy();
    }
}
