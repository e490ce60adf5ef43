package dev.meshkeeper.samples.order;

import dev.meshkeeper.placement.WorkPlacement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Order processing split into the partitions of the work group {@value #GROUP}
 * ({@code meshkeeper.placement.groups.order-processing.partitions=12}): every order-service instance runs a job for
 * each partition it owns, every {@code orders.partition-interval} (2 s). When an instance joins or leaves, the
 * partitions move between instances; a partition's job stops on its old owner before it starts on the new one.
 */
@Component
public class PartitionProcessing {

    static final String GROUP = "order-processing";

    private static final Logger logger = LoggerFactory.getLogger(PartitionProcessing.class);

    private final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();

    PartitionProcessing(WorkPlacement placement, TaskScheduler scheduler,
            @Value("${orders.partition-interval:2s}") Duration interval) {
        placement.forEachItem(GROUP, (partition, token) -> new PartitionJob(partition, token, scheduler, interval));
    }

    /** How many times this instance processed each partition. */
    Map<String, Long> runs() {
        Map<String, Long> counts = new ConcurrentHashMap<>();
        this.runs.forEach((partition, count) -> counts.put(partition, count.get()));
        return counts;
    }

    /** The job of one owned partition; closing it waits for a run in progress, so the next owner never overlaps. */
    private final class PartitionJob implements AutoCloseable {

        private final String partition;

        private final long token;

        private final ScheduledFuture<?> future;

        private boolean stopped;

        PartitionJob(String partition, long token, TaskScheduler scheduler, Duration interval) {
            this.partition = partition;
            this.token = token;
            this.future = scheduler.scheduleAtFixedRate(this::run, interval);
        }

        private synchronized void run() {
            if (this.stopped) {
                return;
            }
            long run = PartitionProcessing.this.runs.computeIfAbsent(this.partition, key -> new AtomicLong())
                    .incrementAndGet();
            logger.info("processing partition {} (run {}, fencing token {})", this.partition, run, this.token);
        }

        @Override
        public synchronized void close() {
            this.stopped = true;
            this.future.cancel(false);
        }
    }
}
