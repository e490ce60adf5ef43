package dev.meshkeeper.discovery;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.Ordered;

/**
 * Counts the server requests in progress, so graceful deregistration can wait for them to finish before the
 * instance leaves the registry. Runs first in the filter chain.
 */
class InFlightRequests implements Filter, Ordered {

    private final AtomicInteger inFlight = new AtomicInteger();

    private final Object idle = new Object();

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        this.inFlight.incrementAndGet();
        try {
            chain.doFilter(request, response);
        }
        finally {
            if (this.inFlight.decrementAndGet() == 0) {
                synchronized (this.idle) {
                    this.idle.notifyAll();
                }
            }
        }
    }

    /** The requests in progress now. */
    int current() {
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
