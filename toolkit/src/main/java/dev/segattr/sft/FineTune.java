package dev.segattr.sft;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.segattr.BadInputException;
import dev.segattr.experiment.RunRecord;
import dev.segattr.model.CausalLM;
import dev.segattr.model.Tokenizer;
import dev.segattr.viz.Charts;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One fine-tuning run from folders and files, as {@code segattr train} does it: read the model and its tokenizer,
 * mask the selected traces, train, and write into the output folder
 * <pre>
 *   config.json, model.safetensors, tokenizer files   the fine-tuned model (Hugging Face layout)
 *   checkpoints/epoch-N/                              per-epoch checkpoints (weights, optimizer, state)
 *   record.json                                       the experiment record
 *   loss.png                                          the loss per update
 * </pre>
 */
public final class FineTune {

    /**
     * @param model           Hugging Face checkpoint folder to start from (with its tokenizer)
     * @param data            selected traces, JSON Lines (as {@code segattr select} writes them)
     * @param out             output folder
     * @param train           training settings
     * @param mask            which tokens carry loss
     * @param superviseAnswer whether the answer part after the reasoning carries loss
     * @param answerTemplate  the answer part A, with {@code {answer}}; null for the reference's
     * @param resume          continue from the latest checkpoint in {@code out}
     * @param device          "cpu" or "gpu"
     */
    public record Options(Path model, Path data, Path out, TrainConfig train, TrainingData.MaskMode mask, boolean superviseAnswer,
                          String answerTemplate, boolean resume, String device) {

        public static Options of(Path model, Path data, Path out) {
            return new Options(model, data, out, TrainConfig.defaults(), TrainingData.MaskMode.SELECTIVE, true, null, false, "cpu");
        }

        public Options withTrain(TrainConfig t) {
            return new Options(model, data, out, t, mask, superviseAnswer, answerTemplate, resume, device);
        }

        public Options withMask(TrainingData.MaskMode m) {
            return new Options(model, data, out, train, m, superviseAnswer, answerTemplate, resume, device);
        }

        public Options withResume(boolean r) {
            return new Options(model, data, out, train, mask, superviseAnswer, answerTemplate, r, device);
        }

        /** The settings as a record's configuration: paths as given, the mask by its command-line name. */
        public Map<String, Object> toConfig() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("model", model.toString());
            c.put("data", data.toString());
            c.put("out", out == null ? null : out.toString());
            c.put("mask", mask.cliName());
            c.put("supervise_answer", superviseAnswer);
            c.put("answer_template", answerTemplate == null ? ChatFormat.REFERENCE_ANSWER : answerTemplate);
            c.put("resume", resume);
            c.put("device", device);
            c.put("train", train);
            return c;
        }
    }

    /** What a run produced. */
    public record Outcome(TrainResult result, TrainingData.Built data, RunRecord record) {
    }

    private FineTune() {
    }

    /** The masked examples a run would train on (also what {@code segattr export} writes). */
    public static TrainingData.Built data(Options o, Tokenizer tokenizer) {
        return TrainingData.build(o.data(), tokenizer, format(tokenizer, o.answerTemplate()), settings(o));
    }

    /** The reference's chat layout, with another answer part A when {@code answerTemplate} is not null. */
    public static ChatFormat format(Tokenizer tokenizer, String answerTemplate) {
        ChatFormat format = ChatFormat.reference(tokenizer);
        return answerTemplate == null ? format : format.withAnswerTemplate(answerTemplate);
    }

    /** How the options mask a trace. */
    public static TrainingData.Settings settings(Options o) {
        return new TrainingData.Settings(o.mask(), o.train().seed(), o.train().maxLength(), o.superviseAnswer());
    }

    /** The reference's line for one update: "epoch 1 update 12: loss 0.4213, lr 3.00e-05, grad norm 1.23, 5120 tokens/s". */
    public static String describe(TrainResult.Step s) {
        return String.format("epoch %d update %d: loss %.4f, lr %.3g, grad norm %.3g, %.0f tokens/s",
                s.epoch(), s.step(), s.loss(), s.learningRate(), s.gradNorm(), s.tokens() / Math.max(1e-9, s.seconds()));
    }

    /** {@link #run(Options, Consumer, Consumer)} with each update described as a line of the log. */
    public static Outcome run(Options o, Consumer<String> log) {
        return run(o, log, s -> log.accept(describe(s)));
    }

    /**
     * @param log    the run's lines of information (the data's figures)
     * @param onStep each optimizer update, as the trainer reports it
     */
    public static Outcome run(Options o, Consumer<String> log, Consumer<TrainResult.Step> onStep) {
        long started = System.nanoTime();
        if (!Files.isRegularFile(o.data())) {
            throw new BadInputException(o.data() + ": no such file");
        }
        requireDirectory(o.model(), "--model");
        RunRecord record = RunRecord.start("train", o.toConfig());
        record.seed("train", o.train().seed());
        record.input("data", o.data());
        record.input("model", o.model());
        TrainingData.Built data;
        try (Tokenizer tokenizer = Tokenizer.load(o.model())) {
            data = data(o, tokenizer);
        }
        data.skipped().forEach(s -> record.note("skipped " + s));
        log.accept(String.format("%d examples (%d skipped, %d cut to %d tokens), %d tokens, %.1f%% of the reasoning and answer supervised",
                data.examples().size(), data.skipped().size(), data.truncated(), o.train().maxLength(), data.tokens(),
                100 * data.supervisedFractionOfCompletion()));
        long prepared = System.nanoTime();
        TrainResult result;
        Device device = CausalLM.device(o.device());
        try (CausalLM model = CausalLM.load(o.model(), device, DataType.FLOAT32)) {
            result = new Trainer(o.train()).resume(o.resume()).copyingFilesFrom(o.model())
                    .onStep(onStep::accept)
                    .train(model, data.examples(), o.out());
            long trained = System.nanoTime();
            model.save(o.out());
            copyModelFiles(o.model(), o.out());
            record.timing("training", Duration.ofNanos(trained - prepared));
        }
        if (result.resumedFrom() != null) {
            record.note("resumed from " + result.resumedFrom());
        }
        Charts.savePng(lossChart(result), o.out().resolve("loss.png"));
        fill(record, result, data);
        record.timing("data", Duration.ofNanos(prepared - started));
        record.timing("total", Duration.ofNanos(System.nanoTime() - started));
        record.finish().write(o.out().resolve("record.json"));
        return new Outcome(result, data, record);
    }

    /** The loss per update (and the epochs' means at their last update). */
    public static XYChart lossChart(TrainResult result) {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("loss per update", result.losses());
        XYChart chart = Charts.curves("Training loss", "cross-entropy (nats per supervised token)", series);
        if (!result.epochs().isEmpty()) {
            double[] x = new double[result.epochs().size()];
            double[] y = new double[result.epochs().size()];
            long step = 0;
            for (int e = 0; e < x.length; e++) {
                step += result.epochs().get(e).updates();
                x[e] = step;
                y[e] = result.epochs().get(e).loss();
            }
            chart.addSeries("epoch mean", x, y);
        }
        return chart;
    }

    static void fill(RunRecord record, TrainResult result, TrainingData.Built data) {
        for (TrainResult.Epoch e : result.epochs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch());
            m.put("loss", e.loss());
            m.put("updates", e.updates());
            m.put("tokens", e.tokens());
            m.put("supervised_tokens", e.supervised());
            m.put("supervised_fraction", e.supervisedFraction());
            m.put("tokens_per_second", e.tokensPerSecond());
            m.put("seconds", e.seconds());
            m.put("checkpoint", e.checkpoint());
            record.epochs.add(m);
        }
        record.metrics(TrainMetrics.of(result, data));
    }

    private static void copyModelFiles(Path from, Path to) {
        try {
            TrainingCheckpoint.copyModelFiles(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the tokenizer files of " + from + ": " + e.getMessage(), e);
        }
    }

    static void requireDirectory(Path dir, String option) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(option + " " + dir + ": no such folder");
        }
    }
}
