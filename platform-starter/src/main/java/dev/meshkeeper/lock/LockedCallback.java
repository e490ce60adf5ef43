package dev.meshkeeper.lock;

/** Work done while a lock is held; the lease gives the fencing token to pass on to the protected resource. */
@FunctionalInterface
public interface LockedCallback<T> {

    T call(LockLease lease) throws Exception;
}
