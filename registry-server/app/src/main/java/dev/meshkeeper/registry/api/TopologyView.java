package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The observed topology: a {@link CuratorCache} of the applications' topology nodes
 * ({@code {root}/{service}/{instance-id}}, one per instance, written by the starter at most every few seconds and
 * only on change), merged with the registrations into services and the calls between them. Every sample interval each
 * reporting instance's load, in-flight requests, served p99 latency and registration status go into its
 * {@link InstanceHistory}. A change of the topology nodes is announced as a {@code topology} event at most once per
 * event interval.
 * <p>
 * While ZooKeeper is away the cache keeps the last view; samples go on from it.
 */
final class TopologyView implements SmartLifecycle, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TopologyView.class);

    private final String root;

    private final CuratorCache cache;

    private final ServiceStore services;

    private final InstanceHistory history;

    private final Consumer<String> announcer;

    private final Clock clock;

    private final Duration sampleInterval;

    private final Duration eventInterval;

    private final JsonMapper json = JsonMapper.builder().build();

    private final Map<String, Reported> reports = new ConcurrentHashMap<>();

    private final AtomicBoolean changed = new AtomicBoolean();

    private final AtomicReference<ScheduledExecutorService> scheduler = new AtomicReference<>();

    /**
     * @param announcer announces a topic on the event stream, or {@code null} without one
     */
    TopologyView(CuratorFramework curator, String root, ServiceStore services, InstanceHistory history,
            Consumer<String> announcer, Duration sampleInterval, Duration eventInterval, Clock clock) {
        this.root = root;
        this.cache = CuratorCache.build(curator, root);
        this.services = services;
        this.history = history;
        this.announcer = announcer;
        this.sampleInterval = sampleInterval;
        this.eventInterval = eventInterval;
        this.clock = clock;
        this.cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> update(after))
                .forDeletes(this::remove)
                .build());
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-registry-topology");
            thread.setDaemon(true);
            return thread;
        });
        if (!this.scheduler.compareAndSet(null, executor)) {
            executor.shutdown();
            return;
        }
        this.cache.start();
        executor.scheduleAtFixedRate(this::sample, this.sampleInterval.toMillis(), this.sampleInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::announce, this.eventInterval.toMillis(), this.eventInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public boolean isRunning() {
        ScheduledExecutorService executor = this.scheduler.get();
        return executor != null && !executor.isShutdown();
    }

    @Override
    public void close() {
        ScheduledExecutorService executor = this.scheduler.get();
        if (executor != null && !executor.isShutdown()) {
            executor.shutdownNow();
            this.cache.close();
        }
    }

    /** The services (from the registrations and the reports) and the calls between them, over the last 60 s. */
    Topology topology() throws Exception {
        Map<String, TopologyNode> nodes = new TreeMap<>();
        for (ServiceStore.ServiceSummary summary : this.services.services()) {
            nodes.put(summary.name(), new TopologyNode(summary.name(), summary.instances(), summary.up()));
        }
        Map<List<String>, EdgeSum> sums = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0))
                .thenComparing((key) -> key.get(1)));
        for (Reported report : this.reports.values()) {
            nodes.putIfAbsent(report.service(), new TopologyNode(report.service(), 0, 0));
            report.calls().forEach((called, call) -> {
                nodes.putIfAbsent(called, new TopologyNode(called, 0, 0));
                sums.computeIfAbsent(List.of(report.service(), called), (key) -> new EdgeSum()).add(call);
            });
        }
        List<TopologyEdge> edges = new ArrayList<>();
        sums.forEach((key, sum) -> edges.add(sum.edge(key.get(0), key.get(1))));
        return new Topology(List.copyOf(nodes.values()), edges);
    }

    /** The instance's history points of the last {@code span}, oldest first. */
    List<InstanceHistory.Point> history(String service, String instance, Duration span) {
        return this.history.points(service, instance, this.clock.instant().minus(span));
    }

    /** Reporting instances now. */
    int reportingInstances() {
        return this.reports.size();
    }

    /** Adds a point to every reporting instance's history: its reported figures and its registration status. */
    void sample() {
        try {
            String at = this.clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
            Map<String, Map<String, String>> statuses = new HashMap<>();
            for (Reported report : this.reports.values()) {
                String status = statuses.computeIfAbsent(report.service(), this::registeredStatuses)
                        .getOrDefault(report.instance(), report.status());
                this.history.record(report.service(), report.instance(), new InstanceHistory.Point(at, report.load(),
                        report.inFlight(), report.servedP99Millis(), status));
            }
            this.history.forgetOlderThan(this.clock.instant().minus(Duration.ofMinutes(InstanceHistory.MAX_MINUTES)));
        }
        catch (RuntimeException ex) {
            logger.warn("Sampling the instances' history failed: {}", ex.toString(), ex);
        }
    }

    private Map<String, String> registeredStatuses(String service) {
        Map<String, String> statuses = new HashMap<>();
        try {
            this.services.service(service).forEach((instance) -> statuses.put(instance.id(), instance.status()));
        }
        catch (Exception ex) {
            // not registered (any more) or ZooKeeper away: the status the instance reported is used
        }
        return statuses;
    }

    private void announce() {
        if (this.changed.getAndSet(false) && this.announcer != null) {
            this.announcer.accept("topology");
        }
    }

    private void update(ChildData data) {
        ZKPaths.PathAndNode instance = ZKPaths.getPathAndNode(data.getPath());
        ZKPaths.PathAndNode service = ZKPaths.getPathAndNode(instance.getPath());
        if (!this.root.equals(service.getPath()) || data.getData() == null || data.getData().length == 0) {
            return;
        }
        try {
            JsonNode tree = this.json.readTree(new String(data.getData(), StandardCharsets.UTF_8));
            this.reports.put(data.getPath(), Reported.of(service.getNode(), instance.getNode(), tree));
            this.changed.set(true);
        }
        catch (RuntimeException ex) {
            logger.debug("Topology node {} is not a topology report; left out: {}", data.getPath(), ex.toString());
        }
    }

    private void remove(ChildData data) {
        if (this.reports.remove(data.getPath()) != null) {
            this.changed.set(true);
        }
    }

    /** {@code GET /api/v1/topology}. */
    record Topology(List<TopologyNode> nodes, List<TopologyEdge> edges) {
    }

    /** A service: its registered instances and how many are {@code UP}. */
    record TopologyNode(String service, int instances, int up) {
    }

    /**
     * Calls from one service to another over the last 60 s: the callers' rates summed, their error rate weighted by
     * rate, and the highest p99 latency a calling instance saw.
     */
    record TopologyEdge(String from, String to, double callsPerSecond, double errorRate, @Nullable Double p99Millis) {
    }

    private static final class EdgeSum {

        private double rate;

        private double errors;

        private Double p99;

        void add(Reported.Call call) {
            this.rate += call.callsPerSecond();
            this.errors += call.callsPerSecond() * call.errorRate();
            if (call.p99Millis() != null && (this.p99 == null || call.p99Millis() > this.p99)) {
                this.p99 = call.p99Millis();
            }
        }

        TopologyEdge edge(String from, String to) {
            double errorRate = (this.rate > 0) ? Math.min(1.0, this.errors / this.rate) : 0.0;
            return new TopologyEdge(from, to, Math.round(this.rate * 100) / 100.0,
                    Math.round(errorRate * 1000) / 1000.0, this.p99);
        }
    }

    /** One instance's report as read from its node. */
    record Reported(String service, String instance, String status, int inFlight, Double load,
            Double servedP99Millis, Map<String, Call> calls) {

        static Reported of(String service, String instance, JsonNode tree) {
            if (!tree.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Map<String, Call> calls = new LinkedHashMap<>();
            JsonNode callsNode = tree.get("calls");
            if (callsNode != null && callsNode.isObject()) {
                callsNode.properties().forEach((entry) -> {
                    JsonNode call = entry.getValue();
                    double rate = number(call, "callsPerSecond", 0.0);
                    if (rate >= 0 && ServiceStore.NAME.matcher(entry.getKey()).matches()) {
                        calls.put(entry.getKey(), new Call(rate,
                                Math.max(0, Math.min(1, number(call, "errorRate", 0.0))),
                                number(call, "p99Millis", null)));
                    }
                });
            }
            JsonNode status = tree.get("status");
            JsonNode served = tree.get("served");
            return new Reported(service, instance, (status != null && status.isString()) ? status.asString() : "UP",
                    (int) number(tree, "inFlight", 0.0).doubleValue(), number(tree, "load", null),
                    (served != null) ? number(served, "p99Millis", null) : null, calls);
        }

        private static Double number(JsonNode node, String field, Double otherwise) {
            JsonNode value = (node != null) ? node.get(field) : null;
            return (value != null && value.isNumber() && Double.isFinite(value.asDouble()))
                    ? Double.valueOf(value.asDouble()) : otherwise;
        }

        record Call(double callsPerSecond, double errorRate, Double p99Millis) {
        }
    }
}
