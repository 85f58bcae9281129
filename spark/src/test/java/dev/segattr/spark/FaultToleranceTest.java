package dev.segattr.spark;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Spark's retries and output commit protocol promise, with faults injected (spark.segattr.faults, {@link Faults}):
 * every trace exactly once, with the values an undisturbed run gives.
 */
class FaultToleranceTest {

    @TempDir
    Path tmp;

    @AfterEach
    void noMoreFaults() {
        LocalSpark.session().conf().unset(Faults.KEY);
    }

    @Test
    void aTaskThatFailsOnItsFirstAttemptIsRetriedAndEachTraceIsWrittenOnce() {
        Path in = LocalSpark.traces(tmp, 8);
        Path out = tmp.resolve("attributed");
        // 4 partitions of 2 traces, 2 at a time. Partitions 0 and 3 fail after their first record went to the task's
        // file (half a partition written); local[2,2] tries a task twice, so their second attempts write them whole.
        LocalSpark.session().conf().set(Faults.KEY, "fail:0,fail:3");
        assertEquals(0, LocalSpark.run(LocalSpark.attributeArgs(in, out, "--partitions", "4")));

        var written = LocalSpark.recordsOfFolder(out); // fails on an id written twice
        LocalSpark.assertSameAttributions(LocalSpark.referenceOf(LocalSpark.idsOf(in)), written);
        assertEquals(4, LocalSpark.partFiles(out).size()); // the failed attempts' files were never committed
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
    }

    /**
     * Spark's local mode never launches a speculative copy (TaskSchedulerImpl runs speculation only off local mode,
     * and never puts a copy on the host of the original), so on one machine this shows that a job with speculation on
     * and a straggler still writes every trace once; on a cluster the driver's OutputCommitCoordinator lets one
     * attempt of a partition commit, and the plan puts each trace in one partition.
     */
    @Test
    void withSpeculationOnAndAStragglerEachTraceIsWrittenOnce() {
        Path in = LocalSpark.traces(tmp, 6);
        Path out = tmp.resolve("attributed");
        try {
            LocalSpark.session(LocalSpark.SPECULATION).conf().set(Faults.KEY, "slow:1:3000");
            assertEquals(0, LocalSpark.run(LocalSpark.attributeArgs(in, out, "--partitions", "3")));
            LocalSpark.assertSameAttributions(LocalSpark.referenceOf(LocalSpark.idsOf(in)), LocalSpark.recordsOfFolder(out));
        } finally {
            LocalSpark.session(Map.of()); // back to the plain session for the other tests
        }
    }
}
