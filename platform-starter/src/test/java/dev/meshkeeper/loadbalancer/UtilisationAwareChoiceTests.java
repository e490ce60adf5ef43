package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.registry.junit.MutableClock;
import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;

/** Least-loaded with the loads instances publish: header and metadata, expiry, blackout, hostile figures. */
@Timeout(30)
@ExtendWith(OutputCaptureExtension.class)
class UtilisationAwareChoiceTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final ObservedLoad load = new ObservedLoad(0.5, Duration.ofSeconds(10), this.clock);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final LoadBalancingProperties.LeastLoaded settings = new LoadBalancingProperties.LeastLoaded();

    private final PublishedLoads published = new PublishedLoads(this.clock, Duration.ofSeconds(10), this.meters);

    private final ObservingLoadBalancerLifecycle lifecycle = new ObservingLoadBalancerLifecycle(this.load,
            new OutlierEjection(new LoadBalancingProperties.OutlierEjection(), this.clock, this.meters),
            this.published);

    private LeastLoadedChooser chooser(String serviceId) {
        return new LeastLoadedChooser(serviceId, this.load, this.settings, this.published);
    }

    @Test
    void loadFromResponseHeadersSteersAwayFromABusyInstance() {
        ServiceInstance busy = instance("header", 1);
        ServiceInstance quiet = instance("header", 2);
        LeastLoadedChooser chooser = chooser("header");
        chooser.choose(List.of(busy, quiet));
        respond(busy, "0.95");
        respond(quiet, "0.10");
        // the responses' latency samples count alone while they are fresh; the headers count from then on
        this.clock.advance(this.settings.getLatencyTrustTime());
        assertThat(pick(chooser, List.of(busy, quiet), 100)).containsOnlyKeys("header-2");
    }

    @Test
    void aHeaderNewerThanTheMetadataWins() {
        // the header's response leaves a fresh latency sample, which would outweigh the header: this test is about
        // which published figure counts
        this.settings.setLatencyTrustTime(Duration.ZERO);
        ServiceInstance a = instance("fresh", 1, "load", "0.10");
        ServiceInstance b = instance("fresh", 2, "load", "0.50");
        LeastLoadedChooser chooser = chooser("fresh");
        assertThat(pick(chooser, List.of(a, b), 50)).containsOnlyKeys("fresh-1");
        this.clock.advance(Duration.ofSeconds(1));
        respond(a, "0.90");
        assertThat(pick(chooser, List.of(a, b), 50)).containsOnlyKeys("fresh-2");
    }

    @Test
    void aMetadataChangeNewerThanTheHeaderWins() {
        ServiceInstance a = instance("newmeta", 1, "load", "0.10");
        ServiceInstance b = instance("newmeta", 2, "load", "0.50");
        LeastLoadedChooser chooser = chooser("newmeta");
        chooser.choose(List.of(a, b));
        respond(a, "0.90");
        this.clock.advance(Duration.ofSeconds(1));
        ServiceInstance aIdleAgain = instance("newmeta", 1, "load", "0.05");
        assertThat(pick(chooser, List.of(aIdleAgain, b), 50)).containsOnlyKeys("newmeta-1");
    }

    @Test
    void anExpiredHeaderNoLongerCounts() {
        // no probe of expiry-2 after the clock jumps: this test is about which published figure counts
        this.settings.setProbeInterval(Duration.ZERO);
        ServiceInstance a = instance("expiry", 1, "load", "0.10");
        ServiceInstance b = instance("expiry", 2, "load", "0.50");
        LeastLoadedChooser chooser = chooser("expiry");
        chooser.choose(List.of(a, b));
        // the header as the lifecycle hands it over, without a timed call: the call's real latency (JIT, a loaded
        // machine) would weigh in and decide the choice instead of the published loads this test is about
        this.published.headerReceived(a, "0.90");
        assertThat(pick(chooser, List.of(a, b), 50)).containsOnlyKeys("expiry-2");
        this.clock.advance(Duration.ofSeconds(11));
        assertThat(pick(chooser, List.of(a, b), 50)).containsOnlyKeys("expiry-1");
    }

    @Test
    void aFreshLatencySampleOutweighsThePublishedLoadUntilItGrowsOld() {
        ServiceInstance fastButBusy = instance("trust", 1);
        ServiceInstance slowAndIdle = instance("trust", 2, "load", "0.10");
        LeastLoadedChooser chooser = chooser("trust");
        chooser.choose(List.of(fastButBusy, slowAndIdle));
        // busy with this client's own calls, which its 5 ms latency already shows
        complete(fastButBusy, 5_000_000L);
        this.published.headerReceived(fastButBusy, "1.00");
        complete(slowAndIdle, 50_000_000L);
        assertThat(pick(chooser, List.of(fastButBusy, slowAndIdle), 50)).containsOnlyKeys("trust-1");
        this.clock.advance(this.settings.getLatencyTrustTime());
        // not called for a while: its published load counts fully, and it says the instance is saturated
        assertThat(pick(chooser, List.of(fastButBusy, slowAndIdle), 50)).containsOnlyKeys("trust-2");
    }

    @Test
    void anInstanceThatPublishesAHighLoadIsNotProbedUntilItsLoadFalls() {
        ServiceInstance hot = instance("hot", 1, "load", "0.95");
        ServiceInstance other = instance("hot", 2);
        LeastLoadedChooser chooser = chooser("hot");
        complete(hot, 50_000_000L);
        complete(other, 5_000_000L);
        assertThat(chooser.choose(List.of(hot, other))).isSameAs(other);
        this.clock.advance(this.settings.getProbeInterval().plusMillis(500));
        assertThat(pick(chooser, List.of(hot, other), 100)).containsOnlyKeys("hot-2");
        ServiceInstance cooled = instance("hot", 1, "load", "0.20");
        assertThat(pick(chooser, List.of(cooled, other), 100)).containsEntry("hot-1", 1);
    }

    @Test
    void aHighLoadFromAHeaderOlderThanTheProbeIntervalDoesNotStopAProbe() {
        ServiceInstance burst = instance("burst", 1, "load", "0.00");
        ServiceInstance other = instance("burst", 2);
        LeastLoadedChooser chooser = chooser("burst");
        chooser.choose(List.of(burst, other));
        // a moment's burst: its answer said saturated, and its metadata, idle before and after, never changed
        complete(burst, 5_000_000L);
        this.published.headerReceived(burst, "1.00");
        complete(other, 5_000_000L);
        this.clock.advance(this.settings.getLatencyTrustTime());
        assertThat(pick(chooser, List.of(burst, other), 100)).containsOnlyKeys("burst-2");
        this.clock.advance(this.settings.getProbeInterval());
        assertThat(pick(chooser, List.of(burst, other), 100)).containsEntry("burst-1", 1);
    }

    @Test
    void aNewlySeenInstanceIsNotFloodedDuringItsBlackout() {
        ServiceInstance busy = instance("blackout", 1, "load", "0.60");
        ServiceInstance newcomer = instance("blackout", 2, "load", "0.00");
        LeastLoadedChooser chooser = chooser("blackout");
        chooser.choose(List.of(busy));
        // This client has as many requests in flight on each: the newcomer's idle figure does not count yet.
        this.load.requestStarted(busy);
        this.load.requestStarted(newcomer);
        this.load.requestStarted(newcomer);
        assertThat(pick(chooser, List.of(busy, newcomer), 50)).containsOnlyKeys("blackout-1");
        this.clock.advance(Duration.ofSeconds(11));
        assertThat(pick(chooser, List.of(busy, newcomer), 50)).containsKey("blackout-2");
    }

    @Test
    void instancesKnownAtTheFirstChoiceHaveNoBlackout() {
        ServiceInstance busy = instance("initial", 1, "load", "0.90");
        ServiceInstance quiet = instance("initial", 2, "load", "0.10");
        assertThat(pick(chooser("initial"), List.of(busy, quiet), 50)).containsOnlyKeys("initial-2");
    }

    @Test
    void hostileFiguresAreClampedOrIgnoredAndLoggedOncePerInstance(CapturedOutput output) {
        ServiceInstance overstated = instance("hostile", 1, "load", "1e9");
        ServiceInstance quiet = instance("hostile", 2, "load", "0.2");
        ServiceInstance garbage = instance("hostile", 3, "load", "NaN");
        LeastLoadedChooser chooser = chooser("hostile");
        List<ServiceInstance> two = List.of(overstated, quiet);
        assertThat(pick(chooser, two, 50)).containsOnlyKeys("hostile-2");
        assertThat(chooser.cost(overstated)).isFinite().isEqualTo(chooser.cost(instance("hostile", 9, "load", "1")));
        assertThat(chooser.cost(garbage)).isEqualTo(chooser.cost(instance("hostile", 8)));
        respond(garbage, "lots");
        respond(garbage, "-");
        chooser.cost(instance("hostile", 3, "load", "?"));
        long warnings = output.getOut().lines().filter((line) -> line.contains("Instance hostile-3")).count();
        assertThat(warnings).isEqualTo(1);
    }

    @Test
    void loadsSeenAreRecordedPerService() {
        ServiceInstance a = instance("summary", 1, "load", "0.40");
        ServiceInstance b = instance("summary", 2);
        LeastLoadedChooser chooser = chooser("summary");
        pick(chooser, List.of(a, b), 20);
        respond(b, "0.80");
        DistributionSummary summary = this.meters.get("meshkeeper.loadbalancer.load").tag("service", "summary")
                .summary();
        assertThat(summary.count()).isEqualTo(2);
        assertThat(summary.totalAmount()).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(summary.getId().getTags()).hasSize(1);
    }

    private void complete(ServiceInstance instance, long latencyNanos) {
        this.load.requestStarted(instance);
        this.load.requestCompleted(instance, latencyNanos);
    }

    private void respond(ServiceInstance instance, String load) {
        Request<Object> request = new DefaultRequest<>(new RequestDataContext());
        this.lifecycle.onStartRequest(request, new DefaultResponse(instance));
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-Meshkeeper-Load", load);
        ResponseData data = new ResponseData(HttpStatus.OK, headers, new LinkedMultiValueMap<>(), null);
        this.lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request,
                new DefaultResponse(instance), data));
    }

    private static Map<String, Integer> pick(LeastLoadedChooser chooser, List<ServiceInstance> instances,
            int times) {
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < times; i++) {
            picks.merge(chooser.choose(new ArrayList<>(instances)).getInstanceId(), 1, Integer::sum);
        }
        return picks;
    }
}
