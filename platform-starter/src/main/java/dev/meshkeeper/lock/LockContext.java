package dev.meshkeeper.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every lock of one {@link CuratorDistributedLocks} shares: the client, the lease registry, the meters, the
 * recipe threads and the clock. The locks depend on this, never on the façade.
 *
 * @param curator the application's client
 * @param leases held leases, epochs and loss signalling
 * @param meters the lock meters
 * @param threads the threads that pin ZooKeeper holds
 * @param clock the time lock nodes and leases record
 * @param operationTimeout the longest a lock node's creation is waited for
 * @param instanceId the holder name written into lock nodes
 * @param eventSource the source of {@link LockLostEvent}s (the {@link DistributedLocks} bean)
 */
record LockContext(CuratorFramework curator, LeaseRegistry leases, LockMeters meters, RecipeThreads threads,
        Clock clock, Duration operationTimeout, Supplier<String> instanceId, Object eventSource) {

    private static final Logger logger = LoggerFactory.getLogger(LockContext.class);

    private static final Duration RELEASE_WAIT = Duration.ofSeconds(3);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON written into a lock node: who holds it, on which thread, since when. */
    byte[] holderData() {
        Map<String, String> holder = new LinkedHashMap<>();
        holder.put("instanceId", this.instanceId.get());
        holder.put("thread", Thread.currentThread().getName());
        holder.put("acquiredAt", this.clock.instant().toString());
        try {
            return JSON.writeValueAsBytes(holder);
        }
        catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write lock holder " + holder, ex);
        }
    }

    /** Waits for a release to reach ZooKeeper while connected; otherwise Curator finishes it in the background. */
    void awaitRelease(CompletableFuture<?> released, String path) {
        if (!this.leases.isConnected()) {
            return;
        }
        try {
            released.get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException ex) {
            logger.warn("Releasing lock node under {} did not complete ({}); ZooKeeper removes it when the session "
                    + "ends", path, ex.getCause() != null ? ex.getCause().toString() : ex.toString());
        }
    }
}
