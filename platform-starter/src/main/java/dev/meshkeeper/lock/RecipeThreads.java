package dev.meshkeeper.lock;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The pool of threads that pin ZooKeeper holds ({@code meshkeeper-lock-N}): one per hold being acquired or held. */
final class RecipeThreads implements AutoCloseable {

    private final ExecutorService pool;

    RecipeThreads() {
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-lock-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.pool = Executors.newCachedThreadPool(factory);
    }

    /** A thread for one new hold. */
    RecipeThread newThread() {
        return new RecipeThread(this.pool);
    }

    @Override
    public void close() {
        this.pool.shutdown();
    }
}
