package dev.meshkeeper.lock;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read lock, write lock or semaphore: each acquisition is its own ZooKeeper participant (a Curator recipe
 * instance pinned to a {@link RecipeThread}), released through the recipe when the lease is closed.
 */
final class RecipeLock implements ClusterLock {

    private static final Logger logger = LoggerFactory.getLogger(RecipeLock.class);

    private final DistributedLocks locks;

    private final String name;

    private final String path;

    private final String pattern;

    private final Function<byte[], InterProcessLock> recipe;

    private final BiConsumer<GrantedLease, Granted> onGrant;

    RecipeLock(DistributedLocks locks, String name, String path, String pattern,
            Function<byte[], InterProcessLock> recipe, BiConsumer<GrantedLease, Granted> onGrant) {
        this.locks = locks;
        this.name = name;
        this.path = path;
        this.pattern = pattern;
        this.recipe = recipe;
        this.onGrant = onGrant;
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public LockLease acquire() throws InterruptedException {
        return this.locks.acquireBlocking(this);
    }

    @Override
    public Optional<LockLease> tryAcquire(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Timer.Sample sample = this.locks.startAcquireTimer();
        if (!this.locks.isConnected()) {
            this.locks.recordAcquire(sample, this.pattern, "unavailable");
            return Optional.empty();
        }
        long epoch = this.locks.epoch();
        byte[] data = this.locks.holderData();
        InterProcessLock lock = this.recipe.apply(data);
        RecipeHold hold = new RecipeHold(this.locks, this.path);
        try {
            Long token = hold.acquire(lock, data, deadline, epoch);
            if (token == null) {
                this.locks.recordAcquire(sample, this.pattern, "timeout");
                return Optional.empty();
            }
            Granted granted = new Granted(hold, lock);
            GrantedLease lease = new GrantedLease(this.locks, this.name, this.pattern, token, Instant.now(),
                    Thread.currentThread(), () -> hold.release(lock));
            if (!this.locks.grant(lease, epoch)) {
                hold.release(lock);
                this.locks.recordAcquire(sample, this.pattern, "unavailable");
                return Optional.empty();
            }
            this.onGrant.accept(lease, granted);
            this.locks.recordAcquire(sample, this.pattern, "acquired");
            return Optional.of(lease);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.locks.recordAcquire(sample, this.pattern, "timeout");
            return Optional.empty();
        }
        catch (Exception ex) {
            logger.warn("Could not acquire lock '{}' at {}: {}", this.name, this.path, ex.toString());
            this.locks.recordAcquire(sample, this.pattern, "error");
            return Optional.empty();
        }
    }

    /** What a granted lease holds, for a later downgrade. */
    record Granted(RecipeHold hold, InterProcessLock lock) {
    }
}
