package dev.segattr.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall-clock and CPU timing of repeated runs. On a shared machine the wall time of a run depends on what else
 * runs; the process' CPU time (all its threads, including the engine's) depends much less on it, so both are kept.
 *
 * @param seconds    wall time of each timed run
 * @param cpuSeconds CPU time of the whole process during each timed run
 */
record Repeats(double[] seconds, double[] cpuSeconds) {

    /** Runs {@code warmups} untimed times, then {@code repeats} timed times. */
    static Repeats time(int warmups, int repeats, Runnable run) {
        for (int i = 0; i < warmups; i++) {
            run.run();
        }
        double[] seconds = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (processCpuNanos() - c0) / 1e9;
        }
        return new Repeats(seconds, cpu);
    }

    double best() {
        return BenchReport.best(seconds);
    }

    double bestCpu() {
        return BenchReport.best(cpuSeconds);
    }

    /** CPU time of this process so far (-1 where the JVM cannot tell). */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
