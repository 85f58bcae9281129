package dev.segattr.spark;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Spreads records over partitions by cost, not by count: a trace of T tokens costs about T^2 (attention, and the
 * answer's gradient through every position), so one 16k-token trace weighs as much as 64 traces of 2k tokens.
 *
 * <p>Longest processing time first (Graham's LPT): records by descending cost, each into the partition with the least
 * cost so far. Its largest partition is at most 4/3 - 1/(3P) times the best possible; with many records it is within
 * one record's cost of the mean.
 */
final class CostPartitioner {

    private CostPartitioner() {
    }

    /** The cost of a record of {@code length} tokens. */
    static double cost(long length) {
        return (double) length * length;
    }

    /**
     * The partition of each record ({@code lengths[i]} gives record i's) over {@code partitions} partitions. Ties go to
     * the lower partition and, among equal lengths, the earlier record first, so the plan is the same on every run.
     */
    static int[] assign(long[] lengths, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> -lengths[i]).thenComparingInt(i -> i));
        double[] load = new double[partitions];
        int[] assigned = new int[lengths.length];
        for (int i : order) {
            int least = 0;
            for (int p = 1; p < partitions; p++) {
                if (load[p] < load[least]) {
                    least = p;
                }
            }
            assigned[i] = least;
            load[least] += cost(lengths[i]);
        }
        return assigned;
    }

    /** The cost in each partition. */
    static double[] loads(long[] lengths, int[] assigned, int partitions) {
        double[] load = new double[partitions];
        for (int i = 0; i < lengths.length; i++) {
            load[assigned[i]] += cost(lengths[i]);
        }
        return load;
    }

    /** How even the plan is: the largest partition's cost over the mean (1.0 is perfect). */
    static double imbalance(double[] loads) {
        double max = Arrays.stream(loads).max().orElse(0);
        double mean = Arrays.stream(loads).average().orElse(0);
        return mean == 0 ? 1.0 : max / mean;
    }

    static String describe(double[] loads) {
        return String.format(Locale.ROOT, "largest partition %.3fx the mean cost (sum of squared lengths)", imbalance(loads));
    }
}
