package dev.meshkeeper.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.validation.ObjectError;
import org.springframework.validation.SimpleErrors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

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
 * <li>Changes arriving within {@code meshkeeper.config.coalesce-window} are applied together in one refresh, on one
 * thread, in the order ZooKeeper delivered them.</li>
 * <li>A change is bound and validated into a fresh instance of every {@code @ConfigurationProperties} bean whose
 * prefix covers the key before the property source is touched; if that fails, the key keeps its last good value in
 * the {@code Environment} and in the bean, a {@link ConfigRejectedEvent} is published, the counter
 * {@code meshkeeper.config.changes{outcome=rejected}} is incremented and one WARN names the key, context, (masked)
 * value and reason. The same rejected value is not reported twice; the next different value is tried again.</li>
 * <li>Only the beans whose prefix covers an applied key are re-bound (through Spring Cloud's
 * {@link ConfigurationPropertiesRebinder}); {@code @RefreshScope} beans are refreshed only when a key was applied;
 * an {@link EnvironmentChangeEvent} with the applied keys is published.</li>
 * </ul>
 * On connection loss the cache keeps the last values it saw: nothing is removed from the {@code Environment} while
 * ZooKeeper is unreachable; after reconnection Curator re-reads the contexts and any difference is applied.
 */
public final class LiveConfigRefresher implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(LiveConfigRefresher.class);

    private enum State {
        LATENT, STARTED, STOPPED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    private final CuratorFramework curator;

    private final ConfigurableApplicationContext applicationContext;

    private final ConfigProperties properties;

    private final ConfigValueMask mask;

    private final Validator validator;

    private final MeterRegistry meters;

    private final Clock clock;

    private final AtomicBoolean scheduled = new AtomicBoolean();

    private final Map<String, Rejection> rejections = new ConcurrentHashMap<>();

    private final List<WatchedContext> contexts = new ArrayList<>();

    private volatile Map<String, PropertiesTarget> targets = Map.of();

    private ScheduledExecutorService executor;

    LiveConfigRefresher(CuratorFramework curator, ConfigurableApplicationContext applicationContext,
            ConfigProperties properties, ConfigValueMask mask, Validator validator, MeterRegistry meters,
            Clock clock) {
        this.curator = curator;
        this.applicationContext = applicationContext;
        this.properties = properties;
        this.mask = mask;
        this.validator = validator;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public void start() {
        if (!this.state.compareAndSet(State.LATENT, State.STARTED)) {
            return;
        }
        this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-config");
            thread.setDaemon(true);
            return thread;
        });
        this.targets = findTargets();
        MutablePropertySources sources = environment().getPropertySources();
        for (PropertySource<?> source : sources) {
            if (source instanceof AbstractZookeeperPropertySource loaded) {
                LiveZookeeperPropertySource live = (loaded instanceof LiveZookeeperPropertySource existing) ? existing
                        : new LiveZookeeperPropertySource(loaded.getName(), loaded.getContext(), this.curator,
                                valuesOf(loaded));
                if (live != loaded) {
                    sources.replace(loaded.getName(), live);
                }
                this.contexts.add(new WatchedContext(live, CuratorCache.build(this.curator, live.getContext())));
            }
        }
        if (this.contexts.isEmpty()) {
            for (LiveZookeeperPropertySource absent : AbsentConfigContexts.add(environment(), this.curator)) {
                this.contexts.add(new WatchedContext(absent, CuratorCache.build(this.curator, absent.getContext())));
            }
        }
        if (this.contexts.isEmpty()) {
            logger.info("No ZooKeeper config context was loaded (is spring.config.import=optional:zookeeper: set?); "
                    + "nothing to watch");
        }
        for (WatchedContext context : this.contexts) {
            context.cache.listenable().addListener(CuratorCacheListener.builder()
                    .forAll((type, oldData, data) -> onEvent(context))
                    .forInitialized(() -> {
                        context.initialized = true;
                        schedule();
                    })
                    .build());
            context.cache.start();
            if (logger.isDebugEnabled()) {
                logger.debug("Watching config context " + context.path());
            }
        }
    }

    @Override
    public void stop() {
        if (!this.state.compareAndSet(State.STARTED, State.STOPPED)) {
            return;
        }
        for (WatchedContext context : this.contexts) {
            context.cache.close();
        }
        this.executor.shutdownNow();
        try {
            this.executor.awaitTermination(5, TimeUnit.SECONDS);
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
        List<Map<String, Object>> described = new ArrayList<>();
        for (WatchedContext context : this.contexts) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("context", context.path());
            entry.put("propertySource", context.source.getName());
            entry.put("watching", context.initialized);
            entry.put("keys", context.source.values().size());
            entry.put("lastAppliedVersion", context.lastAppliedVersion);
            entry.put("lastAppliedAt", context.lastAppliedAt);
            described.add(entry);
        }
        return described;
    }

    /** The values currently rejected (masked), keyed by context and key. */
    List<Map<String, Object>> describeRejections() {
        return this.rejections.values().stream().map(Rejection::describe).collect(Collectors.toList());
    }

    private void onEvent(WatchedContext context) {
        if (context.initialized) {
            schedule();
        }
    }

    private void schedule() {
        if (this.state.get() == State.STARTED && this.scheduled.compareAndSet(false, true)) {
            try {
                this.executor.schedule(this::refreshSafely, this.properties.getCoalesceWindow().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            catch (RuntimeException ex) {
                this.scheduled.set(false);
            }
        }
    }

    private void refreshSafely() {
        this.scheduled.set(false);
        try {
            refresh();
        }
        catch (RuntimeException ex) {
            logger.error("Applying config changes from ZooKeeper failed; the previous values stay in place", ex);
        }
    }

    private void refresh() {
        long startedAt = System.nanoTime();
        adoptReloadedSources();
        List<Change> changes = new ArrayList<>();
        Map<WatchedContext, Map<String, String>> read = new LinkedHashMap<>();
        for (WatchedContext context : this.contexts) {
            if (!context.initialized) {
                continue;
            }
            Map<String, String> fresh = context.read();
            read.put(context, fresh);
            Map<String, String> current = context.source.values();
            Set<String> keys = new LinkedHashSet<>(current.keySet());
            keys.addAll(fresh.keySet());
            for (String key : keys) {
                String newValue = fresh.get(key);
                String oldValue = current.get(key);
                String id = context.path() + "#" + key;
                if (Objects.equals(newValue, oldValue)) {
                    this.rejections.remove(id);
                    continue;
                }
                Rejection rejected = this.rejections.get(id);
                if (rejected != null && Objects.equals(rejected.rawValue, newValue)) {
                    continue;
                }
                changes.add(new Change(context, key, oldValue, newValue));
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        Set<Change> rejectedChanges = validate(changes);
        List<Change> applied = changes.stream().filter((change) -> !rejectedChanges.contains(change)).toList();
        for (Map.Entry<WatchedContext, Map<String, String>> entry : read.entrySet()) {
            WatchedContext context = entry.getKey();
            Map<String, String> next = new LinkedHashMap<>(context.source.values());
            boolean touched = false;
            for (Change change : applied) {
                if (change.context == context) {
                    change.applyTo(next);
                    touched = true;
                }
            }
            if (touched) {
                context.source.replace(next);
                context.lastAppliedVersion = context.version();
                context.lastAppliedAt = Instant.now(this.clock);
            }
        }
        if (!applied.isEmpty()) {
            Set<String> keys = applied.stream().map((change) -> change.key)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            for (Change change : applied) {
                this.rejections.remove(change.id());
            }
            rebind(keys);
            this.applicationContext.publishEvent(new EnvironmentChangeEvent(this, Collections.unmodifiableSet(keys)));
            if (this.properties.isRefreshScope()) {
                this.applicationContext.getBeanProvider(RefreshScope.class).ifAvailable(RefreshScope::refreshAll);
            }
            if (logger.isDebugEnabled()) {
                logger.debug("Applied config changes " + keys);
            }
        }
        count("applied", applied.size());
        count("rejected", rejectedChanges.size());
        if (this.meters != null) {
            Timer.builder("meshkeeper.config.refresh")
                    .description("Time to validate and apply one coalesced burst of config changes")
                    .register(this.meters).record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A full {@code ContextRefresher.refresh()} (e.g. {@code POST /actuator/refresh}) reloads the config data and puts
     * new ZooKeeper property sources into the environment; take their values and put the live source back.
     */
    private void adoptReloadedSources() {
        MutablePropertySources sources = environment().getPropertySources();
        for (WatchedContext context : this.contexts) {
            PropertySource<?> current = sources.get(context.source.getName());
            if (current != context.source && current instanceof AbstractZookeeperPropertySource reloaded) {
                context.source.replace(valuesOf(reloaded));
                sources.replace(context.source.getName(), context.source);
            }
        }
    }

    private Set<Change> validate(List<Change> changes) {
        Set<Change> rejected = new HashSet<>();
        if (!this.properties.isValidate()) {
            return rejected;
        }
        Binder binder = null;
        for (PropertiesTarget target : this.targets.values()) {
            List<Change> covered = changes.stream().filter((change) -> target.covers(change.key)).toList();
            if (covered.isEmpty()) {
                continue;
            }
            if (binder == null) {
                binder = new Binder(candidateSources(changes), new PropertySourcesPlaceholdersResolver(environment()),
                        conversionService(), null);
            }
            String reason = bindAndValidate(binder, target);
            if (reason != null) {
                for (Change change : covered) {
                    if (rejected.add(change)) {
                        reject(change, target, reason);
                    }
                }
            }
        }
        return rejected;
    }

    /**
     * The environment as it would be with the changes applied: the application's own (cached) configuration
     * property sources, with each watched ZooKeeper source replaced by its candidate values.
     */
    private List<ConfigurationPropertySource> candidateSources(List<Change> changes) {
        Map<PropertySource<?>, WatchedContext> watched = new HashMap<>();
        for (WatchedContext context : this.contexts) {
            watched.put(context.source, context);
        }
        List<ConfigurationPropertySource> candidate = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment())) {
            WatchedContext context = watched.get(source.getUnderlyingSource());
            if (context == null) {
                candidate.add(source);
                continue;
            }
            Map<String, Object> next = new LinkedHashMap<>(context.source.values());
            for (Change change : changes) {
                if (change.context == context) {
                    if (change.newValue == null) {
                        next.remove(change.key);
                    }
                    else {
                        next.put(change.key, change.newValue);
                    }
                }
            }
            candidate.add(ConfigurationPropertySource.from(new MapPropertySource(context.source.getName(), next)));
        }
        return candidate;
    }

    private String bindAndValidate(Binder binder, PropertiesTarget target) {
        BindHandler handler = new IgnoreTopLevelConverterNotFoundBindHandler();
        if (target.annotation.ignoreInvalidFields()) {
            handler = new IgnoreErrorsBindHandler(handler);
        }
        if (target.validated && this.validator != null) {
            handler = new ValidationBindHandler(handler, this.validator);
        }
        try {
            Object candidate = binder.bindOrCreate(target.prefix, target.bindable, handler);
            return selfValidate(candidate);
        }
        catch (BindException ex) {
            return describe(ex);
        }
        catch (RuntimeException ex) {
            return ex.getMessage();
        }
    }

    /**
     * A properties class that is itself a Spring {@link Validator} is validated by Spring Boot whenever it is bound;
     * the candidate is validated the same way, so that a change it refuses never reaches the live bean.
     */
    private static String selfValidate(Object candidate) {
        if (candidate instanceof Validator self && self.supports(candidate.getClass())) {
            SimpleErrors errors = new SimpleErrors(candidate);
            self.validate(candidate, errors);
            if (errors.hasErrors()) {
                return errors.getAllErrors().stream().map(ObjectError::getDefaultMessage)
                        .collect(Collectors.joining("; "));
            }
        }
        return null;
    }

    private static String describe(BindException ex) {
        Throwable cause = ex.getCause();
        if (cause instanceof BindValidationException invalid) {
            return invalid.getValidationErrors().getAllErrors().stream()
                    .map((error) -> (error instanceof org.springframework.validation.FieldError field)
                            ? field.getField() + " " + field.getDefaultMessage() : error.getDefaultMessage())
                    .collect(Collectors.joining("; "));
        }
        Throwable root = ex;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "cannot bind " + ex.getName() + ": " + root.getMessage();
    }

    private void reject(Change change, PropertiesTarget target, String reason) {
        String masked = this.mask.mask(change.context.source, change.key, change.newValue);
        String kept = this.mask.mask(change.context.source, change.key, change.oldValue);
        Rejection rejection = new Rejection(change.context.path(), change.key, change.newValue, masked, reason,
                target.beanName, Instant.now(this.clock));
        this.rejections.put(change.id(), rejection);
        logger.warn("Rejected config change: key '" + change.key + "' in ZooKeeper context '" + change.context.path()
                + "' = " + quoted(masked) + " does not bind to @ConfigurationProperties bean '" + target.beanName
                + "' (" + reason + "); keeping the last good value " + quoted(kept)
                + ". Write a valid value to " + change.context.path() + "/" + change.key.replace('.', '/')
                + " (or the dotted key) to apply it.");
        this.applicationContext.publishEvent(
                new ConfigRejectedEvent(this, change.context.path(), change.key, masked, reason));
    }

    private static String quoted(String value) {
        return (value != null) ? "'" + value + "'" : "<absent>";
    }

    private void rebind(Set<String> keys) {
        ConfigurationPropertiesRebinder rebinder = this.applicationContext
                .getBeanProvider(ConfigurationPropertiesRebinder.class).getIfAvailable();
        if (rebinder == null) {
            return;
        }
        for (PropertiesTarget target : this.targets.values()) {
            if (keys.stream().anyMatch(target::covers)) {
                rebinder.rebind(target.beanName);
            }
        }
    }

    private void count(String outcome, int amount) {
        if (this.meters != null && amount > 0) {
            Counter.builder("meshkeeper.config.changes").description("Config keys changed in ZooKeeper, by outcome")
                    .tag("outcome", outcome).register(this.meters).increment(amount);
        }
    }

    private Map<String, PropertiesTarget> findTargets() {
        Map<String, PropertiesTarget> found = new LinkedHashMap<>();
        ConfigurationPropertiesBean.getAll(this.applicationContext).forEach((name, bean) -> {
            Bindable<?> live = bean.asBindTarget();
            Bindable<?> fresh = Bindable.of(live.getType()).withAnnotations(live.getAnnotations())
                    .withBindMethod(live.getBindMethod());
            boolean validated = live.getAnnotation(Validated.class) != null;
            found.put(name, new PropertiesTarget(name, bean.getAnnotation(), fresh, validated));
        });
        return found;
    }

    private ConversionService conversionService() {
        ConversionService service = this.applicationContext.getBeanFactory().getConversionService();
        return (service != null) ? service : ApplicationConversionService.getSharedInstance();
    }

    private ConfigurableEnvironment environment() {
        return this.applicationContext.getEnvironment();
    }

    private static Map<String, String> valuesOf(AbstractZookeeperPropertySource source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : source.getPropertyNames()) {
            Object value = source.getProperty(name);
            values.put(name, (value != null) ? value.toString() : "");
        }
        return values;
    }

    /** One context and its cache. Flags are written by Curator's thread and read by the refresh thread. */
    private static final class WatchedContext {

        final LiveZookeeperPropertySource source;

        final CuratorCache cache;

        volatile boolean initialized;

        volatile long lastAppliedVersion = -1;

        volatile Instant lastAppliedAt;

        WatchedContext(LiveZookeeperPropertySource source, CuratorCache cache) {
            this.source = source;
            this.cache = cache;
        }

        String path() {
            return this.source.getContext();
        }

        /** The context as Spring Cloud Zookeeper would load it now: nested znodes become dotted keys. */
        Map<String, String> read() {
            String root = path();
            Map<String, String> values = new LinkedHashMap<>();
            this.cache.stream().filter((data) -> data.getPath().startsWith(root + "/")).forEach((data) -> {
                String key = data.getPath().substring(root.length() + 1).replace('/', '.');
                byte[] bytes = data.getData();
                if (bytes != null && bytes.length > 0) {
                    values.put(key, new String(bytes, StandardCharsets.UTF_8));
                }
                else if (data.getStat() == null || data.getStat().getNumChildren() == 0) {
                    values.put(key, "");
                }
            });
            return values;
        }

        /** The highest modification zxid in the context: ZooKeeper's own monotonic version of its content. */
        long version() {
            return this.cache.stream()
                    .mapToLong((data) -> (data.getStat() != null) ? data.getStat().getMzxid() : -1).max().orElse(-1);
        }
    }

    private record Change(WatchedContext context, String key, String oldValue, String newValue) {

        String id() {
            return this.context.path() + "#" + this.key;
        }

        void applyTo(Map<String, String> values) {
            if (this.newValue == null) {
                values.remove(this.key);
            }
            else {
                values.put(this.key, this.newValue);
            }
        }
    }

    private record PropertiesTarget(String beanName, ConfigurationProperties annotation, Bindable<?> bindable,
            boolean validated, ConfigurationPropertyName prefix) {

        PropertiesTarget(String beanName, ConfigurationProperties annotation, Bindable<?> bindable,
                boolean validated) {
            this(beanName, annotation, bindable, validated,
                    ConfigurationPropertyName.of(annotation.prefix().isEmpty() ? annotation.value()
                            : annotation.prefix()));
        }

        boolean covers(String key) {
            ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
            return this.prefix.isEmpty() || this.prefix.equals(name) || this.prefix.isAncestorOf(name);
        }
    }

    private record Rejection(String context, String key, String rawValue, String maskedValue, String reason,
            String bean, Instant since) {

        Map<String, Object> describe() {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("context", this.context);
            described.put("key", this.key);
            described.put("value", this.maskedValue);
            described.put("reason", this.reason);
            described.put("bean", this.bean);
            described.put("since", this.since.toString());
            return described;
        }
    }
}
