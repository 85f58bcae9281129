package dev.segattr.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CostPartitionerTest {

    @Test
    void oneLongTraceWeighsAsMuchAsManyShortOnes() {
        // Costs (length^2): 4000 -> 16.0M; eight of 1000 -> 1.0M each; four of 2000 -> 4.0M each. Total 40M, 20M per half.
        long[] lengths = {1000, 1000, 4000, 1000, 2000, 1000, 2000, 1000, 2000, 1000, 2000, 1000, 1000};
        int[] p = CostPartitioner.assign(lengths, 2);
        double[] loads = CostPartitioner.loads(lengths, p, 2);
        // LPT: 4000 -> p0 (16M); the four 2000s -> p1, p1, p1, p1 (16M), ... then the 1000s alternate: 4M more each.
        assertArrayEquals(new double[] {20e6, 20e6}, loads);
        // By count the split would be 7 and 6 records; by cost the long trace's partition holds 5.
        int inFirst = 0;
        for (int x : p) {
            inFirst += x == p[2] ? 1 : 0;
        }
        assertEquals(5, inFirst);
        assertEquals(1.0, CostPartitioner.imbalance(loads), 1e-12);
    }

    @Test
    void countSplitWouldBeFarWorse() {
        // 4 traces of 8000 tokens and 60 of 500: costs 4 x 64M = 256M, 60 x 0.25M = 15M; 271M over 4 partitions = 67.75M.
        long[] lengths = new long[64];
        for (int i = 0; i < 64; i++) {
            lengths[i] = i < 4 ? 8000 : 500;
        }
        double[] loads = CostPartitioner.loads(lengths, CostPartitioner.assign(lengths, 4), 4);
        // Each long trace in a partition of its own, the short ones spread evenly: 64M + 15 x 0.25M = 67.75M each.
        assertArrayEquals(new double[] {67.75e6, 67.75e6, 67.75e6, 67.75e6}, loads);
        // 16 consecutive records per partition (by count) would put all four long ones in the first: 256M + 12 x 0.25M.
        int[] byCount = new int[64];
        for (int i = 0; i < 64; i++) {
            byCount[i] = i / 16;
        }
        assertEquals(259e6 / 67.75e6, CostPartitioner.imbalance(CostPartitioner.loads(lengths, byCount, 4)), 1e-9);
    }

    @Test
    void manyRecordsEndWithinOneSmallRecordOfTheMean() {
        // Lengths 1..40 over 3 partitions: sum of squares 40 x 41 x 81 / 6 = 22140, mean 7380. LPT ends 7379, 7379, 7382:
        // the largest 2 above the mean (a record of length 1 or 2 is the last placed), 1.00027x.
        long[] lengths = new long[40];
        for (int i = 0; i < 40; i++) {
            lengths[i] = i + 1;
        }
        double[] loads = CostPartitioner.loads(lengths, CostPartitioner.assign(lengths, 3), 3);
        assertArrayEquals(new double[] {7379, 7379, 7382}, loads);
        assertEquals(7382.0 / 7380, CostPartitioner.imbalance(loads), 1e-12);
    }

    @Test
    void morePartitionsThanRecordsLeavesSomeEmpty() {
        int[] p = CostPartitioner.assign(new long[] {3, 1}, 4);
        assertArrayEquals(new int[] {0, 1}, p);
    }
}
