package dev.meshkeeper.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.context.SmartLifecycle;

/**
 * Takes this instance out of the registry before the web server stops: marks it OUT_OF_SERVICE, waits until its
 * own watch shows the change in ZooKeeper (callers' watches fire at the same moment) and then
 * {@code propagation-delay} more, waits for in-flight server requests to finish, and deregisters — all within
 * {@code drain-timeout}. Its phase stops it before Spring Boot's web server graceful shutdown
 * ({@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}), so the server still serves every request a
 * caller sent before it saw the status. Spring Cloud's own deregistration, later at bean destruction, then finds
 * nothing left to do.
 * <p>
 * Connection loss: when ZooKeeper is unreachable — disconnected, or the OUT_OF_SERVICE write got no answer within
 * {@code meshkeeper.zookeeper.operation-timeout} — nothing is announced: requests in progress still finish (within
 * the drain timeout), and the deregistration waits at most the operation timeout; the ephemeral node goes with the
 * session when the application closes its client. An outage thus delays shutdown by at most the operation timeout
 * (twice when it begins in the middle of the announcement).
 */
class GracefulDeregistration implements SmartLifecycle {

    /** Stops before the web server's graceful shutdown (Integer.MAX_VALUE - 1024) and after nothing else of ours. */
    static final int PHASE = Integer.MAX_VALUE - 512;

    private static final Logger logger = LoggerFactory.getLogger(GracefulDeregistration.class);

    private final InstanceRegistration registration;

    private final ZookeeperServiceRegistry serviceRegistry;

    private final WatchedInstances instances;

    private final InFlightRequests inFlight;

    private final Duration drainTimeout;

    private final Duration propagationDelay;

    private final Duration operationTimeout;

    private final AtomicReference<State> state = new AtomicReference<>(State.STOPPED);

    private final Object changes = new Object();

    private enum State {
        STOPPED, RUNNING, DRAINING
    }

    GracefulDeregistration(InstanceRegistration registration, ZookeeperServiceRegistry serviceRegistry,
            WatchedInstances instances, InFlightRequests inFlight, Duration drainTimeout, Duration propagationDelay) {
        this(registration, serviceRegistry, instances, inFlight, drainTimeout, propagationDelay,
                Duration.ofSeconds(1));
    }

    /**
     * @param operationTimeout the longest the deregistration waits for ZooKeeper
     * ({@code meshkeeper.zookeeper.operation-timeout})
     */
    GracefulDeregistration(InstanceRegistration registration, ZookeeperServiceRegistry serviceRegistry,
            WatchedInstances instances, InFlightRequests inFlight, Duration drainTimeout, Duration propagationDelay,
            Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
        this.registration = registration;
        this.serviceRegistry = serviceRegistry;
        this.instances = instances;
        this.inFlight = inFlight;
        this.drainTimeout = drainTimeout;
        this.propagationDelay = propagationDelay;
        this.instances.addListener((serviceId, all) -> {
            synchronized (this.changes) {
                this.changes.notifyAll();
            }
        });
    }

    @Override
    public void start() {
        this.state.compareAndSet(State.STOPPED, State.RUNNING);
    }

    @Override
    public boolean isRunning() {
        return this.state.get() == State.RUNNING;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void stop() {
        if (!this.state.compareAndSet(State.RUNNING, State.DRAINING)) {
            return;
        }
        try {
            drainAndDeregister();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            logger.warn("Interrupted while draining " + this.registration.instanceId() + "; deregistering now");
            deregister();
        }
        finally {
            this.state.set(State.STOPPED);
        }
    }

    private void drainAndDeregister() throws InterruptedException {
        if (ownNode() == null) {
            logger.debug("Instance " + this.registration.instanceId() + " is not registered; nothing to drain");
            return;
        }
        long start = System.nanoTime();
        long deadline = start + this.drainTimeout.toNanos();
        if (!this.registration.isConnected()
                || !this.registration.announce(InstanceRegistration.OUT_OF_SERVICE)) {
            // Nothing can be announced: writes would only block for Curator's retry budget. The node goes with the
            // session; requests already in progress still finish.
            logger.warn("ZooKeeper is unreachable: " + this.registration.instanceId() + " cannot announce "
                    + "OUT_OF_SERVICE; its registration goes when its session ends");
            if (this.inFlight != null) {
                this.inFlight.awaitIdle(this.drainTimeout);
            }
            deregister();
            return;
        }
        boolean seen = await(() -> {
            ServiceInstance own = ownNode();
            return own == null || !InstanceMetadata.isUp(own);
        }, deadline);
        if (!seen) {
            logger.warn("OUT_OF_SERVICE of " + this.registration.instanceId() + " was not confirmed by ZooKeeper "
                    + "within meshkeeper.discovery.drain-timeout (" + this.drainTimeout + "); deregistering anyway");
        }
        else {
            long propagated = Math.min(deadline, System.nanoTime() + this.propagationDelay.toNanos());
            await(() -> false, propagated);
        }
        boolean idle = true;
        if (this.inFlight != null) {
            long left = deadline - System.nanoTime();
            idle = this.inFlight.awaitIdle(Duration.ofNanos(Math.max(0, left)));
            if (!idle) {
                logger.warn(this.inFlight.current() + " request(s) still in progress on "
                        + this.registration.instanceId() + " after meshkeeper.discovery.drain-timeout ("
                        + this.drainTimeout + "); deregistering anyway");
            }
        }
        deregister();
        logger.info("Deregistered " + this.registration.instanceId() + " after draining for "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }

    /**
     * Deregisters on a thread of its own and waits for it at most the operation timeout: Curator's delete retries for
     * its whole retry budget when ZooKeeper does not answer. Curator forgets the instance before it deletes the
     * node, so the later deregistration and close of Spring Cloud Zookeeper find nothing left to do either way.
     */
    private void deregister() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                this.serviceRegistry.deregister(this.registration.registration());
                done.complete(null);
            }
            catch (RuntimeException ex) {
                done.completeExceptionally(ex);
            }
        }, "meshkeeper-deregistration");
        thread.setDaemon(true);
        thread.start();
        try {
            done.get(this.operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            logger.warn("Deregistering " + this.registration.instanceId() + " got no answer from ZooKeeper within "
                    + "meshkeeper.zookeeper.operation-timeout (" + this.operationTimeout + "); its node goes with "
                    + "the ZooKeeper session when the application closes");
        }
        catch (ExecutionException ex) {
            logger.warn("Could not deregister " + this.registration.instanceId() + " (" + ex.getCause().getMessage()
                    + "); its node goes with the ZooKeeper session when the application closes");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private ServiceInstance ownNode() {
        return this.instances.allInstances(this.registration.serviceId()).stream()
                .filter(instance -> this.registration.instanceId().equals(instance.getInstanceId())).findFirst()
                .orElse(null);
    }

    private boolean await(java.util.function.BooleanSupplier condition, long deadline) throws InterruptedException {
        synchronized (this.changes) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this.changes, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }
    }
}
