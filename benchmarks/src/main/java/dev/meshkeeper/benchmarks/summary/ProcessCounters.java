package dev.meshkeeper.benchmarks.summary;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Figures of this process and machine that hold under load, read from Linux's {@code /proc}: the harnesses that
 * compare paths interleaved report them next to wall time.
 */
public final class ProcessCounters {

    private ProcessCounters() {
    }

    /**
     * Voluntary context switches of every live thread of this process so far (0 off Linux): a thread that blocks to
     * wait for another, as at every hand-off, switches voluntarily; the involuntary ones grow with the machine's load
     * and are left out.
     */
    public static long voluntaryContextSwitches() {
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                }
                catch (IOException ex) {
                    // the thread ended meanwhile
                }
            }
        }
        catch (IOException ex) {
            return 0;
        }
        return total;
    }

    /** The machine's load averages as {@code /proc/loadavg} gives them, or "unknown". */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        }
        catch (IOException ex) {
            return "unknown";
        }
    }
}
