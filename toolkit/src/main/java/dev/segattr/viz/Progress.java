package dev.segattr.viz;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long loop (attribution over traces, training steps), shown where the user is looking: a line
 * on stderr from the command line, a bar that updates in place in a notebook (the kernel installs its own
 * {@link Sink}). The toolkit only reports; it never depends on a kernel.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("attribute", traces.size())) {
 *     for (Trace t : traces) { ...; p.step(); }
 * }
 * }</pre>
 *
 * <p>{@link #advance} is also the loop's stop point: when the thread was interrupted (a notebook's interrupt
 * button) it throws {@link CancellationException}, so a long cell stops between two steps and leaves no
 * half-done step behind.
 */
public final class Progress implements AutoCloseable {

    /** Receives the progress to show: at start, at most every {@link #INTERVAL_NANOS} while running, at the end. */
    @FunctionalInterface
    public interface Sink {
        void show(Progress progress);
    }

    /** Updates closer together than this are not shown (a front end need not redraw 10,000 times). */
    public static final long INTERVAL_NANOS = 200_000_000L;

    private static final AtomicLong IDS = new AtomicLong();
    private static volatile Sink sink = new StderrSink(System.err);

    private final String id;
    private final String label;
    private final long total;
    private final long startNanos;
    private final AtomicLong done = new AtomicLong();
    private volatile String note = "";
    private volatile boolean finished;
    private volatile long endNanos;
    private long lastShownNanos;

    private Progress(String label, long total) {
        this.id = "segattr-progress-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
        this.label = label;
        this.total = total;
        this.startNanos = System.nanoTime();
    }

    /** Where progress goes from now on; {@code null} restores the default (a line on stderr). */
    public static void setSink(Sink newSink) {
        sink = newSink != null ? newSink : new StderrSink(System.err);
    }

    public static Sink sink() {
        return sink;
    }

    /** Starts a progress of {@code total} steps ({@code total <= 0}: unknown) and shows it. */
    public static Progress start(String label, long total) {
        Progress p = new Progress(label, total);
        p.show(true);
        return p;
    }

    /** One step done. */
    public void step() {
        advance(1);
    }

    /** {@code steps} more done; throws {@link CancellationException} if the current thread was interrupted. */
    public void advance(long steps) {
        done.addAndGet(steps);
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new CancellationException("interrupted: " + label + " at " + done.get()
                    + (total > 0 ? "/" + total : "") + " steps");
        }
        show(false);
    }

    /** A short status shown after the bar, e.g. {@code "loss 0.532"}. */
    public void note(String text) {
        this.note = text == null ? "" : text;
        show(false);
    }

    /** Marks the end and shows the final state; later calls do nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (finished) {
                return;
            }
            endNanos = System.nanoTime();
            finished = true;
        }
        show(true);
    }

    private void show(boolean force) {
        long now = System.nanoTime();
        synchronized (this) {
            if (!force && now - lastShownNanos < INTERVAL_NANOS) {
                return;
            }
            lastShownNanos = now;
        }
        try {
            sink.show(this);
        } catch (RuntimeException e) {
            // A display that fails must not stop the computation it reports on.
        }
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    /** Steps in all; 0 or less when unknown. */
    public long total() {
        return total;
    }

    public long done() {
        return done.get();
    }

    public String note() {
        return note;
    }

    public boolean finished() {
        return finished;
    }

    /** Done over total in [0, 1], or NaN when the total is unknown. */
    public double fraction() {
        return total > 0 ? Math.min(1.0, done.get() / (double) total) : Double.NaN;
    }

    public double elapsedSeconds() {
        return ((finished ? endNanos : System.nanoTime()) - startNanos) / 1e9;
    }

    /** Estimated seconds left at the mean rate so far, or NaN when it cannot be told. */
    public double etaSeconds() {
        long d = done.get();
        if (total <= 0 || d <= 0 || finished) {
            return Double.NaN;
        }
        return elapsedSeconds() / d * Math.max(0, total - d);
    }

    /** One line: {@code attribute [########------------] 40/100 40% 3.2 s, eta 4.8 s loss 0.5}. */
    public String line() {
        StringBuilder s = new StringBuilder(label);
        long d = done.get();
        if (total > 0) {
            int width = 20;
            int filled = (int) Math.round(fraction() * width);
            s.append(" [").append("#".repeat(filled)).append("-".repeat(width - filled)).append("] ")
                    .append(d).append('/').append(total)
                    .append(String.format(Locale.ROOT, " %3.0f%%", 100 * fraction()));
        } else {
            s.append(' ').append(d).append(" steps");
        }
        s.append(String.format(Locale.ROOT, " %.1f s", elapsedSeconds()));
        double eta = etaSeconds();
        if (!Double.isNaN(eta)) {
            s.append(String.format(Locale.ROOT, ", eta %.1f s", eta));
        }
        if (finished) {
            s.append(", done");
        }
        if (!note.isEmpty()) {
            s.append("  ").append(note);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return line();
    }

    /**
     * The command line's sink: on a terminal the line is redrawn in place; in a log (no terminal) a line is
     * written at most every 5 seconds, and always at the end.
     */
    public static final class StderrSink implements Sink {
        private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
        private final PrintStream err;
        private final boolean terminal;
        private long lastLogged = Long.MIN_VALUE;

        public StderrSink(PrintStream err) {
            this(err, System.console() != null);
        }

        public StderrSink(PrintStream err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public synchronized void show(Progress p) {
            if (terminal) {
                err.print("\r" + p.line() + (p.finished() ? "\n" : ""));
                err.flush();
                return;
            }
            long now = System.nanoTime();
            if (p.finished() || lastLogged == Long.MIN_VALUE || now - lastLogged >= LOG_INTERVAL_NANOS) {
                lastLogged = now;
                err.println(p.line());
            }
        }
    }
}
