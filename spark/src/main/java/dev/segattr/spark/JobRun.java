package dev.segattr.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.TraceRecord;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Runs a {@link RecordJob} over an input: reads and checks every record (one cheap pass that measures lengths),
 * plans partitions of equal cost, then runs the expensive stage wave by wave, each wave one Spark job writing its
 * committed part files into the output folder.
 *
 * @param in         input path (JSON Lines file, folder or glob; Parquet)
 * @param out        output folder
 * @param format     input format
 * @param partitions partitions of the plan (0: four per task slot, at most one per record)
 * @param resume     continue an output folder: records whose ids are there are not redone
 */
record JobRun(String in, String out, TraceInput.Format format, int partitions, boolean resume) {

    /** Runs it; returns the number of records written by this run. */
    int run(SparkSession spark, RecordJob job, PrintStream log) {
        job.validate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (partitions < 0) {
            throw new BadInputException("--partitions must be 0 (four per task slot) or more, got " + partitions);
        }
        OutputFolder output = new OutputFolder(sc, out);
        Set<String> done = new HashSet<>();
        if (!output.dataFiles().isEmpty()) {
            if (!resume) {
                throw new BadInputException("--out " + out + " already holds records: add --resume to continue it, or remove it");
            }
            Map<String, String> idByMadeWith = new HashMap<>();
            for (Tuple2<String, String> kept : output.kept(spark, job)) {
                done.add(kept._1());
                idByMadeWith.putIfAbsent(kept._2(), kept._1());
            }
            job.resumes(out, idByMadeWith);
            log.println("segattr " + job.command() + ": resuming, " + done.size() + " records already in " + out);
        }

        String faults = spark.conf().get(Faults.KEY, "");
        sc.setLocalProperty(Faults.KEY, faults.isEmpty() ? null : faults);
        JavaRDD<InputLine> lines = TraceInput.read(spark, in, format).persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            sc.setJobDescription("segattr " + job.command() + ": read and measure " + in);
            List<Planned> plan = new ArrayList<>(lines.map(line -> plan(job, line)).collect());
            plan.sort(null);
            List<String> names = List.of(TraceInput.names(TraceInput.files(sc.hadoopConfiguration(), in)));
            check(plan, job, names);

            List<Planned> todo = plan.stream().filter(p -> !done.contains(p.id())).toList();
            if (todo.isEmpty()) {
                output.markComplete();
                log.println("segattr " + job.command() + ": nothing to do, all " + plan.size() + " records are in " + out);
                return 0;
            }
            int slots = Math.max(1, sc.defaultParallelism());
            int p = partitions > 0 ? partitions : 4 * slots;
            p = Math.min(p, todo.size());
            long[] lengths = todo.stream().mapToLong(Planned::length).toArray();
            int[] assigned = CostPartitioner.assign(lengths, p);
            double[] loads = CostPartitioner.loads(lengths, assigned, p);
            Map<Long, Integer> partitionOf = new HashMap<>();
            int[] traces = new int[p];
            long[] tokens = new long[p];
            for (int i = 0; i < todo.size(); i++) {
                partitionOf.put(key(todo.get(i).file(), todo.get(i).number()), assigned[i]);
                traces[assigned[i]]++;
                tokens[assigned[i]] += lengths[i];
            }
            long sum = 0;
            long longest = 0;
            double squares = 0;
            for (long l : lengths) {
                sum += l;
                longest = Math.max(longest, l);
                squares += CostPartitioner.cost(l);
            }
            log.printf(Locale.ROOT, "segattr %s: %d records to do (%,d tokens, mean %,d, longest %,d, sum of squares %.3g) in %d "
                            + "partitions, %d at a time; %s%n", job.command(), todo.size(), sum, sum / todo.size(), longest, squares,
                    p, slots, CostPartitioner.describe(loads));
            log.flush();

            Broadcast<Map<Long, Integer>> where = sc.broadcast(partitionOf);
            JavaPairRDD<Integer, InputLine> planned = lines
                    .filter(l -> where.value().containsKey(key(l.file(), l.number())))
                    .mapToPair(l -> new Tuple2<>(where.value().get(key(l.file(), l.number())), l));
            PartitionProgress progress = new PartitionProgress(job.command(), traces, tokens, loads, done.size(), log);
            spark.sparkContext().addSparkListener(progress);
            try {
                for (int first = 0; first < p; first += slots) {
                    int from = first;
                    int size = Math.min(slots, p - first);
                    JavaRDD<String> wave = planned
                            .filter(t -> t._1() >= from && t._1() < from + size)
                            .mapToPair(t -> new Tuple2<>(t._1() - from, t._2()))
                            .partitionBy(new HashPartitioner(size))
                            .mapPartitionsWithIndex((index, it) -> work(job, from + index, it), true)
                            .setName("segattr " + job.command() + " partitions " + from + "-" + (from + size - 1));
                    sc.setLocalProperty(PartitionProgress.WAVE, Integer.toString(from));
                    sc.setJobDescription(String.format(Locale.ROOT, "segattr %s: partitions %d-%d of %d", job.command(),
                            from, from + size - 1, p));
                    output.append(spark, wave);
                }
            } finally {
                sc.setLocalProperty(PartitionProgress.WAVE, null);
                spark.sparkContext().removeSparkListener(progress);
                where.destroy();
            }
            output.markComplete();
            return todo.size();
        } finally {
            lines.unpersist(false);
            sc.setJobDescription(null);
        }
    }

    static long key(int file, long number) {
        return ((long) file << 40) | number;
    }

    private static Planned plan(RecordJob job, InputLine line) {
        try {
            JsonLines.Line parsed = line.parse();
            return Planned.ok(line, job.id(parsed), job.length(parsed));
        } catch (BadInputException e) {
            return Planned.bad(line, e.getMessage());
        }
    }

    /** The first bad record in input order stops the job with its complaint, as the command line's first bad line does. */
    private static void check(List<Planned> plan, RecordJob job, List<String> names) {
        Set<String> ids = new HashSet<>();
        for (Planned p : plan) {
            if (p.error() != null) {
                throw new BadInputException(p.error());
            }
            if (job.uniqueIds() && !ids.add(p.id())) {
                throw BadInputException.at(names.get(p.file()), p.number(), "field 'id': duplicate id '" + p.id() + "'");
            }
        }
    }

    /** One task: its records in input order, through the job's work a chunk at a time, as the JSON lines the commit protocol writes. */
    private static Iterator<String> work(RecordJob job, int partition, Iterator<Tuple2<Integer, InputLine>> it) {
        List<InputLine> mine = new ArrayList<>();
        it.forEachRemaining(t -> mine.add(t._2()));
        mine.sort(null);
        RecordJob.Work work = job.open(job.model() == null ? null : ModelCache.model(job.model()));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> work.close());
        }
        int chunk = Math.max(1, work.chunk());
        return new Iterator<>() {
            int next;
            final java.util.ArrayDeque<String> ready = new java.util.ArrayDeque<>();
            boolean handedOut;

            @Override
            public boolean hasNext() {
                if (handedOut) {
                    handedOut = false;
                    Faults.afterFirstRecord(partition); // the record before is in the task's file now
                }
                while (ready.isEmpty() && next < mine.size()) {
                    List<TraceRecord> records = new ArrayList<>();
                    for (int end = Math.min(mine.size(), next + chunk); next < end; next++) {
                        InputLine l = mine.get(next);
                        records.add(TraceRecord.of(l.parse()));
                    }
                    for (ObjectNode out : work.apply(records)) {
                        try {
                            ready.add(JsonLines.MAPPER.writeValueAsString(out));
                        } catch (JsonProcessingException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                handedOut = true;
                return ready.poll();
            }
        };
    }
}
