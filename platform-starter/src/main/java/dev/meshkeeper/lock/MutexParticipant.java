package dev.meshkeeper.lock;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's single participant in one ZooKeeper mutex. Local threads take turns on a fair local semaphore
 * first; only the thread whose turn it is talks to ZooKeeper, so however many threads contend, the process has at
 * most one lock node (and one watch) for the name. While local threads are waiting, the ZooKeeper hold is kept and
 * handed to the next one; each hand-off writes the new holder into the lock node, and the zxid of that write is
 * the new lease's fencing token. After {@value #MAX_LOCAL_HAND_OFFS} hand-offs the hold is released so that other
 * processes queued in ZooKeeper get their turn.
 */
final class MutexParticipant implements ClusterLock {

    private static final Logger logger = LoggerFactory.getLogger(MutexParticipant.class);


    /** Local hand-offs before the hold goes back to ZooKeeper, so that other processes get their turn. */
    static final int MAX_LOCAL_HAND_OFFS = 16;

    private final DistributedLocks locks;

    private final String name;

    private final String path;

    private final String pattern;

    private final Semaphore turn = new Semaphore(1, true);

    /** Threads waiting for or holding a lease here. Guarded by {@code this}. */
    private int interested;

    /** The ZooKeeper lock this process holds, kept between local hand-offs. Guarded by {@code this}. */
    private MutexHold hold;

    /**
     * Whether this participant went idle and left the registry of {@link DistributedLocks} (so that per-key locks do
     * not accumulate); callers still holding it are sent to the current one. Guarded by {@code this}.
     */
    private boolean retired;

    MutexParticipant(DistributedLocks locks, String name, String path, String pattern) {
        this.locks = locks;
        this.name = name;
        this.path = path;
        this.pattern = pattern;
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
        boolean retiredAlready;
        synchronized (this) {
            retiredAlready = this.retired;
            if (!retiredAlready) {
                this.interested++;
            }
        }
        if (retiredAlready) {
            return this.locks.mutex(this.name, this.pattern).tryAcquire(remainingWait(deadline));
        }
        boolean turnHeld = false;
        GrantedLease lease = null;
        String outcome = "timeout";
        try {
            turnHeld = this.turn.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS);
            if (turnHeld) {
                lease = grant(deadline);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            outcome = "error";
            logger.warn("Could not acquire lock '{}' at {}: {}", this.name, this.path, ex.toString());
        }
        finally {
            if (lease == null) {
                leave(turnHeld);
            }
        }
        if (lease != null) {
            outcome = "acquired";
        }
        this.locks.recordAcquire(sample, this.pattern, outcome);
        return Optional.ofNullable(lease);
    }

    /** Called with the turn held: reuses the process's ZooKeeper hold or acquires one. */
    private GrantedLease grant(long deadline) throws Exception {
        long epoch = this.locks.epoch();
        byte[] data = this.locks.holderData();
        MutexHold current;
        synchronized (this) {
            current = this.hold;
        }
        Long token = null;
        if (current != null) {
            if (current.epoch() == epoch && this.locks.isConnected()) {
                token = current.handOff(data, deadline);
            }
            if (token == null) {
                synchronized (this) {
                    this.hold = null;
                }
                current.release();
                current = null;
            }
        }
        if (current == null) {
            current = MutexHold.acquire(this.locks, this.path, data, deadline, epoch);
            if (current == null) {
                return null;
            }
            synchronized (this) {
                this.hold = current;
            }
            token = current.token();
        }
        GrantedLease lease = new GrantedLease(this.locks, this.name, this.pattern, token, Instant.now(),
                Thread.currentThread(), () -> leave(true));
        return this.locks.grant(lease, epoch) ? lease : null;
    }

    /**
     * A thread is done here: it released its lease, or gave up waiting. The ZooKeeper hold is kept only while
     * other local threads still want it and the connection has not been interrupted since it was taken.
     */
    private void leave(boolean turnHeld) {
        MutexHold release = null;
        boolean releaseTurn = false;
        synchronized (this) {
            this.interested--;
            if (turnHeld) {
                if (this.hold != null && (this.interested == 0 || this.hold.epoch() != this.locks.epoch()
                        || this.hold.handOffs() >= MAX_LOCAL_HAND_OFFS || !this.locks.isConnected())) {
                    release = this.hold;
                    this.hold = null;
                }
                if (release == null) {
                    // inside the monitor, so that a waiter giving up now sees either the turn or the count
                    this.turn.release();
                }
                else {
                    releaseTurn = true;
                }
            }
            else if (this.interested == 0 && this.hold != null && this.turn.tryAcquire()) {
                release = this.hold;
                this.hold = null;
                releaseTurn = true;
            }
        }
        if (release != null) {
            release.release();
        }
        if (releaseTurn) {
            this.turn.release();
        }
        synchronized (this) {
            if (this.interested == 0 && this.hold == null && this.turn.availablePermits() == 1 && !this.retired) {
                this.retired = true;
                this.locks.forget(this.name, this);
            }
        }
    }

    /** Local threads waiting for this lock now. */
    synchronized int waiting() {
        return Math.max(0, this.interested - (this.turn.availablePermits() == 0 ? 1 : 0));
    }

    private static Duration remainingWait(long deadline) {
        return Duration.ofNanos(remaining(deadline));
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
