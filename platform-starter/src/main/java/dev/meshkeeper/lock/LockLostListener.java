package dev.meshkeeper.lock;

/** Hears that a held {@link LockLease} was lost. */
@FunctionalInterface
public interface LockLostListener {

    void lockLost(LockLostEvent event);
}
