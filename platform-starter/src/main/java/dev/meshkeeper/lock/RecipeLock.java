package dev.meshkeeper.lock;

import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.curator.framework.recipes.locks.InterProcessLock;

/**
 * A read lock, write lock or semaphore: each acquisition is its own ZooKeeper participant (a Curator recipe
 * instance pinned to a {@link RecipeThread}), released through the recipe when the lease is closed.
 */
final class RecipeLock extends LeasedLock {

    private final Function<byte[], InterProcessLock> recipe;

    private final BiConsumer<GrantedLease, Granted> onGrant;

    RecipeLock(LockContext context, String name, String path, String meterName,
            Function<byte[], InterProcessLock> recipe, BiConsumer<GrantedLease, Granted> onGrant) {
        super(context, name, path, meterName);
        this.recipe = recipe;
        this.onGrant = onGrant;
    }

    @Override
    Hold attempt(long deadline, long epoch, byte[] holderData) throws Exception {
        RecipeHold hold = RecipeHold.start(this.context, this.path, deadline);
        InterProcessLock lock = this.recipe.apply(holderData);
        Long token = hold.acquire(lock, holderData, deadline, epoch);
        return (token != null) ? new Granted(hold, lock, token) : null;
    }

    @Override
    void granted(GrantedLease lease, Hold hold) {
        this.onGrant.accept(lease, (Granted) hold);
    }

    /** What a granted lease holds, for a later downgrade. */
    record Granted(RecipeHold hold, InterProcessLock lock, long token) implements Hold {

        @Override
        public void release() {
            this.hold.release(this.lock);
        }
    }
}
