package dev.meshkeeper.benchmarks.soak;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of every thread of this process, JIT compiler and GC threads included, grouped by what the thread does:
 * the in-process ZooKeeper server, the ZooKeeper/Curator client (its I/O and event threads and the threads Curator
 * runs cache listeners on), the JIT compiler, the garbage collector, and the rest. Read from
 * {@code /proc/self/task} (Linux; elsewhere every figure is 0), in clock ticks of 10 ms: meaningful over phases of a
 * second or more. Threads that end between two snapshots lose what they spent since the first.
 */
record ThreadCpu(Map<Integer, String> names, Map<Integer, Long> ticks) {

    /** The groups, in the order they are reported. */
    static final String[] GROUPS = { "server", "client", "jit", "gc", "other" };

    private static final double SECONDS_PER_TICK = 0.01;

    static ThreadCpu now() {
        Map<Integer, String> names = new HashMap<>();
        Map<Integer, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // pid (comm) state ppid ... utime stime: fields 14 and 15, counted after the closing parenthesis.
                    int close = stat.lastIndexOf(')');
                    String[] fields = stat.substring(close + 2).split(" ");
                    int id = Integer.parseInt(task.getFileName().toString());
                    names.put(id, stat.substring(stat.indexOf('(') + 1, close));
                    ticks.put(id, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                }
                catch (IOException | RuntimeException ex) {
                    // the thread ended meanwhile
                }
            }
        }
        catch (IOException ex) {
            // not Linux
        }
        return new ThreadCpu(names, ticks);
    }

    /** Seconds of CPU per group spent from {@code before} to this snapshot. */
    Map<String, Double> since(ThreadCpu before) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String group : GROUPS) {
            seconds.put(group, 0.0);
        }
        this.ticks.forEach((id, now) -> {
            long spent = now - before.ticks.getOrDefault(id, 0L);
            seconds.merge(group(this.names.get(id)), spent * SECONDS_PER_TICK, Double::sum);
        });
        return seconds;
    }

    /** The group of a thread, by its name as the kernel knows it (the first 15 characters). */
    static String group(String name) {
        if (name.startsWith("NIOServerCxnFac") || name.startsWith("NIOWorkerThread") || name.startsWith("SyncThread")
                || name.startsWith("ProcessThread") || name.startsWith("CommitProc")
                || name.startsWith("RequestThrottl") || name.startsWith("SessionTracker")
                || name.startsWith("ConnnectionExpi") || name.startsWith("ConnectionExpir")) {
            return "server";
        }
        if (name.contains("-SendThread") || name.contains("-EventThread") || name.startsWith("Curator")) {
            return "client";
        }
        if (name.contains("CompilerThre") || name.startsWith("C1 ") || name.startsWith("C2 ")) {
            return "jit";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
            return "gc";
        }
        return "other";
    }

    /** The per-thread-name seconds spent since {@code before}, for a closer look. */
    Map<String, Double> byName(ThreadCpu before) {
        Map<String, Double> seconds = new HashMap<>();
        this.ticks.forEach((id, now) -> seconds.merge(this.names.get(id).replaceAll("[0-9]+", "N"),
                (now - before.ticks.getOrDefault(id, 0L)) * SECONDS_PER_TICK, Double::sum));
        return seconds;
    }
}
