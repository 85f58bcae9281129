package dev.segattr.spark;

import org.apache.spark.TaskContext;

import java.util.Arrays;

/**
 * Faults injected into a job, for the tests of what Spark's retries and commit protocol promise. Set
 * {@code spark.segattr.faults} to a comma-separated list of
 * <ul>
 *   <li>{@code fail:P}: the first attempt of partition P fails after writing its first record (its file is half-written);</li>
 *   <li>{@code slow:P:MS}: the first attempt of partition P waits MS milliseconds after its first record (a straggler
 *       that speculation would copy);</li>
 *   <li>{@code halt:P}: the JVM halts (as kill -9) when partition P has written its first record.</li>
 * </ul>
 * Never set in a real run; nothing happens when it is absent.
 */
final class Faults {

    static final String KEY = "spark.segattr.faults";

    private Faults() {
    }

    private static final ThreadLocal<Long> FIRED = new ThreadLocal<>();

    /** Called by a task after each record it handed to the writer: acts once per task attempt, after the first. */
    static void afterFirstRecord(int partition) {
        TaskContext task = TaskContext.get();
        if (task == null || Long.valueOf(task.taskAttemptId()).equals(FIRED.get())) {
            return;
        }
        FIRED.set(task.taskAttemptId());
        String spec = task.getLocalProperty(KEY);
        if (spec == null || spec.isBlank()) {
            return;
        }
        for (String fault : spec.split(",")) {
            String[] f = fault.trim().split(":");
            if (Integer.parseInt(f[1]) != partition) {
                continue;
            }
            switch (f[0]) {
                case "fail" -> {
                    if (task.attemptNumber() == 0) {
                        throw new IllegalStateException("injected fault: first attempt of partition " + partition + " fails");
                    }
                }
                case "slow" -> {
                    if (task.attemptNumber() == 0) {
                        sleep(Long.parseLong(f[2]));
                    }
                }
                case "halt" -> Runtime.getRuntime().halt(137);
                default -> throw new IllegalArgumentException(KEY + ": unknown fault '" + fault + "' in " + Arrays.toString(f));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a killed speculative twin: stop waiting
        }
    }
}
