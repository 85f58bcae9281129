package dev.segattr.study;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.attribution.PointScheme;
import dev.segattr.sft.Evaluator;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.EvaluateStage;
import dev.segattr.stage.ModelSource;
import dev.segattr.stage.SegmentStage;
import dev.segattr.stage.SelectStage;
import dev.segattr.stage.StageListener;
import dev.segattr.stage.TrainStage;
import dev.segattr.experiment.OutputLock;
import dev.segattr.experiment.RunRecord;
import dev.segattr.select.Auroc;
import dev.segattr.synth.Role;
import dev.segattr.synth.RoleClassifier;
import dev.segattr.trace.JsonLines;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The whole study in one run folder: segment, attribute and select a training set with the starting model,
 * fine-tune a copy of that model per method (full, selective, random...), evaluate the starting model and every
 * fine-tuned one on held-out problems, and write tables, charts and one experiment record.
 *
 * <p>Each stage is the library stage the {@code segattr} command of the same name runs ({@code dev.segattr.stage}),
 * so a study does exactly what the commands do; each stage's output is kept, and a run that stops (or is killed)
 * continues where it was when started again with the same folder.
 *
 * <pre>
 * RUN/inputs/{train,test}.jsonl    the data, cut to the configured sizes
 * RUN/segmented.jsonl, attributed.jsonl, selected.jsonl (+ selected-strength, selected-oracle, ablation.jsonl)
 * RUN/models/METHOD/seedS/         fine-tuned checkpoints (HF layout), their records and loss charts
 * RUN/eval/NAME.jsonl              predictions per question (NAME = base, METHOD-seedS), NAME.record.json
 * RUN/summary.{md,csv,html}        per method: accuracy and mean output tokens with 95% intervals, hit-limit
 *                                  share, supervised share, final loss; comparisons.csv the paired tests
 * RUN/census.md, scorers.md, goals.md, roles.md   role census, scorer table, issue 12's goals, roles vs attribution
 * RUN/segments.{csv,html}          the segment table
 * RUN/charts/*.png, heatmap.html   accuracy vs length, loss curves, scatter, one trace's token heat map
 * RUN/record.json                  configuration, inputs' hashes, environment, every figure (typed) and timing
 * </pre>
 */
public final class Study {

    public static final String BASE = "base";

    private final StudyConfig config;
    private final Path base;
    private final Path run;
    private final PrintWriter log;
    private final StageListener events;
    private final Workers workers;
    private final RunRecord record;

    private Study(StudyConfig config, Path base, Path run, PrintWriter log) {
        this.config = config;
        this.base = base;
        this.run = run;
        this.log = log;
        this.events = new StudyLog(log);
        this.workers = new Workers(config.workers());
        this.record = RunRecord.start("run", relativeConfig(config, base, run));
    }

    /**
     * Runs a study and returns its record.
     *
     * @param base the folder the configuration's paths are relative to
     * @param run  the run folder (created; reused to continue an interrupted run)
     */
    public static RunRecord run(StudyConfig config, Path base, Path run, PrintWriter log) {
        try (OutputLock lock = OutputLock.acquire(run)) { // one study at a time in a run folder
            Study study = new Study(config, base, run, log);
            try (study.workers) {
                return study.execute();
            }
        }
    }

