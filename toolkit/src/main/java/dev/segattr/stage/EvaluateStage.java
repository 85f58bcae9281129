package dev.segattr.stage;

import dev.segattr.experiment.OutputLock;
import dev.segattr.experiment.RunRecord;
import dev.segattr.sft.ChatFormat;
import dev.segattr.sft.Evaluator;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Accuracy and output length of a model on questions with gold answers: greedy, or n samples per question with
 * pass@k. The file run writes one JSON line per question and the experiment record beside it (the predictions'
 * name with .record.json).
 */
public final class EvaluateStage {

    public static final String NAME = "evaluate";

    /**
     * @param model    the checkpoint with its tokenizer (float32)
     * @param settings decoding: length limit, samples, temperature, top-p, seed, batch
     */
    public record Options(ModelSource model, Evaluator.Settings settings) {

        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(settings, "settings");
        }

        /** Greedy, at most {@code maxNewTokens} new tokens, 8 prompts a batch, on the CPU. */
        public static Options greedy(Path model, int maxNewTokens) {
            return new Options(ModelSource.of(model), Evaluator.Settings.greedy(maxNewTokens));
        }
    }

    /** What a file run produced. */
    public record Outcome(Evaluator.Result result, RunRecord record, Path recordFile) {
    }

    private EvaluateStage() {
    }

    /** Evaluates the questions of {@code in}; the predictions go to {@code out}, the record beside it. */
    public static Outcome run(Path in, Path out, Options options, StageListener listener) {
        try (OutputLock lock = OutputLock.acquire(out)) {
            return write(in, out, options, listener);
        }
    }

    /** The file run, under the output's lock. */
    private static Outcome write(Path in, Path out, Options options, StageListener listener) {
        options.model().requireFolder();
        Evaluator.Settings settings = options.settings();
        List<Evaluator.Item> items = Evaluator.readItems(in);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", options.model().dir().toString());
        config.put("in", in.toString());
        config.put("settings", settings);
        RunRecord record = RunRecord.start(NAME, config);
        record.seed("sampling", settings.seed()).input("questions", in).input("model", options.model().dir());
        Evaluator.Result result;
        try (LoadedModel model = LoadedModel.load(options.model())) {
            result = evaluator(model, items.size(), listener).evaluate(items, settings);
        }
        Evaluator.writePredictions(out, result);
        record.metrics(result.figures());
        record.timing(NAME, Duration.ofNanos((long) (result.seconds() * 1e9)));
        Path recordFile = recordPath(out);
        record.finish().write(recordFile);
        return new Outcome(result, record, recordFile);
    }

    /**
     * The per-record work over a loaded model. {@link Evaluations#applyAll} decodes its records in batches as the file
     * run does (so it gives the file run's predictions for the same records in the same order); {@code apply} is
     * {@code applyAll} of one record.
     */
    public static Evaluations open(Options options, LoadedModel model) {
        return open(options, model, StageListener.NONE);
    }

    /** As {@link #open(Options, LoadedModel)}, each finished question a {@link StageEvent.RecordDone} ("2/4 correct"). */
    public static Evaluations open(Options options, LoadedModel model, StageListener listener) {
        return new Evaluations(options.settings(), evaluator(model, 0, listener));
    }

    /** Questions to predictions with a model ready. */
    public static final class Evaluations implements RecordStage<TraceRecord, Evaluator.Prediction> {

        private final Evaluator.Settings settings;
        private final Evaluator evaluator;

        private Evaluations(Evaluator.Settings settings, Evaluator evaluator) {
            this.settings = settings;
            this.evaluator = evaluator;
        }

        @Override
        public Evaluator.Prediction apply(TraceRecord record) {
            return applyAll(List.of(record)).get(0);
        }

        /** The predictions of these questions, in their order (a write as {@link Evaluator.Prediction#toJson()}). */
        public List<Evaluator.Prediction> applyAll(List<TraceRecord> records) {
            if (records.isEmpty()) {
                return List.of();
            }
            return evaluate(records.stream().map(r -> Evaluator.itemOf(r.line())).toList()).predictions();
        }

        /** The questions' predictions with the figures over them (accuracy, pass@k, lengths). */
        public Evaluator.Result evaluate(List<Evaluator.Item> items) {
            return evaluator.evaluate(items, settings);
        }
    }

    private static Evaluator evaluator(LoadedModel model, int total, StageListener listener) {
        int[] done = {0};
        return new Evaluator(model.lm(), model.tokenizer(), ChatFormat.reference(model.tokenizer()))
                .onPrediction(p -> listener.on(new StageEvent.RecordDone(NAME, ++done[0], total, p.item().id(),
                        p.correct() + "/" + p.outputs().size() + " correct")));
    }

    /** The record beside the predictions: E.jsonl -> E.record.json. */
    public static Path recordPath(Path predictions) {
        String name = predictions.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
        return predictions.resolveSibling(stem + ".record.json");
    }
}
