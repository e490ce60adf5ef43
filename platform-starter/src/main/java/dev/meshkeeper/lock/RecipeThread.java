package dev.meshkeeper.lock;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One pooled thread pinned to one ZooKeeper hold from acquisition to release. Curator's mutexes belong to the
 * thread that acquired them, while a {@link LockLease} may be closed by any thread (and a mutex hold is handed
 * between local threads): every recipe call of a hold runs here, so the recipe always sees one thread.
 */
final class RecipeThread {

    private static final Runnable FINISH = () -> {
    };

    private final BlockingQueue<Runnable> calls = new LinkedBlockingQueue<>();

    private volatile Thread runner;

    private final Runnable onExit;

    /** @param onExit run once when the thread is freed (gives its place in the pool back) */
    RecipeThread(Executor pool, Runnable onExit) {
        this.onExit = onExit;
        pool.execute(this::run);
    }

    <T> CompletableFuture<T> submit(Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        this.calls.add(() -> {
            try {
                result.complete(call.call());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    /** Frees the thread once the calls submitted so far have run. */
    void finish() {
        this.calls.add(FINISH);
    }

    /**
     * Whether the caller is this thread (a release triggered by an abandoned acquisition completing here must not
     * wait for itself).
     */
    boolean isCurrent() {
        return Thread.currentThread() == this.runner;
    }

    private void run() {
        this.runner = Thread.currentThread();
        try {
            while (true) {
                Runnable call;
                try {
                    call = this.calls.take();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (call == FINISH) {
                    this.runner = null;
                    return;
                }
                call.run();
            }
        }
        finally {
            this.onExit.run();
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
}
