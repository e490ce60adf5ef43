package dev.meshkeeper.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Distributed locks on the application's single {@link CuratorFramework}, built on Curator's recipes: mutexes
 * ({@code InterProcessMutex}), read-write locks ({@code InterProcessReadWriteLock}) and semaphores
 * ({@code InterProcessSemaphoreV2}), all under {@code meshkeeper.lock.root} (default {@code /meshkeeper/locks}).
 * <p>
 * Guarantees:
 * <ul>
 * <li>Every granted {@link LockLease} carries a fencing token strictly greater than that of every lease granted
 * before it for the same name (a ZooKeeper zxid).</li>
 * <li>A mutex has one ZooKeeper participant per process: local threads queue locally and the process's lock node
 * is handed between them.</li>
 * <li>Each lock node holds JSON naming its holder ({@code instanceId}, {@code thread}, {@code acquiredAt}), so any
 * ZooKeeper client can show who holds and who waits.</li>
 * <li>When the connection is SUSPENDED or LOST every lease of this process becomes invalid at once and is
 * signalled ({@link LockLease#onLost}, {@link LockLostEvent}, and an interrupt of the holding thread when
 * {@code meshkeeper.lock.interrupt-on-loss=true}). While the connection is down no lease is granted and
 * {@code tryAcquire} returns empty at once; a {@code tryAcquire} waiting for the holder when the connection is
 * suspended returns empty at that moment, whatever is left of its wait.</li>
 * <li>Creating a mutex's lock node waits at most {@code meshkeeper.zookeeper.operation-timeout} (then the lock is
 * not acquired); a node whose creation the caller gave up on is deleted as soon as its creation completes, so it
 * never queues ahead of other participants (lock nodes are created in Curator's protected mode, which also finds
 * and deletes a node whose creation failed with a lost connection).</li>
 * </ul>
 * Lock names are single znode names: not empty, no {@code /}.
 */
public class DistributedLocks implements ConnectionStateListener, AutoCloseable {

    /** How long one round of a blocking acquire waits before it checks the connection and interruption again. */
    private static final Duration BLOCKING_ROUND = Duration.ofSeconds(10);

    private static final Logger logger = LoggerFactory.getLogger(DistributedLocks.class);

    private static final Duration RELEASE_WAIT = Duration.ofSeconds(3);

    private final CuratorFramework curator;

    private final String root;

    private final boolean interruptOnLoss;

    private final Supplier<String> instanceId;

    private final BooleanSupplier connected;

    private final ApplicationEventPublisher publisher;

    private final MeterRegistry meters;

    private final ObjectMapper json = new ObjectMapper();

    private final ExecutorService recipeThreads;

    private final ConcurrentMap<String, MutexParticipant> mutexes = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, RecipeReadWriteLock> readWriteLocks = new ConcurrentHashMap<>();

    private final Set<GrantedLease> held = ConcurrentHashMap.newKeySet();

    /** Connection interruptions (SUSPENDED or LOST) seen so far: a hold taken in an older epoch is void. */
    private final AtomicLong epoch = new AtomicLong();

    /** Completed at the next connection interruption, so that waits end at once. */
    private final AtomicReference<Interruption> interruption = new AtomicReference<>(
            new Interruption(0, new CompletableFuture<>()));

    private final Duration operationTimeout;

    /**
     * @param curator the application's client (this class listens to its connection state, never opens one)
     * @param properties root and interrupt-on-loss
     * @param instanceId the holder name written into lock nodes (the application's registration id)
     * @param connected whether the connection is up now (the connection monitor's view); no lease is granted
     * while it is false
     * @param publisher where {@link LockLostEvent}s go
     * @param meters where the lock meters go
     */
    public DistributedLocks(CuratorFramework curator, LockProperties properties, Supplier<String> instanceId,
            BooleanSupplier connected, ApplicationEventPublisher publisher, MeterRegistry meters) {
        this(curator, properties, instanceId, connected, publisher, meters, Duration.ofSeconds(1));
    }

    /**
     * @param curator the application's client (this class listens to its connection state, never opens one)
     * @param properties root and interrupt-on-loss
     * @param instanceId the holder name written into lock nodes (the application's registration id)
     * @param connected whether the connection is up now (the connection monitor's view); no lease is granted
     * while it is false
     * @param publisher where {@link LockLostEvent}s go
     * @param meters where the lock meters go
     * @param operationTimeout the longest a lock node's creation is waited for
     * ({@code meshkeeper.zookeeper.operation-timeout})
     */
    public DistributedLocks(CuratorFramework curator, LockProperties properties, Supplier<String> instanceId,
            BooleanSupplier connected, ApplicationEventPublisher publisher, MeterRegistry meters,
            Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
        this.curator = curator;
        this.root = properties.getRoot();
        try {
            PathUtils.validatePath(this.root);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("meshkeeper.lock.root '" + this.root + "' is not a znode path ("
                    + ex.getMessage() + "); use an absolute path such as /meshkeeper/locks", ex);
        }
        this.interruptOnLoss = properties.isInterruptOnLoss();
        this.instanceId = instanceId;
        this.connected = connected;
        this.publisher = publisher;
        this.meters = meters;
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-lock-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.recipeThreads = Executors.newCachedThreadPool(factory);
        curator.getConnectionStateListenable().addListener(this);
    }

