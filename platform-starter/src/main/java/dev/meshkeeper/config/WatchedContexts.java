package dev.meshkeeper.config;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * The application's ZooKeeper config contexts, each with a live property source in the {@code Environment} and a
 * watch. The live source takes the place (same name, same position) of the one Spring Cloud Zookeeper loaded, so its
 * values can be replaced in place; when nothing was loaded (ZooKeeper absent at start-up) the contexts Spring Cloud
 * Zookeeper would have loaded are added empty ({@link AbsentConfigContexts}).
 */
final class WatchedContexts {

    private static final Logger logger = LoggerFactory.getLogger(WatchedContexts.class);

    private final ConfigurableEnvironment environment;

    private final List<WatchedContext> contexts;

    private WatchedContexts(ConfigurableEnvironment environment, List<WatchedContext> contexts) {
        this.environment = environment;
        this.contexts = contexts;
    }

    /** Puts a live source in place of every ZooKeeper source of {@code environment}; nothing is watched yet. */
    static WatchedContexts attach(ConfigurableEnvironment environment, CuratorFramework curator) {
        List<WatchedContext> contexts = new ArrayList<>();
        MutablePropertySources sources = environment.getPropertySources();
        for (PropertySource<?> source : sources) {
            if (source instanceof AbstractZookeeperPropertySource loaded) {
                LiveZookeeperPropertySource live = (loaded instanceof LiveZookeeperPropertySource existing) ? existing
                        : new LiveZookeeperPropertySource(loaded.getName(), loaded.getContext(), curator,
                                LiveZookeeperPropertySource.valuesOf(loaded));
                if (live != loaded) {
                    sources.replace(loaded.getName(), live);
                }
                contexts.add(new WatchedContext(live, curator));
            }
        }
        if (contexts.isEmpty()) {
            for (LiveZookeeperPropertySource absent : AbsentConfigContexts.add(environment, curator)) {
                contexts.add(new WatchedContext(absent, curator));
            }
        }
        if (contexts.isEmpty()) {
            logger.info("No ZooKeeper config context was loaded (is spring.config.import=optional:zookeeper: set?); "
                    + "nothing to watch");
        }
        return new WatchedContexts(environment, List.copyOf(contexts));
    }

    /** Starts every watch; {@code onChange} runs on Curator's thread (see {@link WatchedContext#start}). */
    void start(Runnable onChange) {
        for (WatchedContext context : this.contexts) {
            context.start(onChange);
            if (logger.isDebugEnabled()) {
                logger.debug("Watching config context " + context.path());
            }
        }
    }

    void close() {
        for (WatchedContext context : this.contexts) {
            context.close();
        }
    }

    /** The contexts, most specific first (the order of their sources in the {@code Environment}). */
    List<WatchedContext> all() {
        return this.contexts;
    }

    /**
     * A full {@code ContextRefresher.refresh()} (e.g. {@code POST /actuator/refresh}) reloads the config data and puts
     * new ZooKeeper property sources into the environment; take their values and put the live source back.
     */
    void adoptReloadedSources() {
        MutablePropertySources sources = this.environment.getPropertySources();
        for (WatchedContext context : this.contexts) {
            LiveZookeeperPropertySource live = context.source();
            PropertySource<?> current = sources.get(live.getName());
            if (current != live && current instanceof AbstractZookeeperPropertySource reloaded) {
                live.replace(LiveZookeeperPropertySource.valuesOf(reloaded));
                sources.replace(live.getName(), live);
            }
        }
    }
}
