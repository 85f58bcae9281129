package dev.segattr.spark;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segattr.BadInputException;
import dev.segattr.cli.AttributionOptions;
import dev.segattr.cli.DecodingOptions;
import dev.segattr.cli.MaskOptions;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.SelectStage;
import dev.segattr.trace.JsonLines;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
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
        description = "segattr's attribute, logprobs, select, evaluate and export over a whole data set, as an Apache Spark job.",
        subcommands = {SegattrSpark.Attribute.class, SegattrSpark.Logprobs.class, SegattrSpark.Select.class,
                SegattrSpark.Evaluate.class, SegattrSpark.Export.class, CommandLine.HelpCommand.class})
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
        // The enum options as the command line reads them (its one-line refusals included); the attribution and
        // decoding options are the command line's own mixins.
        cli.registerConverter(ComputeDevice.class, ComputeDevice::parse);
        cli.registerConverter(SelectStage.Policy.class, SelectStage.Policy::parse);
        cli.setParameterExceptionHandler((e, args) -> {
            BadInputException bad = badInput(e);
            cli.getErr().println(bad != null ? "segattr " + e.getCommandLine().getCommandName() + ": " + bad.getMessage() : e.getMessage());
            cli.getErr().flush();
            return 2;
        });
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

        SparkSession spark(RecordJob job) {
            return SparkSession.builder().appName("segattr " + job.command()).getOrCreate();
        }

        int run(String in, String out, RecordJob job) {
            SparkSession spark = spark(job);
            // The command line's order of complaints: the input first, then the model folder.
            TraceInput.files(spark.sparkContext().hadoopConfiguration(), in);
            if (job.modelFolder() != null) {
                requireFolder(spark, job.modelFolder());
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

        @Mixin
        AttributionOptions attribution;

        @Option(names = "--device", paramLabel = "cpu|gpu", description = "gpu: the GPU Spark's resource scheduler gave the task (default: ${DEFAULT-VALUE})")
        ComputeDevice device = ComputeDevice.CPU;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
            job.run(in, out, new AttributeJob(new ModelSpec(model, tokenizer, device, attribution.dtype()), attribution));
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
            job.run(in, out, new LogprobsJob(new ModelSpec(model, tokenizer, ComputeDevice.CPU, Dtype.FLOAT32)));
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
        SelectStage.Policy policy = SelectStage.Policy.REFERENCE;

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

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = {"Accuracy and output length of a model on questions with gold answers: one prediction line per question",
                    "(what segattr evaluate writes) in a folder of part files; prints the figures as JSON."})
    static final class Evaluate implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder with its tokenizer")
        String model;

        @Option(names = "--in", required = true, paramLabel = "PATH", description = "questions with answers: JSON Lines file, folder or glob, or Parquet")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (part files of predictions)")
        String out;

        @Mixin
        DecodingOptions decoding;

        @Option(names = "--device", paramLabel = "D", description = "cpu or gpu (default: ${DEFAULT-VALUE})")
        ComputeDevice device = ComputeDevice.CPU;

        @Mixin
        JobOptions job;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            RecordJob evaluate = new EvaluateJob(new ModelSpec(model, null, device, Dtype.FLOAT32), decoding.settings());
            job.run(in, out, evaluate);
            var lines = job.spark(evaluate).read().textFile(out).collectAsList();
            spec.commandLine().getOut().println(JsonLines.MAPPER.writer(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(EvaluationSummary.of(lines)));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"The masked training data for other trainers (TRL's SFTTrainer and kin): one JSON line per trace",
                    "with id, input_ids and labels (-100 where no loss), what segattr export writes, in a folder of part files."})
    static final class Export implements Callable<Integer> {

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "the folder holding the tokenizer (tokenizer.json, tokenizer_config.json)")
        String model;

        @Option(names = "--in", required = true, paramLabel = "PATH", description = "selected traces: a file, or the folder select wrote")
        String in;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (part files)")
        String out;

        @Mixin
        MaskOptions mask;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
            job.run(in, out, new ExportJob(new ModelSpec(model, null, ComputeDevice.CPU, Dtype.FLOAT32), mask.mask(), mask.seed(),
                    mask.maxLength(), mask.answerLoss(), mask.answerTemplate()));
            return 0;
        }
    }
}