    /**
     * The mutex of this name (one per process, shared by all threads).
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    public ClusterLock mutex(String name) {
        return mutex(name, name);
    }

    /** An idle mutex participant leaves the registry; the next use of the name creates a fresh one. */
    void forget(String name, MutexParticipant participant) {
        this.mutexes.remove(name, participant);
    }

    ClusterLock mutex(String name, String pattern) {
        MutexParticipant existing = this.mutexes.get(name);
        if (existing != null) {
            return existing;
        }
        String path = path(name);
        return this.mutexes.computeIfAbsent(name, key -> new MutexParticipant(this, key, path, pattern));
    }

    /**
     * The read-write lock of this name. Its nodes live under the name's path, separate from a mutex of the same
     * name only by convention: do not use one name for two kinds of lock.
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    public ReadWriteClusterLock readWrite(String name) {
        RecipeReadWriteLock existing = this.readWriteLocks.get(name);
        if (existing != null) {
            return existing;
        }
        String path = path(name);
        return this.readWriteLocks.computeIfAbsent(name, key -> new RecipeReadWriteLock(this, key, path));
    }

    /**
     * A counting semaphore: at most {@code permits} leases at once across the cluster. All users of a name must
     * agree on {@code permits}.
     * @throws IllegalArgumentException when the name is illegal or {@code permits < 1}
     */
    public ClusterLock semaphore(String name, int permits) {
        String path = path(name);
        if (permits < 1) {
            throw new IllegalArgumentException("semaphore '" + name + "' needs at least 1 permit, got " + permits);
        }
        return new RecipeLock(this, name, path, name, data -> new SemaphoreLock(this.curator, path, permits, data),
                (lease, held) -> {
                });
    }

