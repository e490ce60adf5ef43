package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What one balancer's {@code choose()} answers, whether its supplier hands the list over at once ({@code Flux.just},
 * a list read when subscribed) or through an operator chain: both must give the same answers.
 */
@Timeout(30)
class MeshkeeperLoadBalancerTests {

    /** How a test supplier publishes its list. */
    enum Source {

        /** {@code Flux.just(list)}: the list is at hand. */
        JUST(Flux::just),

        /** A list read when subscribed, as the watched supplier does. */
        READ_ON_SUBSCRIBE((list) -> Mono.fromSupplier(() -> list).flux()),

        /** Behind an operator, so the list arrives only by subscribing. */
        HIDDEN((list) -> Flux.just(list).hide());

        private final Function<List<ServiceInstance>, Flux<List<ServiceInstance>>> publish;

        Source(Function<List<ServiceInstance>, Flux<List<ServiceInstance>>> publish) {
            this.publish = publish;
        }
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final List<ServiceInstance> selected = new ArrayList<>();

    @ParameterizedTest
    @EnumSource(Source.class)
    void eachSubscriptionMakesItsOwnChoiceAndNoneIsMadeBeforeSubscribing(Source source) {
        List<ServiceInstance> all = List.of(instance("orders", 1), instance("orders", 2));
        MeshkeeperLoadBalancer balancer = balancer(supplier(() -> source.publish.apply(all)));
        Mono<Response<ServiceInstance>> choice = balancer.choose(request());
        assertThat(choices()).isZero();
        ServiceInstance first = choice.block().getServer();
        ServiceInstance second = choice.block().getServer();
        assertThat(List.of(first, second)).containsExactlyInAnyOrderElementsOf(all);
        assertThat(choices()).isEqualTo(2);
        assertThat(this.selected).containsExactly(first, second);
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void aRetryNeverGetsThePreviousInstanceBackWhileAnotherIsOffered(Source source) {
        List<ServiceInstance> all = List.of(instance("orders", 1), instance("orders", 2), instance("orders", 3));
        MeshkeeperLoadBalancer balancer = balancer(supplier(() -> source.publish.apply(all)));
        Request<RetryableRequestContext> retry = new DefaultRequest<>(new RetryableRequestContext(all.get(1)));
        for (int i = 0; i < 9; i++) {
            assertThat(balancer.choose(retry).block().getServer()).isNotEqualTo(all.get(1));
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void aPinnedRequestGetsOnlyInstancesOfItsVersionAndNoneWhenThereIsNone(Source source) {
        List<ServiceInstance> all = List.of(instance("orders", 1, "version", "v1"),
                instance("orders", 2, "version", "v2"));
        MeshkeeperLoadBalancer balancer = balancer(supplier(() -> source.publish.apply(all)));
        for (int i = 0; i < 4; i++) {
            assertThat(balancer.choose(pinnedTo("v2")).block().getServer()).isEqualTo(all.get(1));
        }
        Response<ServiceInstance> none = balancer.choose(pinnedTo("v9")).block();
        assertThat(none.hasServer()).isFalse();
        assertThat(choices()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void filteredOutInstancesAreNeverChosen(Source source) {
        List<ServiceInstance> all = List.of(instance("orders", 1), instance("orders", 2), instance("orders", 3));
        MeshkeeperLoadBalancer balancer = balancer(supplier(() -> source.publish.apply(all)),
                (list) -> list.stream().filter((instance) -> !instance.equals(all.get(0))).toList());
        for (int i = 0; i < 9; i++) {
            assertThat(balancer.choose(request()).block().getServer()).isNotEqualTo(all.get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Source.class)
    void anEmptyListGivesAnEmptyResponse(Source source) {
        MeshkeeperLoadBalancer balancer = balancer(supplier(() -> source.publish.apply(List.of())));
        Response<ServiceInstance> response = balancer.choose(request()).block();
        assertThat(response.hasServer()).isFalse();
        assertThat(choices()).isZero();
    }

    @Test
    void aSupplierWithoutAListGivesNoResponse() {
        MeshkeeperLoadBalancer balancer = balancer(supplier(Flux::empty));
        assertThat(balancer.choose(request()).block()).isNull();
        assertThat(choices()).isZero();
    }

    @Test
    void aSupplierErrorReachesTheCaller() {
        MeshkeeperLoadBalancer balancer = balancer(supplier(() -> Flux.error(new IllegalStateException("no list"))));
        assertThatIllegalStateException().isThrownBy(() -> balancer.choose(request()).block())
                .withMessage("no list");
    }

    @Test
    void aListAtHandIsChosenFromWithoutAssemblingOperators() {
        List<ServiceInstance> all = List.of(instance("orders", 1));
        assertThat(balancer(supplier(() -> Flux.just(all))).choose(request())).isInstanceOf(ImmediateChoice.class);
        assertThat(balancer(supplier(() -> Source.READ_ON_SUBSCRIBE.publish.apply(all))).choose(request()))
                .isInstanceOf(ImmediateChoice.class);
        assertThat(balancer(supplier(() -> Flux.just(all).hide())).choose(request()))
                .isNotInstanceOf(ImmediateChoice.class);
    }

    private MeshkeeperLoadBalancer balancer(ServiceInstanceListSupplier base) {
        return balancer(base, UnaryOperator.identity());
    }

    private MeshkeeperLoadBalancer balancer(ServiceInstanceListSupplier base,
            UnaryOperator<List<ServiceInstance>> before) {
        VersionSplits splits = new VersionSplits(new StandardEnvironment());
        Counter choices = Counter.builder("meshkeeper.loadbalancer.choices").register(this.meters);
        return new MeshkeeperLoadBalancer("orders", BalancingStrategy.ROUND_ROBIN, new SimpleObjectProvider<>(base),
                (supplier) -> new VersionSplittingServiceInstanceListSupplier(supplier, splits, before),
                UnaryOperator.identity(), new RoundRobinChooser(), choices);
    }

    private double choices() {
        return this.meters.get("meshkeeper.loadbalancer.choices").counter().count();
    }

    /** A supplier that publishes as {@code lists} does and records the instances the balancer reports choosing. */
    private ServiceInstanceListSupplier supplier(Supplier<Flux<List<ServiceInstance>>> lists) {
        return new RecordingSupplier(lists, this.selected);
    }

    private static Request<RequestDataContext> request() {
        return new DefaultRequest<>(new RequestDataContext());
    }

    private static Request<RequestDataContext> pinnedTo(String version) {
        HttpHeaders headers = new HttpHeaders();
        headers.add(PinnedVersion.HEADER, version);
        return new DefaultRequest<>(new RequestDataContext(new RequestData(HttpMethod.GET,
                URI.create("http://orders/"), headers, new LinkedMultiValueMap<>(), Map.of())));
    }

    private record RecordingSupplier(Supplier<Flux<List<ServiceInstance>>> lists,
            List<ServiceInstance> selected) implements ServiceInstanceListSupplier, SelectedInstanceCallback {

        @Override
        public String getServiceId() {
            return "orders";
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            return this.lists.get();
        }

        @Override
        public void selectedServiceInstance(ServiceInstance serviceInstance) {
            this.selected.add(serviceInstance);
        }
    }
}
