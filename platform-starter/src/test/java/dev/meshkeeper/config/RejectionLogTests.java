package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@Timeout(10)
@ExtendWith(OutputCaptureExtension.class)
class RejectionLogTests {

    private final CuratorFramework unstarted = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));

    private final WatchedContext context = new WatchedContext(new LiveZookeeperPropertySource("/config/app",
            "/config/app", this.unstarted, Map.of("orders.max-quantity", "20", "payments.password", "a-long-one")),
            this.unstarted);

    private final List<Object> events = new ArrayList<>();

    private final Object source = new Object();

    private final RejectionLog log = new RejectionLog(this.source, this.events::add, ConfigValueMask.byKeyName(),
            new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));

    @Test
    void rejectionIsLoggedPublishedAndShownWithKeyContextValueBeanAndReason(CapturedOutput output) {
        this.log.reject(change("orders.max-quantity", "20", "0"), refusal());

        assertThat(this.events).singleElement().isInstanceOfSatisfying(ConfigRejectedEvent.class, (event) -> {
            assertThat(event.getSource()).isSameAs(this.source);
            assertThat(event).extracting("context", "key", "value", "reason")
                    .containsExactly("/config/app", "orders.max-quantity", "0", "maxQuantity too small");
        });
        assertThat(output.getOut()).contains("Rejected config change: key 'orders.max-quantity' in ZooKeeper "
                + "context '/config/app' = '0' does not bind to @ConfigurationProperties bean 'orders' "
                + "(maxQuantity too small); keeping the last good value '20'. Write a valid value to "
                + "/config/app/orders/max-quantity (or the dotted key) to apply it.");
        assertThat(this.log.describe()).singleElement().isEqualTo(Map.of("context", "/config/app", "key",
                "orders.max-quantity", "value", "0", "reason", "maxQuantity too small", "bean", "orders", "since",
                "2026-01-01T00:00:00Z"));
    }

    @Test
    void sensitiveValuesAreMaskedEverywhere(CapturedOutput output) {
        this.log.reject(change("payments.password", "a-long-one", "short"), refusal());

        assertThat(this.events).singleElement().extracting("value").isEqualTo(ConfigValueMask.MASKED);
        assertThat(output.getOut()).doesNotContain("short").doesNotContain("a-long-one");
        assertThat(this.log.describe().toString()).doesNotContain("short");
    }

    @Test
    void theSameValueStaysRejectedADifferentOneIsTriedAgain() {
        this.log.reject(change("orders.max-quantity", "20", "0"), refusal());

        assertThat(this.log.isStillRejected(change("orders.max-quantity", "20", "0"))).isTrue();
        assertThat(this.log.isStillRejected(change("orders.max-quantity", "20", "-5"))).isFalse();
    }

    @Test
    void rejectionIsForgottenWhenZooKeeperHoldsTheAppliedValueAgainOrANewValueIsApplied() {
        this.log.reject(change("orders.max-quantity", "20", "0"), refusal());
        this.log.forgetSettled("/config/app", Map.of("orders.max-quantity", "20"), Map.of("orders.max-quantity", "0"));
        assertThat(this.log.describe()).hasSize(1);

        this.log.forgetSettled("/config/app", Map.of("orders.max-quantity", "20"),
                Map.of("orders.max-quantity", "20"));
        assertThat(this.log.describe()).isEmpty();

        this.log.reject(change("orders.max-quantity", "20", "0"), refusal());
        this.log.forget(change("orders.max-quantity", "20", "30"));
        assertThat(this.log.describe()).isEmpty();
    }

    private static ChangeValidator.Refusal refusal() {
        return new ChangeValidator.Refusal("orders", "maxQuantity too small");
    }

    private ConfigChange change(String key, String oldValue, String newValue) {
        return new ConfigChange(this.context, key, oldValue, newValue);
    }
}