    /** The znode path of a lock name; validates the name. */
    String path(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("lock name '" + name + "' is empty; give each lock a name such as "
                    + "'stock-42' (for @DistributedLock, check that the key expression yields a non-empty value)");
        }
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("lock name '" + name + "' contains '/'; a lock name is one znode "
                    + "name under " + this.root + ": use '-' or ':' to separate its parts");
        }
        String path = ZKPaths.makePath(this.root, name);
        try {
            PathUtils.validatePath(path);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "lock name '" + name + "' is not a valid znode name (" + ex.getMessage() + "); use letters, "
                            + "digits, '-', '_', '.', ':'",
                    ex);
        }
        return path;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        if (newState != ConnectionState.SUSPENDED && newState != ConnectionState.LOST) {
            return;
        }
        long current = this.epoch.incrementAndGet();
        this.interruption.getAndSet(new Interruption(current, new CompletableFuture<>())).signal().complete(null);
        List<String> lost = new ArrayList<>();
        for (GrantedLease lease : this.held) {
            LockLostEvent event = lease.markLost(newState);
            if (event == null) {
                continue;
            }
            lost.add(lease.name());
            Counter.builder("meshkeeper.lock.lost").description("Lock leases lost to a connection problem")
                    .tag("lock", lease.pattern()).register(this.meters).increment();
            this.publisher.publishEvent(event);
            if (this.interruptOnLoss) {
                // last, so that the interrupted holder finds its loss already announced
                lease.holder().interrupt();
            }
        }
        if (!lost.isEmpty()) {
            logger.warn("ZooKeeper connection {}: lock leases {} are no longer valid; their holders must stop "
                    + "(fencing tokens let protected resources refuse late writes)", newState, lost);
        }
    }

    /** Releases the leases still held and frees the recipe threads. */
    @Override
    public void close() {
        this.curator.getConnectionStateListenable().removeListener(this);
        for (GrantedLease lease : this.held) {
            lease.close();
        }
        this.recipeThreads.shutdown();
    }

    // --- for the lock implementations of this package

    CuratorFramework curator() {
        return this.curator;
    }

    long epoch() {
        return this.epoch.get();
    }

    Duration operationTimeout() {
        return this.operationTimeout;
    }

    /** Completes at the first connection interruption after {@code epoch} (at once if there was one already). */
    CompletableFuture<Void> interruptionAfter(long epoch) {
        Interruption current = this.interruption.get();
        return (current.epoch() == epoch) ? current.signal() : CompletableFuture.completedFuture(null);
    }

    /**
     * The blocking acquire of every lock: bounded {@code tryAcquire} rounds while connected, waiting for the
     * connection while it is down, until granted or interrupted.
     */
    LockLease acquireBlocking(ClusterLock lock) throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for lock '" + lock.name() + "'");
            }
            if (!isConnected()) {
                awaitConnected(Duration.ofSeconds(1));
                continue;
            }
            Optional<LockLease> lease = lock.tryAcquire(BLOCKING_ROUND);
            if (lease.isPresent()) {
                return lease.get();
            }
        }
    }

    boolean isConnected() {
        return this.connected.getAsBoolean();
    }

    void awaitConnected(Duration wait) throws InterruptedException {
        this.curator.blockUntilConnected((int) wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    RecipeThread newRecipeThread() {
        return new RecipeThread(this.recipeThreads);
    }

    byte[] holderData() {
        Map<String, String> holder = new LinkedHashMap<>();
        holder.put("instanceId", this.instanceId.get());
        holder.put("thread", Thread.currentThread().getName());
        holder.put("acquiredAt", Instant.now().toString());
        try {
            return this.json.writeValueAsBytes(holder);
        }
        catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write lock holder " + holder, ex);
        }
    }

    /**
     * Registers a granted lease, unless the connection was interrupted since the acquisition began (then the
     * caller releases the hold and reports the lock as not acquired).
     */
    boolean grant(GrantedLease lease, long epochAtStart) {
        this.held.add(lease);
        if (this.epoch.get() != epochAtStart || !isConnected()) {
            this.held.remove(lease);
            return false;
        }
        LongTaskTimer.Sample holding = LongTaskTimer.builder("meshkeeper.lock.held")
                .description("Time lock leases of this instance are held").tag("lock", lease.pattern())
                .register(this.meters).start();
        lease.onClose(() -> {
            this.held.remove(lease);
            holding.stop();
        });
        return true;
    }

    Timer.Sample startAcquireTimer() {
        return Timer.start(this.meters);
    }

    void recordAcquire(Timer.Sample sample, String pattern, String outcome) {
        sample.stop(Timer.builder("meshkeeper.lock.acquire").description("Time to acquire a lock, by outcome")
                .tag("lock", pattern).tag("outcome", outcome).register(this.meters));
    }

    /** Waits for a release to reach ZooKeeper while connected; otherwise Curator finishes it in the background. */
    void awaitRelease(CompletableFuture<?> released, String path) {
        if (!isConnected()) {
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

    /**
     * Waits for a pending acquisition until {@code deadline} (nanoTime) or until {@code interrupted} completes (the
     * connection was suspended). Then the acquisition is abandoned: if it still succeeds later, {@code abandon}
     * releases it. Returns {@code null} when abandoned.
     */
    static <T> T await(CompletableFuture<T> pending, long deadline, CompletableFuture<?> interrupted,
            Consumer<T> abandon) throws Exception {
        try {
            CompletableFuture.anyOf(pending, interrupted).get(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            if (!pending.isDone()) {
                throw new TimeoutException("connection interrupted");
            }
            return pending.get();
        }
        catch (TimeoutException | InterruptedException ex) {
            pending.whenComplete((value, failure) -> {
                if (value != null) {
                    abandon.accept(value);
                }
            });
            if (ex instanceof InterruptedException) {
                throw ex;
            }
            return null;
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw ex;
        }
    }

    // --- for the endpoint

    List<Map<String, Object>> heldLeases() {
        List<Map<String, Object>> leases = new ArrayList<>();
        this.held.stream().sorted(Comparator.comparing(GrantedLease::acquiredAt)).forEach(lease -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", lease.name());
            entry.put("token", lease.fencingToken());
            entry.put("since", lease.acquiredAt().toString());
            entry.put("valid", lease.isValid());
            entry.put("thread", lease.holder().getName());
            leases.add(entry);
        });
        return leases;
    }

    /** Mutex participants alive now (idle ones leave). */
    int participants() {
        return this.mutexes.size();
    }

    Map<String, Integer> waiters() {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        this.mutexes.forEach((name, mutex) -> {
            int count = mutex.waiting();
            if (count > 0) {
                waiting.put(name, count);
            }
        });
        return waiting;
    }

    private record Interruption(long epoch, CompletableFuture<Void> signal) {
    }

    /** A semaphore permit seen as a lock, so that semaphores share the lease machinery. */
    private static final class SemaphoreLock implements InterProcessLock {

        private final InterProcessSemaphoreV2 semaphore;

        private volatile Lease lease;

        SemaphoreLock(CuratorFramework curator, String path, int permits, byte[] data) {
            this.semaphore = new InterProcessSemaphoreV2(curator, path, permits);
            this.semaphore.setNodeData(data);
        }

        @Override
        public void acquire() throws Exception {
            this.lease = this.semaphore.acquire();
        }

        @Override
        public boolean acquire(long time, TimeUnit unit) throws Exception {
            this.lease = this.semaphore.acquire(time, unit);
            return this.lease != null;
        }

        @Override
        public void release() throws Exception {
            Lease current = this.lease;
            this.lease = null;
            if (current != null) {
                current.close();
            }
        }

        @Override
        public boolean isAcquiredInThisProcess() {
            return this.lease != null;
        }
    }
}
