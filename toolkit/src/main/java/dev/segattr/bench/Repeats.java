package dev.segattr.bench;

/** Wall-clock timing of repeated runs. */
final class Repeats {

    private Repeats() {
    }

    /** Runs {@code warmups} untimed times, then {@code repeats} timed times; the seconds of each timed run. */
    static double[] time(int warmups, int repeats, Runnable run) {
        for (int i = 0; i < warmups; i++) {
            run.run();
        }
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        return seconds;
    }
}
