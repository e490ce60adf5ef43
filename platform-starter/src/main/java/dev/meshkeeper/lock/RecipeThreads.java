package dev.meshkeeper.lock;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded pool of threads that run Curator's blocking lock calls ({@code meshkeeper-lock-N}) and the places of
 * the ZooKeeper holds: at most {@code meshkeeper.lock.max-holds} holds being acquired or held at once. A read-write
 * or semaphore hold pins one thread from acquisition to release; a mutex hold uses one only while it waits in line
 * behind another process (a free mutex is granted on the caller's thread), but takes a place like any other hold.
 * When all are taken, a new acquisition waits for one to be freed, within its own wait; if none is freed in time it
 * is not acquired (a WARN says so once per episode). Idle threads end after a minute.
 */
final class RecipeThreads implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RecipeThreads.class);

    private final int maxHolds;

    private final Semaphore holds;

    private final ThreadPoolExecutor pool;

    /** Whether the exhaustion was reported since the pool last had a free thread. */
    private final AtomicBoolean exhaustionReported = new AtomicBoolean();

    RecipeThreads(int maxHolds) {
        if (maxHolds < 1) {
            throw new IllegalArgumentException("meshkeeper.lock.max-holds " + maxHolds + " is less than 1; use at "
                    + "least the number of locks this application holds at once (default 256)");
        }
        this.maxHolds = maxHolds;
        this.holds = new Semaphore(maxHolds);
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-lock-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // A cached pool capped at max-holds threads; the permits above bound the holds, so a hand-over finds every
        // thread busy only in the instant a freed thread returns to the pool: then it waits for that thread.
        this.pool = new ThreadPoolExecutor(0, maxHolds, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory,
                (task, executor) -> {
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException("lock threads are shut down (the locks were closed)");
                    }
                    try {
                        executor.getQueue().put(task);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while handing a lock hold to its thread");
                    }
                });
    }

    /**
     * A thread for one new hold, waiting until {@code deadline} (nanoTime) while all {@code max-holds} threads are
     * taken.
     * @param lockPath for the log
     * @throws MaxHoldsReachedException when none was freed in time
     */
    RecipeThread newThread(long deadline, String lockPath) throws InterruptedException, MaxHoldsReachedException {
        reserve(deadline, lockPath);
        return new RecipeThread(this.pool, this.holds::release);
    }

    /**
     * A place for one new hold that needs no thread of its own while held (a mutex hold), waiting until
     * {@code deadline} (nanoTime) while all {@code max-holds} places are taken; {@link #free} gives it back.
     * @param lockPath for the log
     * @throws MaxHoldsReachedException when none was freed in time
     */
    void reserve(long deadline, String lockPath) throws InterruptedException, MaxHoldsReachedException {
        if (!this.holds.tryAcquire()) {
            if (this.exhaustionReported.compareAndSet(false, true)) {
                logger.warn("meshkeeper.lock.max-holds ({}) reached: that many ZooKeeper lock holds are held or being "
                        + "acquired in this process; the lock at {} waits for one to be released (within its own wait). "
                        + "Release leases sooner, or raise meshkeeper.lock.max-holds", this.maxHolds, lockPath);
            }
            if (!this.holds.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new MaxHoldsReachedException(lockPath, this.maxHolds);
            }
        }
        if (this.holds.availablePermits() > 0) {
            this.exhaustionReported.set(false);
        }
    }

    /** Gives back a place taken by {@link #reserve}. */
    void free() {
        this.holds.release();
    }

    /** Runs one blocking recipe call on a pooled thread (within a place taken by {@link #reserve}). */
    <T> CompletableFuture<T> call(Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        this.pool.execute(() -> {
            try {
                result.complete(call.call());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    /** Holds (threads) in use now. */
    int inUse() {
        return this.maxHolds - this.holds.availablePermits();
    }

    @Override
    public void close() {
        this.pool.shutdown();
    }
}
