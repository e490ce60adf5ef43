package dev.meshkeeper.loadbalancer;

import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * One choice of a {@link MeshkeeperLoadBalancer} whose supplier hands its list over without waiting: a
 * {@link Callable} {@link Flux} such as {@code Flux.just(list)} or a list read when subscribed. Behaves as
 * {@code offered.map(narrow).next().map(respond)} does (the choice is made on each subscription, an error of the
 * supplier or of the choice is signalled, no list means no response) but takes the list with one call, as Reactor's
 * own operators do with such sources, instead of assembling and subscribing three operators per choice.
 */
final class ImmediateChoice extends Mono<Response<ServiceInstance>> {

    private final MeshkeeperLoadBalancer balancer;

    private final VersionSplittingServiceInstanceListSupplier split;

    private final Callable<List<ServiceInstance>> offered;

    private final String pinned;

    private final ServiceInstance previous;

    @SuppressWarnings("unchecked")
    private ImmediateChoice(MeshkeeperLoadBalancer balancer, VersionSplittingServiceInstanceListSupplier split,
            Flux<List<ServiceInstance>> offered, String pinned, ServiceInstance previous) {
        this.balancer = balancer;
        this.split = split;
        this.offered = (Callable<List<ServiceInstance>>) offered;
        this.pinned = pinned;
        this.previous = previous;
    }

    /**
     * @param offered the delegate's lists for this request; a {@link Callable}
     */
    static Mono<Response<ServiceInstance>> of(MeshkeeperLoadBalancer balancer,
            VersionSplittingServiceInstanceListSupplier split, Flux<List<ServiceInstance>> offered, String pinned,
            ServiceInstance previous) {
        return onAssembly(new ImmediateChoice(balancer, split, offered, pinned, previous));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Response<ServiceInstance>> actual) {
        List<ServiceInstance> list;
        try {
            list = this.offered.call();
        }
        catch (Exception ex) {
            // As the supplier's Flux would signal it (Flux.error's call() throws its error, wrapped if unchecked).
            Operators.error(actual, Exceptions.unwrap(ex));
            return;
        }
        if (list == null) {
            Operators.complete(actual);
            return;
        }
        Response<ServiceInstance> response;
        try {
            response = this.balancer.respond(this.split, this.split.narrow(list, this.pinned), this.previous);
        }
        catch (RuntimeException ex) {
            Operators.error(actual, Operators.onOperatorError(ex, actual.currentContext()));
            return;
        }
        actual.onSubscribe(Operators.scalarSubscription(actual, response));
    }
}
