package dev.meshkeeper.data;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/** The replica of a value or counter: one node, decoded once per change. */
abstract class SingleNodeReplica<T> extends Replica {

    final JsonCodec<T> codec;

    /** The decoded value with its metadata as of the last change; replaced, never mutated. */
    private volatile Versioned<T> current = Versioned.absent();

    private final List<DataChangeListener<T>> listeners = new CopyOnWriteArrayList<>();

    SingleNodeReplica(DataContext context, String name, DataKind kind, JsonCodec<T> codec) {
        super(context, name, kind, false);
        this.codec = codec;
    }

    /** The replica's value, as cached (no allocation). */
    final Versioned<T> current() {
        return this.current;
    }

    final Versioned<T> versioned() {
        return withStaleness(this.current);
    }

    @Override
    void resync(Runnable done) {
        read(this.path, this::apply, () -> applyAbsent(0), done);
    }

    @Override
    void changed(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            applyAbsent(event.getZxid());
        }
        else if (event.getType() == Watcher.Event.EventType.NodeCreated
                || event.getType() == Watcher.Event.EventType.NodeDataChanged) {
            read(this.path, this::apply, () -> applyAbsent(0), null);
        }
    }

    /** Applies a read or written node, unless the replica already holds it or something newer. */
    final synchronized void apply(Stat stat, byte[] data) {
        Versioned<T> previous = this.current;
        if (previous.exists() && stat.getMzxid() <= previous.modifiedZxid()) {
            return;
        }
        T value;
        try {
            value = this.codec.decode(this.name, data);
        }
        catch (IllegalStateException ex) {
            undecodable(this.name, stat, ex);
            return;
        }
        Versioned<T> next = new Versioned<>(value, stat.getVersion(), stat.getMzxid(),
                Instant.ofEpochMilli(stat.getMtime()), false, Duration.ZERO);
        this.current = next;
        announce(previous.value(), next);
    }

    /** The node is gone (as of {@code zxid}, 0 when known to be the latest news). */
    final synchronized void applyAbsent(long zxid) {
        Versioned<T> previous = this.current;
        if (!previous.exists() || (zxid > 0 && zxid < previous.modifiedZxid())) {
            return;
        }
        this.current = Versioned.absent();
        announce(previous.value(), this.current);
    }

    private void announce(T oldValue, Versioned<T> next) {
        this.context.updates.increment();
        if (!announcing()) {
            return;
        }
        T newValue = next.value();
        // The listeners registered when the change was applied: one added later hears only later changes.
        List<DataChangeListener<T>> current = List.copyOf(this.listeners);
        this.context.deliver(() -> current.forEach(
                listener -> DataContext.safely(this.name, () -> listener.changed(oldValue, newValue))),
                new SharedDataChangedEvent(this, this.name, this.kind.label(), null, oldValue, newValue,
                        next.version()));
    }

    final Subscription listen(DataChangeListener<T> listener) {
        this.listeners.add(listener);
        return () -> this.listeners.remove(listener);
    }

    /** One compare-and-set; on a conflict the fresh value is read from the server. */
    final CasResult<T> cas(int expectedVersion, T value) {
        byte[] json = this.codec.encode(this.name, this.path, value);
        Stat stat = this.writes.compareAndWrite(this.name, this.path, expectedVersion, json, this::apply);
        if (stat != null) {
            return new CasResult<>(true, written(value, stat));
        }
        return new CasResult<>(false, fresh());
    }

    private Versioned<T> written(T value, Stat stat) {
        return new Versioned<>(value, stat.getVersion(), stat.getMzxid(), Instant.ofEpochMilli(stat.getMtime()),
                false, Duration.ZERO);
    }

    /** The value ZooKeeper holds now, read from the server. */
    final Versioned<T> fresh() {
        CuratorEvent event = this.writes.readFresh(this.name, this.path, this::apply, () -> applyAbsent(0));
        if (event == null) {
            return Versioned.absent();
        }
        return written(this.codec.decode(this.name, event.getData()), event.getStat());
    }

    /** Writes whatever version is there: one request when the node exists. */
    final Versioned<T> writeAny(T value) {
        byte[] json = this.codec.encode(this.name, this.path, value);
        int attempts = this.context.properties.getUpdateAttempts();
        for (int attempt = 0; attempt < attempts; attempt++) {
            int expected = (attempt % 2 == 0) ? ConditionalWrites.ANY_VERSION : Versioned.ABSENT;
            Stat stat = this.writes.compareAndWrite(this.name, this.path, expected, json, this::apply);
            if (stat != null) {
                return written(value, stat);
            }
        }
        throw new UpdateConflictException(this.name, attempts);
    }

    final Versioned<T> updateWith(UnaryOperator<T> function) {
        int attempts = this.context.properties.getUpdateAttempts();
        Versioned<T> known = this.current;
        for (int attempt = 0; attempt < attempts; attempt++) {
            T next = function.apply(known.value());
            CasResult<T> result = cas(known.exists() ? known.version() : Versioned.ABSENT, next);
            if (result.applied()) {
                return result.current();
            }
            known = result.current();
        }
        throw new UpdateConflictException(this.name, attempts);
    }

    @Override
    Class<?> type() {
        return this.codec.type();
    }

    @Override
    Map<String, Object> describe() {
        Versioned<T> versioned = versioned();
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("kind", this.kind.label());
        description.put("version", versioned.version());
        description.put("stale", versioned.stale());
        description.put("staleFor", staleFor());
        return description;
    }
}
