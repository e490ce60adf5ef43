package dev.meshkeeper.lock;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.state.ConnectionState;

/** The {@link LockLease} handed to callers; releasing goes back to the lock that granted it. */
final class GrantedLease implements LockLease {

    enum State {
        VALID, LOST, RELEASED
    }

    private final Object eventSource;

    private final String name;

    private final String meterName;

    private final long token;

    private final Instant acquiredAt;

    private final Thread holder;

    private final Runnable release;

    private final AtomicReference<State> state = new AtomicReference<>(State.VALID);

    private final List<LockLostListener> listeners = new CopyOnWriteArrayList<>();

    private volatile LockLostEvent lost;

    private final List<Runnable> onClose = new CopyOnWriteArrayList<>();

    GrantedLease(Object eventSource, String name, String meterName, long token, Instant acquiredAt, Thread holder,
            Runnable release) {
        this.eventSource = eventSource;
        this.name = name;
        this.meterName = meterName;
        this.token = token;
        this.acquiredAt = acquiredAt;
        this.holder = holder;
        this.release = release;
    }

    @Override
    public String name() {
        return this.name;
    }

    /** The bounded name the lock meters tag this lease with. */
    String meterName() {
        return this.meterName;
    }

    @Override
    public long fencingToken() {
        return this.token;
    }

    @Override
    public boolean isValid() {
        return this.state.get() == State.VALID;
    }

    State state() {
        return this.state.get();
    }

    @Override
    public Instant acquiredAt() {
        return this.acquiredAt;
    }

    Thread holder() {
        return this.holder;
    }

    /** Adds bookkeeping to run when the lease is released. */
    void onClose(Runnable onClose) {
        this.onClose.add(onClose);
    }

    @Override
    public void onLost(LockLostListener listener) {
        this.listeners.add(listener);
        LockLostEvent event = this.lost;
        if (event != null && this.listeners.remove(listener)) {
            listener.lockLost(event);
        }
    }

    /** Voids the lease once; returns the event when this call did it. */
    LockLostEvent markLost(ConnectionState cause) {
        if (!this.state.compareAndSet(State.VALID, State.LOST)) {
            return null;
        }
        LockLostEvent event = new LockLostEvent(this.eventSource, this.name, this.token, cause);
        this.lost = event;
        for (LockLostListener listener : this.listeners) {
            if (this.listeners.remove(listener)) {
                listener.lockLost(event);
            }
        }
        return event;
    }

    /** Marks the lease released without releasing the hold (the hold moved on, e.g. by a downgrade). */
    boolean retire() {
        if (this.state.getAndSet(State.RELEASED) == State.RELEASED) {
            return false;
        }
        this.onClose.forEach(Runnable::run);
        return true;
    }

    @Override
    public void close() {
        if (retire()) {
            this.release.run();
        }
    }

    @Override
    public String toString() {
        return "LockLease[" + this.name + ", token " + this.token + ", " + this.state.get() + "]";
    }
}
