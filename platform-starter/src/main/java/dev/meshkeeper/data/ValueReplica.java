package dev.meshkeeper.data;

import java.util.function.UnaryOperator;

/** {@link SharedValue} over the replica of its node. */
final class ValueReplica<T> extends SingleNodeReplica<T> implements SharedValue<T> {

    ValueReplica(DataContext context, String name, Class<T> type) {
        super(context, name, DataKind.VALUE, new JsonCodec<>(context.mapper, type));
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public T get() {
        return current().value();
    }

    @Override
    public Versioned<T> getVersioned() {
        return versioned();
    }

    @Override
    public Versioned<T> set(T value) {
        return writeAny(value);
    }

    @Override
    public CasResult<T> compareAndSet(int expectedVersion, T value) {
        return cas(expectedVersion, value);
    }

    @Override
    public Versioned<T> update(UnaryOperator<T> function) {
        return updateWith(function);
    }

    @Override
    public Subscription onChange(DataChangeListener<T> listener) {
        return listen(listener);
    }

    @Override
    public String toString() {
        return "SharedValue[" + this.name + " v" + current().version() + "]";
    }
}
