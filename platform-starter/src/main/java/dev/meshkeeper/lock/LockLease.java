package dev.meshkeeper.lock;

import java.time.Instant;
import java.util.Optional;

/**
 * A granted lock: held until {@link #close()}. Not bound to a thread: any thread may close it.
 * <p>
 * <b>On connection loss.</b> The lease becomes invalid the moment the ZooKeeper connection is SUSPENDED (not only
 * when the session is LOST) and never becomes valid again, even if the connection comes back with the same
 * session: ZooKeeper cannot tell how long the holder was cut off, so another process may already hold the lock.
 * Listeners registered with {@link #onLost(LockLostListener)} and {@link LockLostEvent} listeners hear of it once.
 * A holder that keeps working after that must rely on the {@link #fencingToken() fencing token}.
 */
public interface LockLease extends AutoCloseable {

    /** The lock's name, as given to {@link DistributedLocks}. */
    String name();

    /**
     * A number that is strictly greater than the token of every lease granted before this one for the same lock
     * name, by any process and any thread, including local hand-offs between threads of one process. It is a
     * ZooKeeper transaction id, so it survives restarts of ZooKeeper and the reaping of empty lock nodes. Pass it
     * to the resource you protect and have the resource refuse any write with a token lower than one it has seen.
     */
    long fencingToken();

    /** Whether the lease is still held and the connection has not been suspended since it was granted. */
    boolean isValid();

    /** When the lease was granted. */
    Instant acquiredAt();

    /**
     * Registers a listener called once when the lease is lost (connection suspended or session lost) while held.
     * A listener added after the loss is called at once. Listeners run on Curator's connection-state thread: keep
     * them short.
     */
    void onLost(LockLostListener listener);

    /**
     * The lease that {@link DistributedLock @DistributedLock} holds for the annotated method running on the calling
     * thread (the innermost one when annotated methods call each other), so the method can pass its
     * {@link #fencingToken() fencing token} on. Empty outside such a method, and on other threads the method starts.
     */
    static Optional<LockLease> current() {
        return DistributedLockInterceptor.current();
    }

    /**
     * Releases the lease. Idempotent; never throws. A mutex lease sends its release to ZooKeeper and returns without
     * waiting for the answer: ZooKeeper applies it before any later request of this application, so this
     * application's next acquisition finds the lock free, and other applications are told by their watch. A read,
     * write or semaphore lease waits for its release while connected.
     */
    @Override
    void close();
}
