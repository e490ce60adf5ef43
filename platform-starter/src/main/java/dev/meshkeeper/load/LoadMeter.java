package dev.meshkeeper.load;

import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * This instance's load now: {@code max(inFlight / capacity, cpu)} clamped to [0, 1], where {@code cpu} is the
 * process's share of the machine's CPU counted only from the CPU threshold up (a process below it is not
 * CPU-bound, and on a shared machine its CPU share says little about how long its next request takes).
 */
final class LoadMeter {

    private final IntSupplier inFlight;

    private final int capacity;

    private final DoubleSupplier processCpu;

    private final double cpuThreshold;

    /** The CPU use last sampled: reading it costs a system call, so requests use the figure of the last tick. */
    private volatile double cpu = -1;

    /**
     * @param processCpu the process's recent CPU use in [0, 1], negative when unknown
     */
    LoadMeter(IntSupplier inFlight, int capacity, DoubleSupplier processCpu, double cpuThreshold) {
        this.inFlight = inFlight;
        this.capacity = capacity;
        this.processCpu = processCpu;
        this.cpuThreshold = cpuThreshold;
    }

    /** Samples the process CPU use, for the figures until the next sample. */
    void sampleCpu() {
        this.cpu = (this.cpuThreshold <= 1) ? this.processCpu.getAsDouble() : -1;
    }

    double current() {
        double requests = (double) this.inFlight.getAsInt() / this.capacity;
        double cpu = this.cpu;
        double load = (cpu >= this.cpuThreshold) ? Math.max(requests, cpu) : requests;
        return LoadFigure.clamp(load);
    }

    int capacity() {
        return this.capacity;
    }
}
