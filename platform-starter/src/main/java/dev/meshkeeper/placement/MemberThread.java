package dev.meshkeeper.placement;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one thread on which a member reacts to every change of its group, so its state needs no locking. */
final class MemberThread implements Executor {

    private static final Logger logger = LoggerFactory.getLogger(MemberThread.class);

    private final String group;

    private final ScheduledExecutorService thread;

    MemberThread(String group) {
        this.group = group;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread worker = new Thread(runnable, "meshkeeper-placement-" + group);
            worker.setDaemon(true);
            return worker;
        });
    }

    /** Runs the task later on the thread; nothing happens once the thread is shut down. */
    @Override
    public void execute(Runnable task) {
        try {
            this.thread.execute(task);
        }
        catch (RejectedExecutionException ex) {
            logger.debug("Work group '{}' is closed", this.group);
        }
    }

    /** Runs the task on the thread after {@code millis}; nothing happens once the thread is shut down. */
    void schedule(Runnable task, long millis) {
        try {
            this.thread.schedule(task, millis, TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException ex) {
            logger.debug("Work group '{}' is closed", this.group);
        }
    }

    /** Runs the task on the thread now and then every {@code interval} until the thread is shut down. */
    void every(Duration interval, Runnable task) {
        try {
            this.thread.scheduleWithFixedDelay(task, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException ex) {
            logger.debug("Work group '{}' is closed", this.group);
        }
    }

    /** Runs the task on the thread and waits for it at most {@code millis}. */
    void runAndWait(Runnable task, long millis) throws InterruptedException, ExecutionException, TimeoutException {
        this.thread.submit(task).get(millis, TimeUnit.MILLISECONDS);
    }

    void shutdown() {
        this.thread.shutdown();
    }

    void shutdownNow() {
        this.thread.shutdownNow();
    }
}
