package dev.segattr.spark;

import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The driver's log line per finished partition: traces done, tokens per second, time left. Time left comes from
 * the cost still to do (sum of squared lengths) at the cost rate so far, since long traces are quadratically dearer.
 * The Spark UI shows the same work as the stages of one job per wave.
 */
final class PartitionProgress extends SparkListener {

    static final String WAVE = "segattr.wave.first-partition";

    private final String command;
    private final int[] traces;
    private final long[] tokens;
    private final double[] cost;
    private final int total;
    private final int skipped;
    private final PrintStream out;
    private final Map<Integer, Integer> firstPartitionOfStage = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();
    private final long start = System.nanoTime();
    private int tracesDone;
    private long tokensDone;
    private double costDone;
    private final double costTotal;

    PartitionProgress(String command, int[] traces, long[] tokens, double[] cost, int skipped, PrintStream out) {
        this.command = command;
        this.traces = traces;
        this.tokens = tokens;
        this.cost = cost;
        this.skipped = skipped;
        this.out = out;
        int t = 0;
        double c = 0;
        for (int p = 0; p < traces.length; p++) {
            t += traces[p];
            c += cost[p];
        }
        this.total = t + skipped;
        this.costTotal = c;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart job) {
        String first = job.properties() == null ? null : job.properties().getProperty(WAVE);
        if (first == null) {
            return;
        }
        // The job's result stage (the write) has the largest id; the shuffle that feeds it, a smaller one.
        int last = -1;
        var it = job.stageIds().iterator();
        while (it.hasNext()) {
            last = Math.max(last, (Integer) it.next());
        }
        firstPartitionOfStage.put(last, Integer.parseInt(first));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        String line;
        synchronized (this) {
            Integer first = firstPartitionOfStage.get(task.stageId());
            if (first == null || task.reason() != Success$.MODULE$) {
                return;
            }
            int p = first + task.taskInfo().index();
            if (p >= traces.length || !finished.add(p)) {
                return; // a speculative twin's success after the first: counted once
            }
            tracesDone += traces[p];
            tokensDone += tokens[p];
            costDone += cost[p];
            line = line(p);
        }
        out.println(line);
        out.flush();
    }

    private String line(int p) {
        double seconds = (System.nanoTime() - start) / 1e9;
        double left = costDone == 0 ? Double.NaN : (costTotal - costDone) * seconds / costDone;
        return String.format(Locale.ROOT, "segattr %s: partition %d done (%d traces, %,d tokens); %d/%d traces, %d/%d partitions, "
                        + "%,.0f tokens/s, %s left", command, p, traces[p], tokens[p], skipped + tracesDone, total,
                finished.size(), traces.length, tokensDone / seconds, duration(left));
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
