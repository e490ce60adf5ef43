package dev.meshkeeper.testapps;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A pause that is itself the behaviour a test needs — a provider's simulated work or latency, the pacing of a load or
 * of injected faults — never a wait for an outcome: outcomes are awaited (Awaitility), not slept for.
 */
public final class DeliberatePause {

    private DeliberatePause() {
    }

    /**
     * Pauses the calling thread for {@code length}.
     * @return {@code false} when the thread was interrupted first (its interrupt flag stays set), else {@code true}
     */
    public static boolean take(Duration length) {
        long deadline = System.nanoTime() + length.toNanos();
        for (long left = length.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }
}
