package dev.meshkeeper.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.zookeeper.data.Stat;

/**
 * {@link SharedCounter} over the replica of its node. Increments of this instance's threads queue up; whichever
 * thread holds the combiner sends all queued increments as one compare-and-set on the version the replica knows
 * (after a conflict, on the version read fresh from the server) and hands each caller its own result.
 */
final class CounterReplica extends SingleNodeReplica<Long> implements SharedCounter {

    /** A counter gives up on a batch after this many lost races (each one a change by another instance). */
    private static final int MAX_ATTEMPTS = 64;

    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ConcurrentLinkedQueue<Increment> queued = new ConcurrentLinkedQueue<>();

    private final ReentrantLock combiner = new ReentrantLock();

    CounterReplica(DataContext context, String name) {
        super(context, name, DataKind.COUNTER, new JsonCodec.CounterCodec(context.mapper));
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public long get() {
        Long value = current().value();
        return (value != null) ? value : 0L;
    }

    @Override
    public Versioned<Long> getVersioned() {
        return versioned();
    }

    @Override
    public Subscription onChange(DataChangeListener<Long> listener) {
        return listen(listener);
    }

    @Override
    public long incrementAndGet(long delta) {
        Increment mine = new Increment(delta);
        this.queued.add(mine);
        boolean interrupted = false;
        while (!mine.done) {
            if (this.combiner.tryLock()) {
                try {
                    while (!mine.done) {
                        combine();
                    }
                }
                finally {
                    this.combiner.unlock();
                }
                // a caller queued meanwhile leads the next batch, instead of waiting to be noticed
                Increment next = this.queued.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
            }
            else {
                // the batch in flight answers within the operation timeout; wake up now and then to check
                LockSupport.parkNanos(this, PARK_NANOS);
                if (Thread.interrupted()) {
                    if (this.queued.remove(mine)) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted before incrementing counter '" + this.name
                                + "'; nothing was written");
                    }
                    // already in a batch in flight: its outcome comes within the operation timeout
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private void combine() {
        List<Increment> batch = new ArrayList<>();
        for (Increment next = this.queued.poll(); next != null; next = this.queued.poll()) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            long sum = 0;
            for (Increment increment : batch) {
                sum = Math.addExact(sum, increment.delta);
            }
            Versioned<Long> known = current();
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                long base = (known.value() != null) ? known.value() : 0L;
                long next = Math.addExact(base, sum);
                byte[] json = this.codec.encode(this.name, this.path, next);
                Stat stat = this.writes.compareAndWrite(this.name, this.path, known.exists() ? known.version() : Versioned.ABSENT,
                        json, this::apply);
                if (stat != null) {
                    long running = base;
                    for (Increment increment : batch) {
                        running += increment.delta;
                        increment.complete(running, null);
                    }
                    return;
                }
                known = fresh();
            }
            throw new UpdateConflictException(this.name, MAX_ATTEMPTS);
        }
        catch (RuntimeException ex) {
            batch.forEach(increment -> increment.complete(0, ex));
        }
    }

    @Override
    public String toString() {
        return "SharedCounter[" + this.name + "=" + get() + "]";
    }

    /** One caller's increment, completed by whichever thread sent it. */
    private static final class Increment {

        final long delta;

        final Thread caller = Thread.currentThread();

        volatile boolean done;

        long result;

        RuntimeException failure;

        Increment(long delta) {
            this.delta = delta;
        }

        void complete(long result, RuntimeException failure) {
            this.result = result;
            this.failure = failure;
            this.done = true;
            LockSupport.unpark(this.caller);
        }
    }
}
