package dev.meshkeeper.data;

/** A registered change listener; closing it stops the notifications. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    @Override
    void close();
}
