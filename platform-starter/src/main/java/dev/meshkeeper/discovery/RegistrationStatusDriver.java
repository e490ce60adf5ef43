package dev.meshkeeper.discovery;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Drives this instance's status from its readiness and, when {@code meshkeeper.discovery.health-drives-status} is
 * true, its aggregate health: {@code OUT_OF_SERVICE} while readiness refuses traffic or health is not UP, else
 * {@code UP}. It writes on changes only: the first derived value leaves the initial status alone unless it is
 * OUT_OF_SERVICE, and a status an operator set in ZooKeeper stays until readiness or health next changes.
 */
class RegistrationStatusDriver implements ApplicationListener<AvailabilityChangeEvent<?>>, SmartLifecycle {

    /** Starts after the web server and the registration, stops before graceful deregistration. */
    static final int PHASE = GracefulDeregistration.PHASE + 256;

    private static final Logger logger = LoggerFactory.getLogger(RegistrationStatusDriver.class);

    private final InstanceRegistration registration;

    private final WatchedInstances instances;

    private final Supplier<String> health;

    private final Duration healthInterval;

    private final AtomicReference<Inputs> inputs = new AtomicReference<>(new Inputs(null, null, null));

    private final AtomicReference<ScheduledExecutorService> poller = new AtomicReference<>();

    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param health the aggregate health status code, or {@code null} when health does not drive the status
     */
    RegistrationStatusDriver(InstanceRegistration registration, WatchedInstances instances, Supplier<String> health,
            Duration healthInterval) {
        this.registration = registration;
        this.instances = instances;
        instances.addListener((service, all) -> {
            if (service.equals(registration.serviceId())) {
                all.stream().filter(instance -> instance.getInstanceId().equals(registration.instanceId()))
                        .findFirst().ifPresent(registration::follow);
            }
        });
        this.health = health;
        this.healthInterval = healthInterval;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public boolean isRunning() {
        return this.running.get();
    }

    @Override
    public void start() {
        if (!this.running.compareAndSet(false, true)) {
            return;
        }
        String serviceId = this.registration.serviceId();
        // Watch our own node from the start: an operator's change is followed, and shutdown sees its own status.
        this.instances.allInstances(serviceId);
        if (this.health == null) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-status-health");
            thread.setDaemon(true);
            return thread;
        });
        if (this.poller.compareAndSet(null, executor)) {
            long millis = Math.max(1, this.healthInterval.toMillis());
            executor.scheduleWithFixedDelay(this::checkHealth, millis, millis, TimeUnit.MILLISECONDS);
        }
        else {
            executor.shutdown();
        }
    }

    @Override
    public void stop() {
        this.running.set(false);
        ScheduledExecutorService executor = this.poller.getAndSet(null);
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
        if (event.getState() instanceof ReadinessState readiness) {
            update(current -> new Inputs(readiness, current.health, current.derived));
        }
    }

    void checkHealth() {
        String status;
        try {
            status = this.health.get();
        }
        catch (RuntimeException ex) {
            logger.debug("Could not read the health status", ex);
            return;
        }
        if (status == null || "UNKNOWN".equals(status)) {
            return;
        }
        update(current -> new Inputs(current.readiness, status, current.derived));
    }

    private void update(java.util.function.UnaryOperator<Inputs> change) {
        Inputs before;
        Inputs after;
        do {
            before = this.inputs.get();
            Inputs changed = change.apply(before);
            after = new Inputs(changed.readiness, changed.health, changed.derive());
        }
        while (!this.inputs.compareAndSet(before, after));
        String previous = before.derived;
        String derived = after.derived;
        boolean firstUp = previous == null && InstanceRegistration.UP.equals(derived);
        if (!firstUp && !derived.equals(previous)) {
            logger.info("Instance " + this.registration.instanceId() + " is " + derived + " (readiness "
                    + after.readiness + ", health " + ((this.health != null) ? after.health : "not used") + ")");
            this.registration.setStatus(derived);
        }
    }

    private record Inputs(ReadinessState readiness, String health, String derived) {

        String derive() {
            boolean refusing = this.readiness == ReadinessState.REFUSING_TRAFFIC;
            boolean unhealthy = this.health != null && !"UP".equals(this.health);
            return (refusing || unhealthy) ? InstanceRegistration.OUT_OF_SERVICE : InstanceRegistration.UP;
        }
    }
}