    private RunRecord execute() {
        long started = System.nanoTime();
        Path model = base.resolve(config.model());
        record.seed("study", config.seed()).input("model", model);
        for (int i = 0; i < config.seeds().size(); i++) {
            record.seed("fine-tune " + (i + 1), config.seeds().get(i));
        }
        Path train = stage("inputs", () -> cut(base.resolve(config.train()), run.resolve("inputs/train.jsonl"), config.trainLimit()));
        Path test = stage("inputs", () -> cut(base.resolve(config.test()), run.resolve("inputs/test.jsonl"), config.testLimit()));
        record.input("train", train).input("test", test);

        // The starting model's evaluation needs nothing but the test file: it runs beside the attribution (see Workers).
        workers.evaluate(() -> evaluate(BASE, model, test, config.evaluation()));

        Path segmented = run.resolve("segmented.jsonl");
        Path attributed = run.resolve("attributed.jsonl");
        Path selected = run.resolve("selected.jsonl");
        stage("segment", () -> done(segmented, () -> SegmentStage.run(train, segmented, SegmentStage.Options.reference(), events)));
        if (config.ablation()) {
            workers.evaluate(() -> stage("score ablation", () -> Ablation.write(model, segmented, run.resolve("ablation.jsonl"))));
        }
        StudyConfig.Attribution a = config.attribution();
        AttributeStage.Options attribution = AttributeStage.Options.of(model)
                .withPoints(PointScheme.parse(a.points()), a.steps()).withBatch(a.batch()).withBaseline(AttributeStage.BaselineKind.parse(a.baseline()));
        attribution.validate();
        stage("attribute", () -> done(attributed, () -> AttributeStage.run(segmented, attributed, attribution, events)));
        StudyConfig.Selection s = config.selection();
        SelectStage.Options selection = new SelectStage.Options(SelectStage.Policy.parse(s.policy()), s.tau(), s.beta(), config.seed(), null);
        stage("select", () -> {
            SelectStage.run(attributed, selected, selection.withTable(run.resolve("segments.html")), events);
            SelectStage.run(attributed, selected, selection.withTable(run.resolve("segments.csv")), events);
            return selected;
        });
        if (config.methods().contains("strength")) {
            Path strength = trainingFile("strength");
            stage("select strength", () -> done(strength, () -> SelectStage.run(attributed, strength,
                    selection.withPolicy(SelectStage.Policy.STRENGTH), events)));
        }
        if (config.methods().contains("oracle")) {
            stage("select oracle", () -> Oracle.write(selected, trainingFile("oracle")));
        }

        List<Fit> fits = fits();
        StudyConfig.Training t = config.training();
        StudyConfig.Evaluation e = config.evaluation();
        List<Runnable> jobs = new ArrayList<>();
        for (Fit fit : fits) {
            jobs.add(() -> {
                Path out = modelDir(fit);
                stage("train " + fit, () -> done(out.resolve("record.json"), () -> {
                    TrainConfig trainConfig = TrainConfig.defaults().withEpochs(t.epochs()).withLearningRate(t.lr()).withBatchSize(t.batch())
                            .withGradAccum(t.gradAccum()).withWarmupRatio(t.warmup()).withWeightDecay(t.weightDecay())
                            .withMaxLength(t.maxLength()).withSeed(fit.seed()).withKeepCheckpoints(1);
                    TrainStage.Options options = TrainStage.Options.of(model).withTrain(trainConfig)
                            .withMask(TrainingData.MaskMode.parse(mask(fit.method())))
                            .withResume(Files.isDirectory(out.resolve("checkpoints")));
                    FineTune.Outcome outcome = TrainStage.run(trainingFile(fit.method()), out, options, events);
                    log.println(outcome.result().summary(run.relativize(out)));
                }));
                workers.evaluate(() -> evaluate(fit.toString(), out, test, e));
            });
        }
        workers.all(jobs);               // the fine-tunes side by side, each evaluated once trained

        Report report = stage("report", () -> new Report(config, run, log, record).write(fits, selected, attributed, model));
        record.timing("total", Duration.ofNanos(System.nanoTime() - started));
        record.finish().write(run.resolve("record.json"));
        log.println(report.markdown());
        log.flush();
        return record;
    }

    /** One fine-tune: a method and a seed. */
    record Fit(String method, long seed) {
        @Override
        public String toString() {
            return method + "-seed" + seed;
        }
    }

    List<Fit> fits() {
        List<Fit> fits = new ArrayList<>();
        for (String method : config.methods()) {
            for (long seed : config.seeds()) {
                fits.add(new Fit(method, seed));
            }
        }
        return fits;
    }

    private Path modelDir(Fit fit) {
        return run.resolve("models").resolve(fit.method()).resolve("seed" + fit.seed());
    }

