package dev.segattr.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** One stderr line per finished item: count, rate and time left (from the items done in this run). */
final class ProgressLine {

    private final PrintWriter out;
    private final String command;
    private final int total;
    private final int skipped;
    private final long start = System.nanoTime();
    private int done;

    ProgressLine(PrintWriter out, String command, int total, int skipped) {
        this.out = out;
        this.command = command;
        this.total = total;
        this.skipped = skipped;
    }

    void step(String detail) {
        done++;
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = done / seconds;
        int left = Math.max(0, total - skipped - done);
        out.printf(Locale.ROOT, "segattr %s: %d/%d %s, %.2f per min, %s left%n", command, skipped + done, total, detail,
                rate * 60, duration(left / rate));
        out.flush();
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
}
