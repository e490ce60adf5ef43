package dev.meshkeeper.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * {@code meshkeeper.discovery.removal-grace}: when the registration of the <em>last</em> UP instance of a service
 * vanishes, the instance stays listed ("lingers") until the grace has passed on the {@link Clock}, unless it
 * registers again or another UP instance appears first, which end the grace at once. Every other removal happens at
 * once. The end of a grace is run by the scheduler, which checks the clock: a task that runs early (or a clock that
 * was set back) waits again for what remains.
 * <p>
 * The state lives in each {@link WatchedService} ({@code lingering}); {@link #vanished} and {@link #present} are
 * called holding the service's lock, and the end of a grace takes it.
 */
final class RemovalGrace {

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    private final Duration grace;

    private final Clock clock;

    private final ScheduledExecutorService scheduler;

    private final boolean ownScheduler;

    /** Publishes and tells the listeners once a grace ended, outside the service's lock. */
    private final Consumer<WatchedService> ended;

    /**
     * @param grace how long the last UP instance stays listed; {@link Duration#ZERO} removes it at once
     * @param clock decides when a grace has passed
     * @param scheduler runs the end of each grace; {@code null} for one daemon thread of its own, closed with this
     * @param ended hears that a grace ended (the service has published its new list)
     */
    RemovalGrace(Duration grace, Clock clock, ScheduledExecutorService scheduler, Consumer<WatchedService> ended) {
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("meshkeeper.discovery.removal-grace must be zero or positive but was "
                    + grace + "; use e.g. 5s, or 0s to remove vanished instances at once");
        }
        this.grace = grace;
        this.clock = clock;
        this.ownScheduler = scheduler == null && !grace.isZero();
        this.scheduler = this.ownScheduler ? newScheduler() : scheduler;
        this.ended = ended;
    }

    private static ScheduledExecutorService newScheduler() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-discovery-removal-grace");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * A registration was deleted: keeps the instance listed when it was the last UP one. Called holding the
     * service's lock, after the instance was taken out of {@code byId}.
     * @return whether the instance lingers (listeners need not hear of a list that did not change)
     */
    boolean vanished(WatchedService service, String id, ServiceInstance removed) {
        service.lingering.remove(id);
        if (removed == null || this.grace.isZero() || !InstanceMetadata.isUp(removed) || service.hasUpInstance()) {
            return false;
        }
        service.byId.put(id, removed);
        service.lingering.put(id, removed);
        logger.debug("The registration of " + id + ", the last UP instance of " + service.serviceId
                + ", vanished; keeping it listed for " + this.grace
                + " (meshkeeper.discovery.removal-grace) in case it registers again");
        schedule(service, id, removed, this.clock.instant().plus(this.grace), this.grace);
        return true;
    }

    /**
     * A registration was created or changed: it ends its own grace, and an UP instance ends every grace of the
     * service (someone is there to take the calls). Called holding the service's lock, after {@code byId} took it.
     */
    void present(WatchedService service, String id) {
        service.lingering.remove(id);
        if (!service.lingering.isEmpty() && service.hasUpInstance()) {
            service.lingering.keySet().forEach(service.byId::remove);
            service.lingering.clear();
        }
    }

    void close() {
        if (this.ownScheduler) {
            this.scheduler.shutdownNow();
        }
    }

    private void schedule(WatchedService service, String id, ServiceInstance vanished, Instant deadline,
            Duration delay) {
        try {
            this.scheduler.schedule(() -> end(service, id, vanished, deadline), Math.max(0, delay.toMillis()),
                    TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException ex) {
            // Closed meanwhile: nothing is listed any more.
        }
    }

    private void end(WatchedService service, String id, ServiceInstance vanished, Instant deadline) {
        synchronized (service) {
            if (service.lingering.get(id) != vanished) {
                return;
            }
            Duration remaining = Duration.between(this.clock.instant(), deadline);
            if (remaining.compareTo(Duration.ZERO) > 0) {
                schedule(service, id, vanished, deadline, remaining);
                return;
            }
            service.lingering.remove(id, vanished);
            service.byId.remove(id, vanished);
            service.publish();
        }
        logger.info("Instance " + id + " of " + service.serviceId + " did not register again within " + this.grace
                + " (meshkeeper.discovery.removal-grace); removed");
        this.ended.accept(service);
    }
}
