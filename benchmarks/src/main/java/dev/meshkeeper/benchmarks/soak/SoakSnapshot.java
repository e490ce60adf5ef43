package dev.meshkeeper.benchmarks.soak;

import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.ServerStatistics;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What the soak compares before and after: the JVM's heap after GC, the server's state and the consumer's cache. */
record SoakSnapshot(double heapMb, long watches, long znodes, long ephemerals, long connections, int cached) {

    static SoakSnapshot take(RegistryServer server, WatchedInstances watched, List<String> services)
            throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        ServerStatistics stats = server.statistics().orElseThrow();
        int cached = services.stream().mapToInt(s -> watched.allInstances(s).size()).sum();
        return new SoakSnapshot(usedHeap() / 1048576.0, stats.watchCount(), stats.znodeCount(), stats.ephemeralCount(),
                stats.aliveConnections(), cached);
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Prints the before/after table of the soak's report. */
    static void printComparison(SoakSnapshot before, SoakSnapshot after, int clientCount) {
        System.out.println();
        System.out.println("| measure | before | after |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT,
                "| heap after GC, whole JVM (server + %d clients + consumer) | %.1f MB | %.1f MB |%n", clientCount,
                before.heapMb(), after.heapMb());
        System.out.printf(Locale.ROOT, "| server `zk_watch_count` | %d | %d |%n", before.watches(), after.watches());
        System.out.printf(Locale.ROOT, "| server znodes / ephemerals | %d / %d | %d / %d |%n", before.znodes(),
                before.ephemerals(), after.znodes(), after.ephemerals());
        System.out.printf(Locale.ROOT, "| server connections | %d | %d |%n", before.connections(),
                after.connections());
        System.out.printf(Locale.ROOT, "| consumer cache: instances | %d | %d |%n", before.cached(), after.cached());
        System.out.println();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "heap after GC %.1f MB, watches %d, znodes %d, ephemerals %d, connections %d, cached %d",
                this.heapMb, this.watches, this.znodes, this.ephemerals, this.connections, this.cached);
    }
}
