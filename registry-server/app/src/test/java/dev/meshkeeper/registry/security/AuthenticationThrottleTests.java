package dev.meshkeeper.registry.security;

import dev.meshkeeper.registry.junit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AuthenticationThrottleTests {

    private final MutableClock clock = new MutableClock();

    private final AuthenticationThrottle throttle = new AuthenticationThrottle(
            new RegistrySecurityProperties.Throttle(), this.clock);

    @Test
    void tenConsecutiveFailuresWithinFiveMinutesThrottleTheUserAndTheAddress() {
        for (int i = 0; i < 9; i++) {
            assertThat(this.throttle.failed("otto", "127.0.0.1")).isEmpty();
            this.clock.advance(Duration.ofSeconds(20));
        }
        assertThat(this.throttle.blocked("otto", "127.0.0.1")).isEmpty();
        assertThat(this.throttle.failed("otto", "127.0.0.1")).hasValue(Duration.ofMinutes(1));
        assertThat(this.throttle.blocked("otto", "192.0.2.1")).as("the user from any address")
                .hasValue(Duration.ofMinutes(1));
        assertThat(this.throttle.blocked("vera", "127.0.0.1")).as("any user from the loopback address")
                .hasValue(Duration.ofMinutes(1));
        assertThat(this.throttle.blocked("vera", "192.0.2.1")).isEmpty();
        this.clock.advance(Duration.ofSeconds(45));
        assertThat(this.throttle.blocked("otto", null)).hasValue(Duration.ofSeconds(15));
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowAreNotThrottled() {
        for (int i = 0; i < 30; i++) {
            assertThat(this.throttle.failed("otto", "127.0.0.1")).isEmpty();
            // nine failures per window at most
            this.clock.advance(Duration.ofSeconds(34));
        }
        assertThat(this.throttle.blocked("otto", "127.0.0.1")).isEmpty();
    }

    @Test
    void theBackOffDoublesWithEachFurtherFailureUpToFifteenMinutes() {
        for (int i = 0; i < 9; i++) {
            this.throttle.failed(null, "127.0.0.1");
        }
        for (Duration next : new Duration[] { Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(8), Duration.ofMinutes(15), Duration.ofMinutes(15) }) {
            assertThat(this.throttle.failed(null, "127.0.0.1")).hasValue(next);
            assertThat(this.throttle.blocked(null, "127.0.0.1")).hasValue(next);
            this.clock.advance(next);
            assertThat(this.throttle.blocked(null, "127.0.0.1")).isEmpty();
        }
    }

    @Test
    void aSuccessOrAQuietWindowStartsTheCountAgain() {
        for (int i = 0; i < 9; i++) {
            this.throttle.failed("otto", "127.0.0.1");
        }
        this.throttle.succeeded("otto", "127.0.0.1");
        assertThat(this.throttle.failed("otto", "127.0.0.1")).isEmpty();

        for (int i = 0; i < 9; i++) {
            this.throttle.failed("vera", "192.0.2.5");
        }
        assertThat(this.throttle.failed("vera", "192.0.2.5")).hasValue(Duration.ofMinutes(1));
        this.clock.advance(Duration.ofMinutes(1).plus(Duration.ofMinutes(5)));
        assertThat(this.throttle.failed("vera", "192.0.2.5")).as("quiet for a window after the back-off").isEmpty();
    }

    @Test
    void inventedUserNamesCannotGrowTheTableWithoutBound() {
        for (int i = 0; i < AuthenticationThrottle.MAX_KEYS + 50; i++) {
            this.throttle.failed("user-" + i, "192.0.2." + (i % 200));
        }
        // the addresses are still counted: every one of them failed far more than ten times
        assertThat(this.throttle.blocked("someone-new", "192.0.2.7")).isPresent();
    }
}
