package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.junit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.mock.web.MockHttpSession;

/** Event streams are bounded per user, end when idle and end with the login session they were opened with. */
@Timeout(60)
class RegistryEventsTests {

    private final MutableClock clock = new MutableClock();

    private RegistryEvents events;

    @BeforeEach
    void start() {
        // No topics, hence no ZooKeeper watch and no client: streams, limits and timeouts only. (Announcements
        // after a watch is set again would count as activity; RegistryEventsIntegrationTests covers the topics.)
        this.events = new RegistryEvents(null, Map.of(), Duration.ofMillis(10), Duration.ofMillis(50), 100, 2,
                Duration.ofMinutes(30), this.clock);
        this.events.start();
    }

    @AfterEach
    void stop() {
        this.events.close();
    }

    @Test
    void aUserMayHoldOnlyMaxStreamsPerUser() {
        this.events.subscribe("vic", null);
        this.events.subscribe("vic", null);
        assertThatExceptionOfType(AdminApiException.class).isThrownBy(() -> this.events.subscribe("vic", null))
                .satisfies(ex -> {
                    assertThat(ex.getStatusCode().value()).isEqualTo(429);
                    assertThat(ex.getBody().getDetail()).contains("meshkeeper.registry.events.max-streams-per-user");
                });
        this.events.subscribe("olga", null);
        assertThat(this.events.subscriberCount()).isEqualTo(3);
    }

    @Test
    void aStreamWithoutChangesForTheIdleTimeoutIsClosed() {
        this.events.subscribe("vic", null);
        this.clock.advance(Duration.ofMinutes(31));
        this.events.subscribe("olga", null);
        // the heartbeat ends vic's stream, idle for 31 minutes, and keeps olga's, opened just now
        await().atMost(Duration.ofSeconds(10)).until(() -> this.events.subscriberCount() == 1);
        assertThatExceptionOfType(AdminApiException.class).as("olga's stream is still open")
                .isThrownBy(() -> {
                    this.events.subscribe("olga", null);
                    this.events.subscribe("olga", null);
                });
    }

    @Test
    void endingTheLoginSessionEndsItsStreams() {
        MockHttpSession session = new MockHttpSession();
        this.events.subscribe("vic", session);
        this.events.subscribe("vic", null);
        assertThat(this.events.subscriberCount()).isEqualTo(2);

        session.invalidate();

        assertThat(this.events.subscriberCount()).as("only the stream of the ended session").isEqualTo(1);
    }
}
