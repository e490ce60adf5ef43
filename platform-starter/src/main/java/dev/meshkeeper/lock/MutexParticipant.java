package dev.meshkeeper.lock;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * This process's single participant in one ZooKeeper mutex. Local threads take turns on a fair local semaphore
 * first; only the thread whose turn it is talks to ZooKeeper, so however many threads contend, the process has at
 * most one lock node (and one watch) for the name. While local threads are waiting, the ZooKeeper hold is kept and
 * handed to the next one; each hand-off writes the new holder into the lock node, and the zxid of that write is
 * the new lease's fencing token. After {@value #MAX_LOCAL_HAND_OFFS} hand-offs the hold is released so that other
 * processes queued in ZooKeeper get their turn.
 */
final class MutexParticipant extends LeasedLock {

    /** Local hand-offs before the hold goes back to ZooKeeper, so that other processes get their turn. */
    static final int MAX_LOCAL_HAND_OFFS = 16;

    private final Semaphore turn = new Semaphore(1, true);

    /** Called once when this participant goes idle, so that per-key locks do not accumulate. */
    private final Consumer<MutexParticipant> idle;

    /** The participant in use for this name now (after this one retired). */
    private final Supplier<MutexParticipant> current;

    /** Threads waiting for or holding a lease here. Guarded by {@code this}. */
    private int interested;

    /** The ZooKeeper lock this process holds, kept between local hand-offs. Guarded by {@code this}. */
    private MutexHold hold;

    /**
     * Whether this participant went idle and left its registry (so that per-key locks do not accumulate); callers
     * still holding it are sent to the current one. Guarded by {@code this}.
     */
    private boolean retired;

    MutexParticipant(LockContext context, String name, String path, String meterName,
            Consumer<MutexParticipant> idle, Supplier<MutexParticipant> current) {
        super(context, name, path, meterName);
        this.idle = idle;
        this.current = current;
    }

    @Override
    Hold attempt(long deadline, long epoch, byte[] holderData) throws Exception {
        boolean retiredAlready;
        synchronized (this) {
            retiredAlready = this.retired;
            if (!retiredAlready) {
                this.interested++;
            }
        }
        if (retiredAlready) {
            return this.current.get().attempt(deadline, epoch, holderData);
        }
        boolean turnHeld = false;
        Hold granted = null;
        try {
            turnHeld = this.turn.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (turnHeld) {
                granted = hold(deadline, epoch, holderData);
            }
        }
        finally {
            if (granted == null) {
                leave(turnHeld);
            }
        }
        return granted;
    }

    /** Called with the turn held: reuses the process's ZooKeeper hold or acquires one. */
    private Hold hold(long deadline, long epoch, byte[] data) throws Exception {
        MutexHold existing;
        synchronized (this) {
            existing = this.hold;
        }
        Long token = null;
        if (existing != null) {
            if (existing.epoch() == epoch && this.context.leases().isConnected()) {
                token = existing.handOff(data, deadline);
            }
            if (token == null) {
                synchronized (this) {
                    this.hold = null;
                }
                existing.release();
                existing = null;
            }
        }
        if (existing == null) {
            existing = MutexHold.acquire(this.context, this.path, data, deadline, epoch);
            if (existing == null) {
                return null;
            }
            synchronized (this) {
                this.hold = existing;
            }
            token = existing.token();
        }
        return new Turn(token);
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
                if (this.hold != null && (this.interested == 0 || this.hold.epoch() != this.context.leases().epoch()
                        || this.hold.handOffs() >= MAX_LOCAL_HAND_OFFS || !this.context.leases().isConnected())) {
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
                this.idle.accept(this);
            }
        }
    }

    /** Local threads waiting for this lock now. */
    synchronized int waiting() {
        return Math.max(0, this.interested - (this.turn.availablePermits() == 0 ? 1 : 0));
    }

    /** One local thread's turn on the process's hold; releasing it passes the turn on. */
    private final class Turn implements Hold {

        private final long token;

        Turn(long token) {
            this.token = token;
        }

        @Override
        public long token() {
            return this.token;
        }

        @Override
        public void release() {
            leave(true);
        }
    }
}
