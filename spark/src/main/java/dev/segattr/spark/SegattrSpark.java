package dev.segattr.spark;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segattr.BadInputException;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PointScheme;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.sft.ChatFormat;
import dev.segattr.sft.Evaluator;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.stage.AttributeStage;
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
        // The enum options as the command line reads them (its one-line refusals included).
        cli.registerConverter(AttributeStage.BaselineKind.class, AttributeStage.BaselineKind::parse);
        cli.registerConverter(PointScheme.class, v -> {
            try {
                return PointScheme.parse(v);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--points: " + e.getMessage());
            }
        });
        cli.registerConverter(ComputeDevice.class, ComputeDevice::parse);
        cli.registerConverter(Dtype.class, v -> Dtype.parse("--dtype", v));
        cli.registerConverter(SelectStage.Policy.class, SelectStage.Policy::parse);
        cli.registerConverter(TrainingData.MaskMode.class, TrainingData.MaskMode::parse);
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

        @Option(names = "--steps", paramLabel = "J", description = "path points (default: ${DEFAULT-VALUE})")
        int steps = 50;

        @Option(names = "--baseline", paramLabel = "pad|zero", description = "path start: the pad token's embedding or zeros (default: ${DEFAULT-VALUE})")
        AttributeStage.BaselineKind baseline = AttributeStage.BaselineKind.PAD;

        @Option(names = "--points", paramLabel = "SCHEME", defaultValue = "reference",
                description = "reference (linspace, both ends, averaged), trapezoid or gauss-legendre (default: ${DEFAULT-VALUE})")
        PointScheme points;

        @Option(names = "--batch", paramLabel = "K", description = "path points per forward+backward pass; memory grows with K x tokens (default: ${DEFAULT-VALUE})")
        int batch = 1;

        @Option(names = "--device", paramLabel = "cpu|gpu", description = "gpu: the GPU Spark's resource scheduler gave the task (default: ${DEFAULT-VALUE})")
        ComputeDevice device = ComputeDevice.CPU;

        @Option(names = "--dtype", paramLabel = "float32|float16", description = "(default: ${DEFAULT-VALUE}); float16 is refused")
        Dtype dtype = Dtype.FLOAT32;

        @Option(names = "--delta-tolerance", paramLabel = "X",
                description = "status 'large delta' when |delta| > X |F(x) - F(x')| (default: ${DEFAULT-VALUE})")
        double deltaTolerance = IntegratedGradients.DEFAULT_DELTA_TOLERANCE;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
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

        @Option(names = "--max-new-tokens", paramLabel = "N", description = "length limit of an output (default: ${DEFAULT-VALUE})")
        int maxNewTokens = 4096;

        @Option(names = "--greedy", description = "greedy decoding, one output per question (the default)")
        boolean greedy;

        @Option(names = "--samples", paramLabel = "N", description = "outputs per question, sampled (needs --temperature > 0)")
        Integer samples;

        @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature (default with --samples: 0.6)")
        Double temperature;

        @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling (default: ${DEFAULT-VALUE})")
        double topP = 0.95;

        @Option(names = "--seed", paramLabel = "S", description = "seed of the sampler (default: ${DEFAULT-VALUE})")
        long seed = 0;

        @Option(names = "--batch", paramLabel = "B", description = "prompts decoded together (default: ${DEFAULT-VALUE})")
        int batch = 8;

        @Option(names = "--device", paramLabel = "D", description = "cpu or gpu (default: ${DEFAULT-VALUE})")
        ComputeDevice device = ComputeDevice.CPU;

        @Mixin
        JobOptions job;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            RecordJob evaluate = new EvaluateJob(new ModelSpec(model, null, device, Dtype.FLOAT32), settings());
            job.run(in, out, evaluate);
            var lines = job.spark(evaluate).read().textFile(out).collectAsList();
            spec.commandLine().getOut().println(JsonLines.MAPPER.writer(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(EvaluationSummary.of(lines)));
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** The command line's reading of the decoding options. */
        private Evaluator.Settings settings() {
            boolean sampling = samples != null || (temperature != null && temperature > 0);
            if (greedy && sampling) {
                throw new BadInputException("--greedy cannot be combined with --samples or --temperature");
            }
            try {
                if (!sampling) {
                    return new Evaluator.Settings(maxNewTokens, 1, 0, 1, seed, batch);
                }
                double t = temperature == null ? 0.6 : temperature;
                if (!(t > 0)) {
                    throw new BadInputException("--temperature must be > 0 when sampling, got " + t);
                }
                return new Evaluator.Settings(maxNewTokens, samples == null ? 1 : samples, t, topP, seed, batch);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
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

        @Option(names = "--mask", paramLabel = "MODE",
                description = "selective (the record's selected_segments or selected_tokens), full, random, top-tokens (default: ${DEFAULT-VALUE})")
        TrainingData.MaskMode mask = TrainingData.MaskMode.SELECTIVE;

        @Option(names = "--seed", paramLabel = "S", description = "seed of --mask random (default: ${DEFAULT-VALUE})")
        long seed = TrainConfig.defaults().seed();

        @Option(names = "--max-length", paramLabel = "T", description = "longer sequences keep their first T tokens (default: ${DEFAULT-VALUE})")
        int maxLength = TrainConfig.defaults().maxLength();

        @Option(names = "--no-answer-loss", description = "no loss on the answer part after the reasoning either")
        boolean noAnswerLoss;

        @Option(names = "--answer-template", paramLabel = "A",
                description = "the text after the reasoning, {answer} for the gold answer (default: \"" + ChatFormat.REFERENCE_ANSWER + "\")")
        String answerTemplate;

        @Mixin
        JobOptions job;

        @Override
        public Integer call() {
            job.run(in, out, new ExportJob(new ModelSpec(model, null, ComputeDevice.CPU, Dtype.FLOAT32), mask, seed, maxLength,
                    !noAnswerLoss, answerTemplate));
            return 0;
        }
    }
}
