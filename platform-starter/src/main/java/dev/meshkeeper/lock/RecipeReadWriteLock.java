package dev.meshkeeper.lock;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;

/**
 * Curator's {@link InterProcessReadWriteLock} under one name. A downgrade acquires the read lock on the write
 * lease's own thread and only then releases the write lock, so no writer can slip in between.
 */
final class RecipeReadWriteLock implements ReadWriteClusterLock {

    private final LockContext context;

    private final String name;

    private final String path;

    private final Map<LockLease, Writer> writers = new ConcurrentHashMap<>();

    private final ClusterLock readLock;

    private final ClusterLock writeLock;

    private final String meterName;

    RecipeReadWriteLock(LockContext context, String name, String path, String meterName) {
        this.meterName = meterName;
        this.context = context;
        this.name = name;
        this.path = path;
        this.readLock = new RecipeLock(context, name, path, meterName + ":read",
                data -> new InterProcessReadWriteLock(context.curator(), path, data).readLock(), (lease, held) -> {
                });
        this.writeLock = new RecipeLock(context, name, path, meterName + ":write", data -> {
            InterProcessReadWriteLock lock = new InterProcessReadWriteLock(context.curator(), path, data);
            return new WriteLockOf(lock);
        }, (lease, held) -> {
            this.writers.put(lease, new Writer(held, ((WriteLockOf) held.lock()).readWrite()));
            lease.onClose(() -> this.writers.remove(lease));
        });
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public ClusterLock readLock() {
        return this.readLock;
    }

    @Override
    public ClusterLock writeLock() {
        return this.writeLock;
    }

    @Override
    public Optional<LockLease> downgrade(LockLease writeLease, Duration wait) {
        Writer writer = this.writers.get(writeLease);
        if (writer == null || !writeLease.isValid()) {
            throw new IllegalArgumentException(writeLease + " is not a valid write lease of lock '" + this.name
                    + "'; downgrade the write lease this lock granted, before closing it");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        long epoch = this.context.leases().epoch();
        byte[] data = this.context.holderData();
        var read = writer.readWrite().readLock();
        Long token;
        try {
            token = writer.held().hold().acquire(read, data, deadline, epoch);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        catch (Exception ex) {
            return Optional.empty();
        }
        if (token == null) {
            return Optional.empty();
        }
        GrantedLease readLease = new GrantedLease(this.context.eventSource(), this.name, this.meterName + ":read", token,
                this.context.clock().instant(), Thread.currentThread(), () -> writer.held().hold().release(read));
        if (!this.context.leases().grant(readLease, epoch)) {
            writer.held().hold().release(read);
            return Optional.empty();
        }
        writeLease.close();
        return Optional.of(readLease);
    }

    private record Writer(RecipeLock.Granted held, InterProcessReadWriteLock readWrite) {
    }

    /** The write lock of one {@link InterProcessReadWriteLock}, remembering the pair for a downgrade. */
    private record WriteLockOf(InterProcessReadWriteLock readWrite)
            implements org.apache.curator.framework.recipes.locks.InterProcessLock {

        @Override
        public void acquire() throws Exception {
            this.readWrite.writeLock().acquire();
        }

        @Override
        public boolean acquire(long time, java.util.concurrent.TimeUnit unit) throws Exception {
            return this.readWrite.writeLock().acquire(time, unit);
        }

        @Override
        public void release() throws Exception {
            this.readWrite.writeLock().release();
        }

        @Override
        public boolean isAcquiredInThisProcess() {
            return this.readWrite.writeLock().isAcquiredInThisProcess();
        }
    }
}