    /** The records a method trains on: the reference selection, or the strength-only or ground-truth one. */
    private Path trainingFile(String method) {
        return switch (method) {
            case "strength" -> run.resolve("selected-strength.jsonl");
            case "oracle" -> run.resolve("selected-oracle.jsonl");
            default -> run.resolve("selected.jsonl");
        };
    }

    /** {@code segattr train --mask}: strength and oracle supervise their files' selected segments. */
    private static String mask(String method) {
        return switch (method) {
            case "strength", "oracle" -> "selective";
            default -> method;
        };
    }

    private void evaluate(String name, Path model, Path test, StudyConfig.Evaluation e) {
        Path out = run.resolve("eval").resolve(name + ".jsonl");
        Evaluator.Settings greedy = Evaluator.Settings.greedy(e.maxNewTokens()).withBatchSize(e.batch());
        stage("evaluate " + name, () -> done(EvaluateStage.recordPath(out), () -> {
            EvaluateStage.Outcome outcome = EvaluateStage.run(test, out, new EvaluateStage.Options(ModelSource.of(model), greedy), events);
            Evaluator.Result r = outcome.result();
            log.printf(Locale.ROOT, "evaluated %s: accuracy %.3f on %d problems, %.1f mean output tokens, %d hit the limit, %.1fs%n",
                    name, r.accuracy(), r.questions(), r.meanOutputTokens(), r.hitLimit(), r.seconds());
        }));
    }

    // ---- stages

    private interface Stage<T> {
        T run();
    }

    private <T> T stage(String name, Stage<T> stage) {
        long t0 = System.nanoTime();
        log.println("== " + name);
        log.flush();
        T result = stage.run();
        synchronized (record) {
            record.timings.merge(name, (System.nanoTime() - t0) / 1e9, Double::sum);
        }
        return result;
    }

    /** Runs a stage unless its output {@code done} exists already (a run started again continues where it stopped). */
    private Path done(Path done, Runnable stage) {
        if (Files.exists(done)) {
            log.println("   (done before: " + run.relativize(done) + ")");
            return done;
        }
        stage.run();
        return done;
    }

    /** The first {@code limit} records of a file (all when 0), written once. */
    private static Path cut(Path from, Path to, int limit) {
        if (Files.exists(to)) {
            return to;
        }
        try (Stream<JsonLines.Line> lines = JsonLines.read(from)) {
            Stream<JsonLines.Line> kept = limit > 0 ? lines.limit(limit) : lines;
            JsonLines.write(to, kept.map(JsonLines.Line::json));
        }
        return to;
    }

    /** The configuration with its paths relative to the run folder, so that the record can be run again. */
    private static ObjectNode relativeConfig(StudyConfig config, Path base, Path run) {
        ObjectNode json = JsonLines.MAPPER.valueToTree(config);
        Path from = run.toAbsolutePath().normalize();
        for (String field : List.of("model", "train", "test")) {
            Path p = base.resolve(json.get(field).asText()).toAbsolutePath().normalize();
            json.put(field, from.relativize(p).toString());
        }
        return json;
    }

    /** The classifier that gives the census each generated segment's role, from the synthetic generator's phrasings. */
    static java.util.Optional<Census.SegmentClassifier> classifier() {
        return java.util.Optional.of(segment -> RoleClassifier.classify(segment).role());
    }

    /** Accuracy against mean output tokens per method, both 95% intervals drawn (as RUN/charts/accuracy-vs-length.png). */
    public static org.knowm.xchart.XYChart tradeoffChart(List<Summary.MethodRow> rows) {
        return TradeoffChart.of(rows);
    }

    static Set<Role> important() {
        return EnumSet.of(Role.ESSENTIAL, Role.REFLECTIVE);
    }

    static double auroc(double[] scores, List<Role> roles, Set<Role> positives, Set<Role> negatives) {
        try {
            return Auroc.between(scores, roles, positives, negatives);
        } catch (IllegalArgumentException e) {
            return Double.NaN; // a role missing from a small run: reported as "n/a"
        }
    }
}
