package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.ServerRole;
import dev.meshkeeper.registry.server.ServerStatistics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The ZooKeeper server's own figures as Micrometer gauges ({@code zookeeper.server.*}), read from its per-server
 * JMX beans at each scrape. A gauge reads NaN while the server does not serve.
 */
class RegistryServerMetrics implements MeterBinder {

    private final RegistryServer server;

    RegistryServerMetrics(RegistryServer server) {
        this.server = server;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "zookeeper.server.znodes", "Znodes in the data tree", null, ServerStatistics::znodeCount);
        gauge(registry, "zookeeper.server.watches", "Watches set by clients", null, ServerStatistics::watchCount);
        gauge(registry, "zookeeper.server.ephemerals", "Ephemeral znodes", null, ServerStatistics::ephemeralCount);
        gauge(registry, "zookeeper.server.connections", "Client connections open now", BaseUnits.CONNECTIONS,
                ServerStatistics::aliveConnections);
        gauge(registry, "zookeeper.server.outstanding.requests", "Requests queued and not yet answered",
                BaseUnits.TASKS, ServerStatistics::outstandingRequests);
        gauge(registry, "zookeeper.server.request.latency.min", "Smallest request latency", "milliseconds",
                ServerStatistics::minLatencyMillis);
        gauge(registry, "zookeeper.server.request.latency.avg", "Average request latency", "milliseconds",
                ServerStatistics::avgLatencyMillis);
        gauge(registry, "zookeeper.server.request.latency.max", "Largest request latency", "milliseconds",
                ServerStatistics::maxLatencyMillis);
        gauge(registry, "zookeeper.server.data.size", "Approximate bytes of paths and data held", BaseUnits.BYTES,
                ServerStatistics::approximateDataSize);
        for (ServerRole role : ServerRole.values()) {
            Gauge.builder("zookeeper.server.role", this.server, server -> (server.status().role() == role) ? 1 : 0)
                    .description("1 for the server's current role").tag("role", role.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("zookeeper.server.serving", this.server, server -> server.status().serving() ? 1 : 0)
                .description("1 while the server serves clients").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<ServerStatistics> value) {
        Gauge.builder(name, this.server, server -> {
            Optional<ServerStatistics> statistics = server.statistics();
            return statistics.map(value::applyAsDouble).orElse(Double.NaN);
        }).description(description).baseUnit(unit).register(registry);
    }
}
