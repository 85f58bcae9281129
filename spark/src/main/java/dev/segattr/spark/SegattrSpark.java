package dev.segattr.spark;

import dev.segattr.BadInputException;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.select.SelectionPolicy;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * The stages that scale, as one Spark application:
 * {@code spark-submit --class dev.segattr.spark.SegattrSpark spark/target/segattr-spark.jar attribute --model DIR --in PATH --out DIR}.
 * Each command takes the options of the {@code segattr} command of the same name, reads JSON Lines (or Parquet) from
 * any path Spark reads and writes a folder of JSON Lines part files holding the records that command writes.
 * Exit codes as the command line's: 0 done, 2 bad input (one line on stderr saying what and where), 1 anything else.
 */
@Command(name = "segattr-spark", mixinStandardHelpOptions = true,
        description = "segattr's attribute, logprobs and select over a whole data set, as an Apache Spark job.",
        subcommands = {SegattrSpark.Attribute.class, SegattrSpark.Logprobs.class, SegattrSpark.Select.class,
                CommandLine.HelpCommand.class})
public final class SegattrSpark implements Runnable {

    static {
        // Nothing is ever downloaded at run time: libtorch comes from the jar.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command line on the active SparkSession (or a new one from spark-submit's settings); returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SegattrSpark());
        cli.setExecutionExceptionHandler((e, line, parse) -> {
            BadInputException bad = badInput(e);
            if (bad != null) {
                cli.getErr().println("segattr " + line.getCommandName() + ": " + bad.getMessage());
                cli.getErr().flush();
                return 2;
            }
            throw e;
        });
        return cli;
    }

    /** The bad input behind a failure, also when it failed a task and Spark wrapped it. */
    static BadInputException badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException b) {
                return b;
            }
        }
        return null;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the records come from and go, and how the job spreads them: the options every command adds. */
    static final class JobOptions {

        @Option(names = "--format", paramLabel = "auto|jsonl|parquet",
                description = "input format; auto: Parquet when every input file ends in .parquet (default: ${DEFAULT-VALUE})")
        String format = "auto";

        @Option(names = "--partitions", paramLabel = "N",
                description = "partitions of equal cost (sum of squared lengths); 0: four per task slot (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--resume", description = "continue the output folder of a stopped job: records whose ids are in it are skipped")
        boolean resume;

        int run(String in, String out, RecordJob job) {
            SparkSession spark = SparkSession.builder().appName("segattr " + job.command()).getOrCreate();
            if (job.model() != null) {
                requireFolder(spark, job.model().dir());
            }
            return new JobRun(in, out, TraceInput.Format.parse(format), partitions, resume).run(spark, job, System.err);
        }

        private static void requireFolder(SparkSession spark, String dir) {
            try {
                Path p = new Path(dir);
                var fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
                if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
                    throw new BadInputException("--model " + dir + ": no such folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "attribute", mixinStandardHelpOptions = true,
            description = {"Integrated gradients of each trace's answer log-probability over its tokens, grouped by segment:",
                    "the records segattr attribute writes, as a folder of JSON Lines part files."})
    static final class Attribute implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "DIR",
                description = "Hugging Face checkpoint folder: a path every node sees, or hdfs://, s3a://... (copied once per executor)")
        String model;

        @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
        String tokenizer;

        @Option(names = "--in", required = true, paramLabel = "PATH", description = "traces: JSON Lines file, folder or glob, or Parquet")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (part files)")
        String out;

        @Option(names = "--steps", paramLabel = "J", description = "path points (default: ${DEFAULT-VALUE})")
        int steps = 50;

        @Option(names = "--baseline", paramLabel = "pad|zero", description = "path start: the pad token's embedding or zeros (default: ${DEFAULT-VALUE})")
        String baseline = "pad";

        @Option(names = "--points", paramLabel = "SCHEME",
                description = "reference (linspace, both ends, averaged), trapezoid or gauss-legendre (default: ${DEFAULT-VALUE})")
        String points = "reference";

        @Option(names = "--batch", paramLabel = "K", description = "path points per forward+backward pass; memory grows with K x tokens (default: ${DEFAULT-VALUE})")
        int batch = 1;

        @Option(names = "--device", paramLabel = "cpu|gpu", description = "gpu: the GPU Spark's resource scheduler gave the task (default: ${DEFAULT-VALUE})")
        String device = "cpu";

        @Option(names = "--dtype", paramLabel = "float32|float16", description = "(default: ${DEFAULT-VALUE}); float16 is refused")
        String dtype = "float32";

        @Option(names = "--delta-tolerance", paramLabel = "X",
                description = "status 'large delta' when |delta| > X |F(x) - F(x')| (default: ${DEFAULT-VALUE})")
        double deltaTolerance = IntegratedGradients.DEFAULT_DELTA_TOLERANCE;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
            checkDevice(device);
            job.run(in, out, new AttributeJob(new ModelSpec(model, tokenizer, device, dtype), steps, baseline, points, batch, deltaTolerance));
            return 0;
        }
    }

    @Command(name = "logprobs", mixinStandardHelpOptions = true,
            description = {"Per-token log-probabilities (and entropies) of each record's text under a model:",
                    "the records segattr logprobs writes, as a folder of JSON Lines part files."})
    static final class Logprobs implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder")
        String model;

        @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
        String tokenizer;

        @Option(names = "--in", required = true, paramLabel = "PATH", description = "records: JSON Lines file, folder or glob, or Parquet")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (part files)")
        String out;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
            job.run(in, out, new LogprobsJob(new ModelSpec(model, tokenizer, "cpu", "float32")));
            return 0;
        }
    }

    @Command(name = "select", mixinStandardHelpOptions = true,
            description = {"Choose the segments to supervise from attributed traces (the output of attribute):",
                    "the records segattr select writes, as a folder of JSON Lines part files."})
    static final class Select implements Callable<Integer> {

        @Option(names = "--in", required = true, paramLabel = "PATH", description = "attributed traces: a file, or the folder attribute wrote")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (part files)")
        String out;

        @Option(names = "--policy", paramLabel = "NAME",
                description = "reference, strength, random, perplexity, entropy or top-tokens (default: ${DEFAULT-VALUE})")
        String policy = "reference";

        @Option(names = "--tau", paramLabel = "T", description = "cumulative strength the top segments must reach (default: ${DEFAULT-VALUE})")
        double tau = SelectionPolicy.DEFAULT_TAU;

        @Option(names = "--beta", paramLabel = "B", description = "largest consistency kept (default: ${DEFAULT-VALUE})")
        double beta = SelectionPolicy.DEFAULT_BETA;

        @Option(names = "--seed", paramLabel = "S", description = "seed of the random policy (default: ${DEFAULT-VALUE})")
        long seed = 0;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
            job.run(in, out, new SelectJob(policy, tau, beta, seed));
            return 0;
        }
    }

    private static void checkDevice(String device) {
        if (!device.equals("cpu") && !device.equals("gpu")) {
            throw new BadInputException("device must be cpu or gpu, got '" + device + "'");
        }
    }

    static PrintStream log() {
        return System.err;
    }
}
