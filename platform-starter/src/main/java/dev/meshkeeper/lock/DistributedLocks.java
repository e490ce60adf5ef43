package dev.meshkeeper.lock;

import org.apache.curator.framework.CuratorFramework;

/**
 * Distributed locks on the application's single {@link CuratorFramework}, built on Curator's recipes: mutexes
 * ({@code InterProcessMutex}), read-write locks ({@code InterProcessReadWriteLock}) and semaphores
 * ({@code InterProcessSemaphoreV2}), all under {@code meshkeeper.lock.root} (default {@code /meshkeeper/locks}).
 * The starter provides one bean of this type ({@code CuratorDistributedLocks}); outside a Spring application build
 * one with {@code CuratorDistributedLocks.builder(curator)}.
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
public interface DistributedLocks extends AutoCloseable {

    /**
     * The {@code lock} tag of the lock meters for a lock obtained without a meter name. Lock names are often
     * per-key ({@code "stock-" + sku}); tagging meters with them would create meters without bound.
     */
    String UNNAMED_METER = "unnamed";

    /**
     * The mutex of this name (one per process, shared by all threads); its meters are tagged
     * {@code lock=}{@value #UNNAMED_METER}: use {@link #mutex(String, String)} to tell locks apart in metrics.
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    default ClusterLock mutex(String name) {
        return mutex(name, UNNAMED_METER);
    }

    /**
     * The mutex of this name, its meters tagged {@code lock=meterName}: a bounded name for a family of locks (e.g.
     * {@code "stock"} for {@code "stock-" + sku}), never the per-key name itself.
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    ClusterLock mutex(String name, String meterName);

    /**
     * The read-write lock of this name. Its nodes live under the name's path, separate from a mutex of the same
     * name only by convention: do not use one name for two kinds of lock. Its meters are tagged
     * {@code lock=unnamed:read} and {@code lock=unnamed:write}.
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    default ReadWriteClusterLock readWrite(String name) {
        return readWrite(name, UNNAMED_METER);
    }

    /**
     * The read-write lock of this name, its meters tagged {@code lock=meterName:read} and
     * {@code lock=meterName:write}.
     * @throws IllegalArgumentException when the name is empty or contains {@code /}
     */
    ReadWriteClusterLock readWrite(String name, String meterName);

    /**
     * A counting semaphore: at most {@code permits} leases at once across the cluster. All users of a name must
     * agree on {@code permits}. Its meters are tagged {@code lock=}{@value #UNNAMED_METER}.
     * @throws IllegalArgumentException when the name is illegal or {@code permits < 1}
     */
    default ClusterLock semaphore(String name, int permits) {
        return semaphore(name, permits, UNNAMED_METER);
    }

    /**
     * A counting semaphore, its meters tagged {@code lock=meterName}.
     * @throws IllegalArgumentException when the name is illegal or {@code permits < 1}
     */
    ClusterLock semaphore(String name, int permits, String meterName);

    /** Releases the leases still held and frees the threads that pin them. */
    @Override
    void close();
}
