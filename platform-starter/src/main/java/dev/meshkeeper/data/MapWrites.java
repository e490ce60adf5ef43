package dev.meshkeeper.data;

import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.data.Stat;

/**
 * The write side of a {@link MapReplica}: every write is a compare-and-set of one entry's znode, applied to the
 * replica as soon as the server confirms it, and retried up to {@code meshkeeper.data.update-attempts} times where
 * the operation allows.
 */
final class MapWrites<V> {

    private final MapReplica<V> replica;

    private final JsonCodec<V> codec;

    private final DataContext context;

    private final ConditionalWrites writes;

    private final String name;

    MapWrites(MapReplica<V> replica, JsonCodec<V> codec) {
        this.replica = replica;
        this.codec = codec;
        this.context = replica.context;
        this.writes = replica.writes;
        this.name = replica.name;
    }

    Versioned<V> put(String key, V value) {
        String znode = this.context.paths.entry(this.name, key);
        byte[] json = this.codec.encode(label(key), znode, value);
        int attempts = this.context.properties.getUpdateAttempts();
        for (int attempt = 0; attempt < attempts; attempt++) {
            boolean known = this.replica.known(key) != null;
            int expected = (known == (attempt % 2 == 0)) ? ConditionalWrites.ANY_VERSION : Versioned.ABSENT;
            if (expected == Versioned.ABSENT) {
                checkRoom(key);
            }
            Stat stat = this.writes.compareAndWrite(label(key), znode, expected, json,
                    (written, data) -> this.replica.apply(key, written, data), true);
            if (stat != null) {
                return versioned(value, stat);
            }
        }
        throw new UpdateConflictException(label(key), attempts);
    }

    CasResult<V> compareAndSet(String key, int expectedVersion, V value) {
        String znode = this.context.paths.entry(this.name, key);
        byte[] json = this.codec.encode(label(key), znode, value);
        if (expectedVersion == Versioned.ABSENT) {
            checkRoom(key);
        }
        Stat stat = this.writes.compareAndWrite(label(key), znode, expectedVersion, json,
                (written, data) -> this.replica.apply(key, written, data), true);
        if (stat != null) {
            return new CasResult<>(true, versioned(value, stat));
        }
        return new CasResult<>(false, fresh(key, znode));
    }

    boolean replace(String key, V expected, V replacement) {
        String znode = this.context.paths.entry(this.name, key);
        Versioned<V> known = this.replica.known(key);
        int attempts = this.context.properties.getUpdateAttempts();
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (known == null || !known.exists() || !this.codec.sameJson(known.value(), expected)) {
                known = fresh(key, znode);
                if (!known.exists() || !this.codec.sameJson(known.value(), expected)) {
                    return false;
                }
            }
            CasResult<V> result = compareAndSet(key, known.version(), replacement);
            if (result.applied()) {
                return true;
            }
            known = result.current();
        }
        throw new UpdateConflictException(label(key), attempts);
    }

    Versioned<V> update(String key, UnaryOperator<V> function) {
        this.context.paths.entry(this.name, key);
        Versioned<V> known = this.replica.known(key);
        if (known == null) {
            known = Versioned.absent();
        }
        int attempts = this.context.properties.getUpdateAttempts();
        for (int attempt = 0; attempt < attempts; attempt++) {
            CasResult<V> result = compareAndSet(key, known.version(), function.apply(known.value()));
            if (result.applied()) {
                return result.current();
            }
            known = result.current();
        }
        throw new UpdateConflictException(label(key), attempts);
    }

    boolean remove(String key) {
        String znode = this.context.paths.entry(this.name, key);
        return this.writes.delete(label(key), znode, () -> this.replica.applyRemoved(key, 0));
    }

    private void checkRoom(String key) {
        int max = this.context.properties.getMaxEntries();
        if (this.replica.known(key) == null && this.replica.size() >= max) {
            throw new IllegalStateException("Shared map '" + this.name + "' has " + this.replica.size()
                    + " entries, the most meshkeeper.data.max-entries=" + max + " allows; key '" + key
                    + "' was not added. Remove entries or raise meshkeeper.data.max-entries");
        }
    }

    private Versioned<V> fresh(String key, String znode) {
        CuratorEvent event = this.writes.readFresh(label(key), znode,
                (stat, data) -> this.replica.apply(key, stat, data), () -> this.replica.applyRemoved(key, 0));
        if (event == null) {
            return Versioned.absent();
        }
        return versioned(this.codec.decode(label(key), event.getData()), event.getStat());
    }

    private String label(String key) {
        return this.name + "/" + key;
    }

    private static <V> Versioned<V> versioned(V value, Stat stat) {
        return new Versioned<>(value, stat.getVersion(), stat.getMzxid(), Instant.ofEpochMilli(stat.getMtime()),
                false, Duration.ZERO);
    }
}
