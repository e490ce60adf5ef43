package dev.meshkeeper.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.convert.ConversionService;
import org.springframework.validation.Validator;

/**
 * Applies changes under the application's ZooKeeper config contexts ({@code /config/application},
 * {@code /config/{app}}, {@code /config/{app},{profile}}, as loaded by Spring Cloud Zookeeper) to the running
 * application, one targeted refresh per burst of changes.
 * <p>
 * Guarantees:
 * <ul>
 * <li>Each context loaded at start-up is watched with a Curator {@link CuratorCache}; when the cache has read the
 * context, it is compared with what was loaded, so a value written between the initial load and the start of the
 * watch is applied, not lost.</li>
 * <li>A change after a quiet period is applied at once; changes arriving while a refresh runs, or within
 * {@code meshkeeper.config.coalesce-window} after it, are applied together in the next refresh, so a burst of changes
 * costs two refreshes and a steady stream at most one per window ({@code meshkeeper.config.leading-edge=false}: every
 * change waits for the window, and changes within it are applied together in one refresh). Refreshes run one at a
 * time, on one thread.</li>
 * <li>A change is bound and validated into a fresh instance of every {@code @ConfigurationProperties} bean whose
 * prefix covers the key before the property source is touched; if that fails, the key keeps its last good value in
 * the {@code Environment} and in the bean, a {@link ConfigRejectedEvent} is published, the counter
 * {@code meshkeeper.config.changes{outcome=rejected}} is incremented and one WARN names the key, context, (masked)
 * value and reason. The same rejected value is not reported twice; the next different value is tried again.</li>
 * <li>Only the beans whose prefix covers an applied key are re-bound (through Spring Cloud's
 * {@link ConfigurationPropertiesRebinder}); {@code @RefreshScope} beans are refreshed only when a key was applied;
 * an {@link EnvironmentChangeEvent} with the applied keys is published.</li>
 * <li>With an {@code ObservationRegistry} bean, each refresh that has changes to apply is observed as
 * {@value #OBSERVATION}.</li>
 * </ul>
 * On connection loss the cache keeps the last values it saw: nothing is removed from the {@code Environment} while
 * ZooKeeper is unreachable; after reconnection Curator re-reads the contexts and any difference is applied.
 * <p>
 * The jobs are done by {@link WatchedContexts} (property sources and watches), {@link CoalescingScheduler},
 * {@link ChangeValidator}, {@link RejectionLog} and {@link PropertiesRebinder}; this class runs them in order.
 */
