package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.registry.junit.MutableClock;
import static dev.meshkeeper.loadbalancer.TestInstances.instances;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.ServiceInstance;

@Timeout(30)
class OutlierEjectionTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private final LoadBalancingProperties.OutlierEjection settings = new LoadBalancingProperties.OutlierEjection();

    private final OutlierEjection ejection;

    OutlierEjectionTests() {
        this.settings.setConsecutiveFailures(3);
        this.settings.setBaseEjectionTime(Duration.ofSeconds(30));
        this.settings.setMaxEjectionTime(Duration.ofSeconds(75));
        this.settings.setMaxEjectedPercent(50);
        this.ejection = new OutlierEjection(this.settings, this.clock, this.registry);
    }

    @Test
    void instanceIsEjectedAfterConsecutiveFailures() {
        List<ServiceInstance> all = instances("ejecting", 4);
        ServiceInstance failing = all.get(1);
        this.ejection.filter("ejecting", all);
        fail(failing, 2);
        assertThat(this.ejection.filter("ejecting", all)).hasSize(4);
        fail(failing, 1);
        assertThat(this.ejection.isEjected(failing)).isTrue();
        assertThat(this.ejection.filter("ejecting", all)).hasSize(3).doesNotContain(failing);
        assertThat(this.ejection.ejectedInstances("ejecting")).containsEntry("ejecting-2",
                Instant.parse("2026-01-01T10:00:30Z"));
        assertThat(this.registry.get("meshkeeper.loadbalancer.ejections").tag("service", "ejecting").counter()
                .count()).isEqualTo(1.0);
        assertThat(this.registry.get("meshkeeper.loadbalancer.ejected").tag("service", "ejecting").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void aSuccessBreaksTheRunOfFailures() {
        List<ServiceInstance> all = instances("interrupted", 4);
        ServiceInstance flaky = all.get(0);
        this.ejection.filter("interrupted", all);
        fail(flaky, 2);
        this.ejection.reportSuccess(flaky);
        fail(flaky, 2);
        assertThat(this.ejection.isEjected(flaky)).isFalse();
        assertThat(this.ejection.filter("interrupted", all)).hasSize(4);
    }

    @Test
    void ejectedInstanceReturnsAfterTheBackOff() {
        List<ServiceInstance> all = instances("returning", 4);
        ServiceInstance failing = all.get(2);
        this.ejection.filter("returning", all);
        fail(failing, 3);
        this.clock.advance(Duration.ofSeconds(29));
        assertThat(this.ejection.filter("returning", all)).doesNotContain(failing);
        this.clock.advance(Duration.ofSeconds(1));
        assertThat(this.ejection.filter("returning", all)).containsExactlyElementsOf(all);
        assertThat(this.registry.get("meshkeeper.loadbalancer.ejected").tag("service", "returning").gauge().value())
                .isEqualTo(0.0);
    }

    @Test
    void aListOfTheSameInstancesReusesItsFilteringUntilTheEjectionsChange() {
        List<ServiceInstance> all = instances("reused", 6);
        this.ejection.filter("reused", all);
        fail(all.get(1), 3);
        List<ServiceInstance> first = this.ejection.filter("reused", all);
        // A supplier's next snapshot: a new list object of the same instance objects.
        List<ServiceInstance> again = this.ejection.filter("reused", new ArrayList<>(all));
        assertThat(again).isSameAs(first).hasSize(5).doesNotContain(all.get(1));
        fail(all.get(4), 3);
        assertThat(this.ejection.filter("reused", new ArrayList<>(all))).hasSize(4)
                .doesNotContain(all.get(1), all.get(4));
        List<ServiceInstance> replaced = new ArrayList<>(all);
        replaced.set(1, TestInstances.instance("reused", 2));
        assertThat(this.ejection.filter("reused", replaced)).hasSize(4).doesNotContain(all.get(1), all.get(4));
        this.clock.advance(Duration.ofSeconds(30));
        assertThat(this.ejection.filter("reused", new ArrayList<>(all))).containsExactlyElementsOf(all);
    }

    @Test
    void aListChangedInPlaceIsFilteredAgain() {
        List<ServiceInstance> all = instances("in-place", 4);
        this.ejection.filter("in-place", all);
        fail(all.get(0), 3);
        assertThat(this.ejection.filter("in-place", all)).hasSize(3);
        ServiceInstance ejected = all.set(0, TestInstances.instance("in-place", 9));
        assertThat(this.ejection.filter("in-place", all)).containsExactlyElementsOf(all).doesNotContain(ejected);
    }

    @Test
    void repeatedEjectionsLastLongerUpToTheCap() {
        List<ServiceInstance> all = instances("repeat", 4);
        ServiceInstance failing = all.get(3);
        this.ejection.filter("repeat", all);
        fail(failing, 3);
        assertThat(ejectedFor(failing)).isEqualTo(Duration.ofSeconds(30));
        this.clock.advance(Duration.ofSeconds(30));
        fail(failing, 3);
        assertThat(ejectedFor(failing)).isEqualTo(Duration.ofSeconds(60));
        this.clock.advance(Duration.ofSeconds(60));
        fail(failing, 3);
        assertThat(ejectedFor(failing)).isEqualTo(Duration.ofSeconds(75));
        assertThat(this.registry.get("meshkeeper.loadbalancer.ejections").tag("service", "repeat").counter()
                .count()).isEqualTo(3.0);
    }

    @Test
    void aLongGoodSpellForgetsEarlierEjections() {
        List<ServiceInstance> all = instances("forgiven", 4);
        ServiceInstance failing = all.get(0);
        this.ejection.filter("forgiven", all);
        fail(failing, 3);
        this.clock.advance(Duration.ofSeconds(30).plus(Duration.ofSeconds(75)));
        fail(failing, 3);
        assertThat(ejectedFor(failing)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void neverEjectsMoreThanTheMaxEjectedPercent() {
        List<ServiceInstance> all = instances("outage", 4);
        this.ejection.filter("outage", all);
        all.forEach((instance) -> fail(instance, 10));
        assertThat(this.ejection.ejectedInstances("outage")).hasSize(2);
        assertThat(this.ejection.filter("outage", all)).hasSize(2);
        assertThat(this.registry.get("meshkeeper.loadbalancer.ejected").tag("service", "outage").gauge().value())
                .isEqualTo(2.0);
    }

    @Test
    void aSingleInstanceIsNeverEjected() {
        List<ServiceInstance> all = instances("lonely", 1);
        this.ejection.filter("lonely", all);
        fail(all.get(0), 10);
        assertThat(this.ejection.isEjected(all.get(0))).isFalse();
        assertThat(this.ejection.filter("lonely", all)).containsExactlyElementsOf(all);
    }

    @Test
    void shrunkenListStillKeepsEnoughInstances() {
        List<ServiceInstance> all = instances("shrinking", 4);
        this.ejection.filter("shrinking", all);
        fail(all.get(0), 3);
        fail(all.get(1), 3);
        // Two healthy instances deregistered: of the two left, only one may stay out.
        List<ServiceInstance> left = List.of(all.get(0), all.get(1));
        assertThat(this.ejection.filter("shrinking", left)).hasSize(1);
    }

    @Test
    void disabledEjectionIgnoresReports() {
        this.settings.setEnabled(false);
        List<ServiceInstance> all = instances("disabled", 4);
        this.ejection.filter("disabled", all);
        fail(all.get(0), 10);
        assertThat(this.ejection.isEjected(all.get(0))).isFalse();
        assertThat(this.ejection.filter("disabled", all)).containsExactlyElementsOf(all);
    }

    private void fail(ServiceInstance instance, int times) {
        for (int i = 0; i < times; i++) {
            this.ejection.reportFailure(instance);
        }
    }

    private Duration ejectedFor(ServiceInstance instance) {
        Instant until = this.ejection.ejectedInstances(instance.getServiceId()).get(instance.getInstanceId());
        return Duration.between(this.clock.instant(), until);
    }
}
