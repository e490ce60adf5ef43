package dev.meshkeeper.discovery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the server requests in progress, so graceful deregistration can wait for them to finish before the
 * instance leaves the registry. Fed by a filter that runs first: {@link InFlightRequestsFilter} in a servlet
 * application, {@link InFlightRequestsWebFilter} in a reactive one. Also read for the load an instance publishes.
 */
public class InFlightRequests {

    private final AtomicInteger inFlight = new AtomicInteger();

    private final Object idle = new Object();

    /** A request began. */
    void begin() {
        this.inFlight.incrementAndGet();
    }

    /** A request that {@link #begin() began} ended, however it ended. */
    void end() {
        if (this.inFlight.decrementAndGet() == 0) {
            synchronized (this.idle) {
                this.idle.notifyAll();
            }
        }
    }

    /** The requests in progress now (this instance's server requests, counted by the filter that runs first). */
    public int current() {
        return this.inFlight.get();
    }

    /**
     * Waits until no request is in progress, or the timeout passes.
     * @return whether the server became idle
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.idle) {
            while (this.inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this.idle, left);
            }
        }
        return true;
    }
}