public final class LiveConfigRefresher implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(LiveConfigRefresher.class);

    /**
     * The observation around each refresh that has changes to apply (when an {@code ObservationRegistry} bean
     * exists): low-cardinality {@code outcome} ({@code applied}, {@code partly-rejected}, {@code rejected}),
     * high-cardinality {@code keys} (the applied keys).
     */
    static final String OBSERVATION = "meshkeeper.config.apply";

    private enum State {
        LATENT, STARTED, STOPPED
    }

    /** The pieces made at start, when the environment and the properties beans are known. */
    private record Running(WatchedContexts contexts, ChangeValidator validator, PropertiesRebinder rebinder,
            CoalescingScheduler scheduler, ScheduledExecutorService executor) {
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    private final CuratorFramework curator;

    private final ConfigurableApplicationContext applicationContext;

    private final ConfigProperties properties;

    private final Validator validator;

    private final MeterRegistry meters;

    private final Clock clock;

    private final RejectionLog rejections;

    private final ObservationRegistry observations;

    private volatile Running running;

    LiveConfigRefresher(CuratorFramework curator, ConfigurableApplicationContext applicationContext,
            ConfigProperties properties, ConfigValueMask mask, Validator validator, MeterRegistry meters,
            Clock clock) {
        this(curator, applicationContext, properties, mask, validator, meters, null, clock);
    }

    /**
     * @param observations when not {@code null}, each refresh that has changes to apply is observed as
     * {@value #OBSERVATION}
     */
    LiveConfigRefresher(CuratorFramework curator, ConfigurableApplicationContext applicationContext,
            ConfigProperties properties, ConfigValueMask mask, Validator validator, MeterRegistry meters,
            ObservationRegistry observations, Clock clock) {
        this.observations = observations;
        this.curator = curator;
        this.applicationContext = applicationContext;
        this.properties = properties;
        this.validator = validator;
        this.meters = meters;
        this.clock = clock;
        this.rejections = new RejectionLog(this, applicationContext, mask, clock);
    }

    @Override
    public void start() {
        if (!this.state.compareAndSet(State.LATENT, State.STARTED)) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-config");
            thread.setDaemon(true);
            return thread;
        });
        List<PropertiesTarget> targets = PropertiesTarget.findAll(this.applicationContext);
        WatchedContexts contexts = WatchedContexts.attach(this.applicationContext.getEnvironment(), this.curator);
        this.running = new Running(contexts,
                new ChangeValidator(this.applicationContext.getEnvironment(), targets, conversionService(),
                        this.validator),
                new PropertiesRebinder(this.applicationContext, targets, this, this.properties.isRefreshScope()),
                new CoalescingScheduler(this.properties.getCoalesceWindow(), this.properties.isLeadingEdge(),
                        CoalescingScheduler.Timer.on(executor), System::nanoTime, this::refreshSafely),
                executor);
        contexts.start(this::changed);
    }

    @Override
    public void stop() {
        if (!this.state.compareAndSet(State.STARTED, State.STOPPED)) {
            return;
        }
        Running current = this.running;
        current.contexts().close();
        current.executor().shutdownNow();
        try {
            current.executor().awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return this.state.get() == State.STARTED;
    }

    /** The contexts being watched, with their last applied version, for the actuator endpoint. */
    List<Map<String, Object>> describeContexts() {
        Running current = this.running;
        return (current != null) ? current.contexts().all().stream().map(WatchedContext::describe).toList()
                : List.of();
    }

    /** The values currently rejected (masked), keyed by context and key. */
    List<Map<String, Object>> describeRejections() {
        return this.rejections.describe();
    }

    private void changed() {
        if (this.state.get() == State.STARTED) {
            this.running.scheduler().changed();
        }
    }

    private void refreshSafely() {
        try {
            refresh(this.running);
        }
        catch (RuntimeException ex) {
            logger.error("Applying config changes from ZooKeeper failed; the previous values stay in place", ex);
        }
    }

    private void refresh(Running running) {
        long startedAt = System.nanoTime();
        running.contexts().adoptReloadedSources();
        Set<WatchedContext> read = new LinkedHashSet<>();
        List<ConfigChange> changes = new ArrayList<>();
        for (WatchedContext context : running.contexts().all()) {
            if (!context.isInitialized()) {
                continue;
            }
            Map<String, String> fresh = context.read();
            Map<String, String> current = context.source().values();
            read.add(context);
            for (ConfigChange change : ConfigChange.between(context, current, fresh)) {
                if (!this.rejections.isStillRejected(change)) {
                    changes.add(change);
                }
            }
            this.rejections.forgetSettled(context.path(), current, fresh);
        }
        if (changes.isEmpty()) {
            return;
        }
        if (this.observations == null) {
            apply(running, read, changes, startedAt);
            return;
        }
        Observation observation = Observation.createNotStarted(OBSERVATION, this.observations)
                .contextualName("config refresh");
        observation.observe(() -> {
            List<ConfigChange> applied = apply(running, read, changes, startedAt);
            observation.lowCardinalityKeyValue("outcome", applied.isEmpty() ? "rejected"
                    : (applied.size() == changes.size()) ? "applied" : "partly-rejected");
            observation.highCardinalityKeyValue("keys", String.join(",",
                    applied.stream().map(ConfigChange::key).distinct().toList()));
        });
    }

    /** Validates and applies {@code changes}; returns the applied ones. */
    private List<ConfigChange> apply(Running running, Set<WatchedContext> read, List<ConfigChange> changes,
            long startedAt) {
        Map<ConfigChange, ChangeValidator.Refusal> refused = this.properties.isValidate()
                ? running.validator().refused(changes) : Map.of();
        refused.forEach(this.rejections::reject);
        List<ConfigChange> applied = changes.stream().filter((change) -> !refused.containsKey(change)).toList();
        Instant now = Instant.now(this.clock);
        for (WatchedContext context : read) {
            Map<String, String> next = new LinkedHashMap<>(context.source().values());
            boolean touched = false;
            for (ConfigChange change : applied) {
                if (change.context() == context) {
                    change.applyTo(next);
                    touched = true;
                }
            }
            if (touched) {
                context.apply(next, now);
            }
        }
        if (!applied.isEmpty()) {
            Set<String> keys = new LinkedHashSet<>();
            for (ConfigChange change : applied) {
                keys.add(change.key());
                this.rejections.forget(change);
            }
            running.rebinder().applied(keys);
            if (logger.isDebugEnabled()) {
                logger.debug("Applied config changes " + keys);
            }
        }
        count("applied", applied.size());
        count("rejected", refused.size());
        if (this.meters != null) {
            Timer.builder("meshkeeper.config.refresh")
                    .description("Time to validate and apply one coalesced burst of config changes")
                    .register(this.meters).record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
        }
        return applied;
    }

    private void count(String outcome, int amount) {
        if (this.meters != null && amount > 0) {
            Counter.builder("meshkeeper.config.changes").description("Config keys changed in ZooKeeper, by outcome")
                    .tag("outcome", outcome).register(this.meters).increment(amount);
        }
    }

    private ConversionService conversionService() {
        ConversionService service = this.applicationContext.getBeanFactory().getConversionService();
        return (service != null) ? service : ApplicationConversionService.getSharedInstance();
    }
}
