package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a member publishes about itself and the share the leader gives it. */
@Timeout(10)
class MemberDataTests {

    @Test
    void theShareFallsOneStepAtEachLoadThresholdAndAnUnknownLoadCountsAsIdle() {
        assertThat(MemberData.of(2).share()).isEqualTo(8);
        assertThat(new MemberData(2, 0.49).share()).isEqualTo(8);
        assertThat(new MemberData(2, 0.5).share()).isEqualTo(6);
        assertThat(new MemberData(2, 0.8).share()).isEqualTo(4);
        assertThat(new MemberData(2, 1.0).share()).isEqualTo(2);
    }

    @Test
    void weightAndLoadSurviveTheRoundTripThroughTheMemberNode() {
        MemberData read = MemberData.fromJson(new MemberData(3, 0.423).toJson());
        assertThat(read.weight()).isEqualTo(3);
        assertThat(read.load()).isEqualTo(0.42);
        assertThat(new String(MemberData.of(3).toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"weight\":3}");
    }

    @Test
    void hostileMemberDataNeverTakesAShareToZeroOrAboveTheIdleShare() {
        assertThat(parse("{\"weight\":0,\"load\":7}").share()).isEqualTo(4);
        assertThat(parse("{\"weight\":1,\"load\":-1}").share()).isEqualTo(4);
        assertThat(parse("{\"weight\":1,\"load\":\"high\"}").share()).isEqualTo(4);
        assertThat(parse("not json").share()).isEqualTo(4);
        assertThat(MemberData.fromJson(null).share()).isEqualTo(4);
    }

    private static MemberData parse(String json) {
        return MemberData.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }
}
