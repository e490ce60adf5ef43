package dev.meshkeeper.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write budget of the topology at 1,000 instances, on simulated time: each instance calls two services at a
 * steady rate with random latencies and occasional errors, ticks once per interval (5 s) and writes only when its
 * report {@link TopologyReport#differsFrom differs} from the one written last. The hard bound is one write per
 * instance and interval (200 writes/s); the on-change rule keeps a steady mesh far below it.
 */
@Timeout(60)
class TopologyWriteRateTests {

    private static final Logger logger = LoggerFactory.getLogger(TopologyWriteRateTests.class);

    private static final int INSTANCES = 1_000;

    private static final long INTERVAL_MILLIS = 5_000;

    private static final long WARM_UP_MILLIS = 60_000;

    private static final long MEASURED_MILLIS = 300_000;

    @Test
    void aThousandSteadyInstancesStayFarBelowOneWritePerInstanceAndInterval() {
        Random random = new Random(42);
        CallWindow[] inventory = new CallWindow[INSTANCES];
        CallWindow[] payments = new CallWindow[INSTANCES];
        TopologyReport[] written = new TopologyReport[INSTANCES];
        for (int i = 0; i < INSTANCES; i++) {
            inventory[i] = new CallWindow();
            payments[i] = new CallWindow();
        }
        long writes = 0;
        long ticks = 0;
        // 20 calls/s to one service, 2 calls/s to the other, per instance; 1% errors; latencies 2-20 ms with a tail
        for (long now = 0; now < WARM_UP_MILLIS + MEASURED_MILLIS; now += 50) {
            for (int i = 0; i < INSTANCES; i++) {
                inventory[i].record(now, latencyNanos(random), random.nextInt(100) == 0);
                if (now % 500 == 0) {
                    payments[i].record(now, latencyNanos(random), random.nextInt(100) == 0);
                }
            }
            if (now % INTERVAL_MILLIS == 0) {
                for (int i = 0; i < INSTANCES; i++) {
                    TopologyReport report = new TopologyReport("order-service", "order-" + i, "UP",
                            random.nextInt(3), 0.05, null, Map.of("inventory-service", inventory[i].figures(now),
                                    "payment-service", payments[i].figures(now)));
                    if (report.differsFrom(written[i])) {
                        written[i] = report;
                        if (now >= WARM_UP_MILLIS) {
                            writes++;
                        }
                    }
                    if (now >= WARM_UP_MILLIS) {
                        ticks++;
                    }
                }
            }
        }
        double seconds = MEASURED_MILLIS / 1000.0;
        double writesPerSecond = writes / seconds;
        double bound = INSTANCES / (INTERVAL_MILLIS / 1000.0);
        logger.info("{} instances, interval {} ms, steady load: {} writes in {} s = {} writes/s ({} % of the {} "
                + "writes/s bound, {} ticks)", INSTANCES, INTERVAL_MILLIS, writes, seconds,
                String.format("%.1f", writesPerSecond), String.format("%.1f", 100.0 * writes / ticks), bound, ticks);
        assertThat(writesPerSecond).isLessThanOrEqualTo(bound);
        assertThat(writesPerSecond).isLessThan(bound / 2);
    }

    private static long latencyNanos(Random random) {
        double millis = 2 + random.nextDouble() * 18 + ((random.nextInt(200) == 0) ? 200 : 0);
        return (long) (millis * 1_000_000);
    }
}
