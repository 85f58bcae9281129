package dev.segattr.attribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * K, how many path points go through the model in one forward+backward pass, chosen from the sequence length, the
 * model's activation memory per point and the memory the process may use ({@code --batch auto}).
 *
 * <p>Two bounds, both measured ({@code segattr bench --batch K}, README "Performance"):
 * <ul>
 *   <li><b>what helps:</b> a pass of K x T rows is no faster per point once K x T reaches about
 *       {@value #SATURATING_ROWS} rows (the matrix products are large enough to run at the machine's rate, and the
 *       fixed cost of a pass, a few hundred native calls, is spread thin). More points per pass then only cost
 *       memory.</li>
 *   <li><b>what fits:</b> K x {@link EmbeddingModel#activationBytesPerPoint(int)} stays within a share of the memory
 *       the machine has available ({@link #memoryBudget()}).</li>
 * </ul>
 * Then K is evened out over the passes (J = 50 at most 16 per pass gives 4 passes of 13, 13, 12, 12 rather than
 * 16, 16, 16, 2), and never exceeds J. K does not change the result beyond float rounding: the J points are the same,
 * only grouped.
 */
public final class PointsPerPass {

    /** K x T beyond which a larger pass is no faster per point (see the class comment). */
    public static final long SATURATING_ROWS = 4096;
    /** The share of the available memory that one pass's activations may take. */
    public static final double MEMORY_SHARE = 0.5;
    /** Budget used when the system says nothing about its memory. */
    static final long FALLBACK_BUDGET = 2L << 30;

    private PointsPerPass() {
    }

    /**
     * K for a sequence of {@code length} tokens and {@code steps} path points.
     *
     * @param bytesPerPoint activation bytes one point holds at this length (0 or less: unknown, memory is no bound)
     * @param budgetBytes   the memory one pass may take
     */
    public static int choose(int length, int steps, long bytesPerPoint, long budgetBytes) {
        if (length < 1 || steps < 1) {
            throw new IllegalArgumentException("length and steps must be at least 1, got " + length + ", " + steps);
        }
        long helps = Math.max(1, (SATURATING_ROWS + length - 1) / length);
        long fits = bytesPerPoint > 0 ? Math.max(1, budgetBytes / bytesPerPoint) : Long.MAX_VALUE;
        int most = (int) Math.min(steps, Math.min(helps, fits));
        int passes = (steps + most - 1) / most;
        return (steps + passes - 1) / passes;
    }

    /** K for {@code model} with the process' {@link #memoryBudget()}. */
    public static int choose(EmbeddingModel model, int length, int steps) {
        return choose(length, steps, model.activationBytesPerPoint(length), memoryBudget());
    }

    /**
     * {@value #MEMORY_SHARE} of the memory available to this process now: Linux's MemAvailable (free memory plus
     * what the page cache can give back), or the cgroup's limit less its usage when that is smaller. Read at each
     * call: on a shared machine it moves.
     */
    public static long memoryBudget() {
        long available = meminfoBytes("MemAvailable:");
        long cgroup = cgroupHeadroom();
        long bytes = available > 0 && cgroup > 0 ? Math.min(available, cgroup) : Math.max(available, cgroup);
        return bytes > 0 ? (long) (bytes * MEMORY_SHARE) : FALLBACK_BUDGET;
    }

    private static long meminfoBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /** cgroup v2 memory.max - memory.current, or -1 when there is no limit or no cgroup. */
    private static long cgroupHeadroom() {
        try {
            List<String> max = Files.readAllLines(Path.of("/sys/fs/cgroup/memory.max"));
            List<String> current = Files.readAllLines(Path.of("/sys/fs/cgroup/memory.current"));
            if (max.isEmpty() || current.isEmpty() || max.get(0).strip().equals("max")) {
                return -1;
            }
            return Long.parseLong(max.get(0).strip()) - Long.parseLong(current.get(0).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
