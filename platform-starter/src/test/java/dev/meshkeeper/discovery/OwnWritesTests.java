package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Telling this instance's own writes, seen again in its node, from an operator's. */
@Timeout(10)
class OwnWritesTests {

    private final OwnWrites writes = new OwnWrites();

    private static final Map<String, String> UP = Map.of("instance_status", "UP");

    private static final Map<String, String> OUT = Map.of("instance_status", "OUT_OF_SERVICE");

    private static final Map<String, String> UP_ZONE = Map.of("instance_status", "UP", "zone", "b");

    @Test
    void currentMetadataSeenAgainIsOwn() {
        assertThat(this.writes.isOwn(UP, UP)).isTrue();
    }

    @Test
    void echoOfAnEarlierWriteIsOwnAndOnlyOnce() {
        this.writes.wrote(OUT);
        this.writes.wrote(UP);
        assertThat(this.writes.isOwn(OUT, UP)).as("echo of the first write").isTrue();
        assertThat(this.writes.isOwn(OUT, UP)).as("the same content again is someone else's").isFalse();
    }

    @Test
    void contentNeverWrittenIsSomeoneElses() {
        this.writes.wrote(OUT);
        assertThat(this.writes.isOwn(UP_ZONE, UP)).isFalse();
        assertThat(this.writes.isOwn(OUT, UP)).as("a foreign write forgets the earlier ones").isFalse();
    }

    @Test
    void onlyTheLatestWritesAreRemembered() {
        this.writes.wrote(OUT);
        for (int i = 0; i < 64; i++) {
            this.writes.wrote(Map.of("instance_status", "UP", "n", Integer.toString(i)));
        }
        assertThat(this.writes.isOwn(OUT, UP)).isFalse();
    }
}
