package dev.segattr.notebook;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.AttributionStatus;
import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PathPoints;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.experiment.RunRecord;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.select.SegmentMetrics;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.Selection;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.sft.ChatFormat;
import dev.segattr.sft.Evaluator;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.study.Study;
import dev.segattr.study.StudyConfig;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import dev.segattr.viz.Charts;
import dev.segattr.viz.Progress;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * segattr in one-line notebook cells. Every method is a thin front to the toolkit's own classes (the same code the
 * {@code segattr} commands run); what it returns shows itself in a notebook ({@link dev.segattr.viz.RichDisplay},
 * XChart charts, Tablesaw tables), and long loops report through {@link Progress}, which a notebook shows as a bar.
 *
 * <pre>{@code
 * import dev.segattr.notebook.*;
 * var traces = Segattr.traces("data/synth/train.jsonl");
 * var model = Segattr.model("data/model");
 * var a = Segattr.attribute(model, traces.get(0));        // shows the token heat map
 * var all = Segattr.attribute(model, traces.subList(0, 8), Segattr.ig(model, "gauss-legendre", 8));
 * Segattr.segmentTable(all);                               // an HTML table
 * Segattr.scatter(Segattr.segmentTable(all));              // strength vs consistency (PNG)
 * var study = Segattr.walkthrough(true);                   // the whole study; shows its summary table
 * }</pre>
 *
 * <p>Relative paths: an existing file is looked for in the working folder and then in the folders above it, so a
 * notebook in {@code notebooks/} finds {@code data/...} at the top of the repository; a path that does not exist
 * yet (an output) is taken relative to the project's top folder (the nearest one holding
 * {@code data/walkthrough.json}), else to the working folder. {@link #path} shows what a name resolves to.
 */
public final class Segattr {

    /** Path points per forward+backward pass by default: memory grows with it, the result does not change. */
    public static final int DEFAULT_BATCH = 10;

    private Segattr() {
    }

    // ---------------------------------------------------------------- files

    /** Where a file name points (see the class comment). */
    public static Path path(String name) {
        Path p = Path.of(name);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        for (Path dir = cwd(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(p))) {
                return dir.resolve(p).normalize();
            }
        }
        return home().resolve(p).normalize();
    }

    /** The project's top folder: the nearest folder at or above the working folder holding data/walkthrough.json. */
    public static Path home() {
        for (Path dir = cwd(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("data/walkthrough.json"))) {
                return dir;
            }
        }
        return cwd();
    }

    private static Path cwd() {
        return Path.of("").toAbsolutePath();
    }

    /** Every trace of a JSON Lines file (segattr's, LIMO's or the chat layout). */
    public static List<Trace> traces(String file) {
        return TraceReader.readAll(existing(file));
    }

    /** The first {@code limit} traces of a file (all when {@code limit <= 0}). */
    public static List<Trace> traces(String file, int limit) {
        List<Trace> all = traces(file);
        return limit > 0 && limit < all.size() ? List.copyOf(all.subList(0, limit)) : all;
    }

    /** The reference segmenter's split of a trace (shown as a table; with the known roles when the record has them). */
    public static Segments segment(Trace trace) {
        List<Segment> split = Segmenter.reference().split(trace.reasoning());
        List<String> recorded = trace.segmentsField();
        boolean same = recorded != null && recorded.equals(split.stream().map(Segment::text).toList());
        return new Segments(trace, split, same ? roles(trace, split.size()) : null);
    }

    /** The segments attribution uses: the record's {@code segments} when it has them (as segattr attribute does), else the reference split. */
    static Segments segmentsOf(Trace trace) {
        if (trace.segmentsField() == null) {
            return segment(trace);
        }
        try {
            List<Segment> segments = trace.segments();
            return new Segments(trace, segments, roles(trace, segments.size()));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("trace " + trace.id() + ": field 'segments': " + e.getMessage());
        }
    }

    private static List<String> roles(Trace trace, int count) {
        var node = trace.field("segment_roles");
        if (node == null || !node.isArray() || node.size() != count) {
            return null;
        }
        List<String> roles = new ArrayList<>();
        node.forEach(r -> roles.add(r.asText()));
        return roles;
    }

    // ---------------------------------------------------------------- models

    /** "gpu" when the engine sees one, else "cpu". */
    public static String defaultDevice() {
        return CausalLM.defaultDevice().isGpu() ? "gpu" : "cpu";
    }

    /** A checkpoint folder with its tokenizer, on the GPU when there is one, in float32. */
    public static Model model(String dir) {
        return model(dir, defaultDevice(), "float32");
    }

    /** @param device "cpu" or "gpu"; @param dtype "float32" or "float16" */
    public static Model model(String dir, String device, String dtype) {
        Path folder = existing(dir);
        Device d = CausalLM.device(device);
        DataType t = switch (dtype) {
            case "float32" -> DataType.FLOAT32;
            case "float16" -> DataType.FLOAT16;
            default -> throw new BadInputException("dtype must be float32 or float16, got '" + dtype + "'");
        };
        CausalLM lm = CausalLM.load(folder, d, t);
        try {
            Tokenizer tokenizer = Tokenizer.load(folder);
            tokenizer.checkFits(lm.config().vocabSize());
            return new Model(folder, lm, tokenizer);
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- attribution

    /** The paper's settings: J = 50 points linspace(0, 1, 50) averaged, the pad token's embedding as baseline, one point per pass. */
    public static IntegratedGradients.Options reference(Model model) {
        return IntegratedGradients.Options.reference(Baseline.pad(model.tokenizer().padId()));
    }

    /** A point scheme ("reference", "trapezoid", "gauss-legendre") with {@code points} points, pad baseline, up to 10 points per pass. */
    public static IntegratedGradients.Options ig(Model model, String scheme, int points) {
        return reference(model).withPoints(PointScheme.parse(scheme), points).withBatch(Math.min(points, DEFAULT_BATCH));
    }

    /** Integrated gradients of one trace with the paper's settings (10 points per pass: same result, fewer passes). */
    public static Attribution attribute(Model model, Trace trace) {
        return attribute(model, trace, reference(model).withBatch(DEFAULT_BATCH));
    }

    public static Attribution attribute(Model model, Trace trace, IntegratedGradients.Options options) {
        Segments segments = segmentsOf(trace);
        AnswerTarget target = AnswerTarget.of(model.tokenizer(), TraceLayout.promptOf(model.tokenizer()), trace, segments.segments());
        TokenAttribution result = target.attribute(new IntegratedGradients(model.embeddingModel(), options));
        return new Attribution(trace, segments, target, result);
    }

    /** Integrated gradients of every trace, with a progress bar. */
    public static List<Attribution> attribute(Model model, List<Trace> traces, IntegratedGradients.Options options) {
        List<Attribution> out = new ArrayList<>(traces.size());
        try (Progress p = Progress.start("attribute", traces.size())) {
            for (Trace t : traces) {
                Attribution a = attribute(model, t, options);
                out.add(a);
                p.note(String.format(Locale.ROOT, "%s: %d tokens, delta %.2g", t.id(), a.target().length(), a.delta()));
                p.step();
            }
        }
        return out;
    }

    /** F(x' + alpha (x - x')) of a trace's answer at points of the straight path from the baseline (alpha 0) to the input (alpha 1). */
    public static double[] targetAlongPath(Model model, Trace trace, IntegratedGradients.Options options, double... alphas) {
        AnswerTarget target = AnswerTarget.of(model.tokenizer(), TraceLayout.promptOf(model.tokenizer()), trace, segmentsOf(trace).segments());
        return new IntegratedGradients(model.embeddingModel(), options)
                .targetAlongPath(target.ids(), target.answerFrom(), target.answerTo(), alphas);
    }

    /**
     * The gradient at one point of the path checked against finite differences: d/d alpha F(x' + alpha (x - x')) from
     * autograd (integrated gradients with the single point alpha, weight 1: the sum of its token attributions) and
     * from the five-point central difference (F(a - 2h) - 8 F(a - h) + 8 F(a + h) - F(a + 2h)) / 12h, whose error
     * is of order h^4 (the float32 rounding of F, divided by h, is then what is left).
     */
    public static GradientCheck gradientCheck(Model model, Trace trace, Baseline baseline, double alpha, double h) {
        IntegratedGradients.Options one = reference(model).withBaseline(baseline)
                .withPath(PathPoints.custom(new double[] {alpha}, new double[] {1.0}));
        double autograd = attribute(model, trace, one).result().sum();
        double[] f = targetAlongPath(model, trace, one, alpha - 2 * h, alpha - h, alpha + h, alpha + 2 * h);
        return new GradientCheck(alpha, h, autograd, (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h));
    }

    /**
     * The convergence delta of one trace for each scheme at each number of points (a trapezoid needs 2 or more), with a
     * progress bar. Shows the log-scale chart and the table.
     */
    public static Convergence convergence(Model model, Trace trace, int[] points, String... schemes) {
        List<Convergence.Run> runs = new ArrayList<>();
        try (Progress p = Progress.start("convergence", (long) points.length * schemes.length)) {
            for (String name : schemes) {
                PointScheme scheme = PointScheme.parse(name);
                for (int j : points) {
                    if (j >= (scheme == PointScheme.TRAPEZOID ? 2 : 1)) {
                        TokenAttribution r = attribute(model, trace, ig(model, name, j)).result();
                        runs.add(new Convergence.Run(scheme.label(), j, r.targetLogprob(), r.baselineLogprob(), r.convergenceDelta(), r.seconds()));
                        p.note(scheme.label() + " " + j + ": delta " + String.format(Locale.ROOT, "%.2g", r.convergenceDelta()));
                    }
                    p.step();
                }
            }
        }
        return new Convergence(trace.id(), runs);
    }

    // ---------------------------------------------------------------- selection

    public static SegmentTable segmentTable(Attribution a) {
        return segmentTable(List.of(a), SelectionPolicy.reference());
    }

    /** One row per segment of every trace, under the reference rule (tau 0.7, beta 0.8). */
    public static SegmentTable segmentTable(List<Attribution> attributions) {
        return segmentTable(attributions, SelectionPolicy.reference());
    }

    /** Traces whose attributions are not finite have no metrics and are left out (their status says why). */
    public static SegmentTable segmentTable(List<Attribution> attributions, SelectionPolicy policy) {
        SegmentTable table = new SegmentTable();
        for (Attribution a : attributions) {
            if (a.status() != AttributionStatus.NON_FINITE) {
                table.add(a.scored(), a.selection(policy));
            }
        }
        return table;
    }

    /** Segments in the (strength, consistency) plane, by known role when every row has one, else selected or not. */
    public static XYChart scatter(SegmentTable table) {
        return scatter(table, SelectionPolicy.DEFAULT_BETA);
    }

    /** As {@link #scatter(SegmentTable)}, with the consistency limit beta drawn as a line (NaN: no line). */
    public static XYChart scatter(SegmentTable table, double beta) {
        Table t = table.table();
        boolean roles = t.rowCount() > 0 && t.stringColumn("role").countMissing() == 0
                && t.stringColumn("role").asList().stream().noneMatch(String::isEmpty);
        List<String> labels = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            labels.add(roles ? t.stringColumn("role").get(r) : t.booleanColumn("selected").get(r) ? "selected" : "not selected");
        }
        double[] x = t.doubleColumn("strength").asDoubleArray();
        double[] y = t.doubleColumn("consistency").asDoubleArray();
        return Charts.strengthConsistency(Charts.groupPoints(labels, x, y), beta);
    }

    /**
     * One row per trace: tokens, segments, F(x), F(x'), the delta, its status and time, and what the reference rule
     * keeps: selected segments, supervised share of the trace's tokens, and the share of segments that hold 80% of
     * the attribution strength.
     */
    public static Table overview(List<Attribution> attributions) {
        StringColumn id = StringColumn.create("id");
        IntColumn tokens = IntColumn.create("tokens");
        IntColumn segments = IntColumn.create("segments");
        DoubleColumn fx = DoubleColumn.create("F(x)");
        DoubleColumn fb = DoubleColumn.create("F(x')");
        DoubleColumn delta = DoubleColumn.create("delta");
        DoubleColumn relative = DoubleColumn.create("relative delta");
        StringColumn status = StringColumn.create("status");
        DoubleColumn seconds = DoubleColumn.create("seconds");
        IntColumn selected = IntColumn.create("selected segments");
        DoubleColumn tokenShare = DoubleColumn.create("supervised token share");
        DoubleColumn top80 = DoubleColumn.create("segments holding 80%");
        StringColumn settings = StringColumn.create("settings");
        for (Attribution a : attributions) {
            TokenAttribution r = a.result();
            id.append(a.trace().id());
            tokens.append(a.target().length());
            segments.append(a.segments().size());
            fx.append(r.targetLogprob());
            fb.append(r.baselineLogprob());
            delta.append(r.convergenceDelta());
            relative.append(r.relativeDelta());
            status.append(r.status().label());
            seconds.append(r.seconds());
            settings.append(r.settings());
            if (a.status() == AttributionStatus.NON_FINITE) {
                selected.appendMissing();
                tokenShare.appendMissing();
                top80.appendMissing();
            } else {
                Selection s = a.selection();
                selected.append(s.segments().length);
                tokenShare.append(s.tokenRatio());
                top80.append(shareHolding(a.metrics(), 0.8));
            }
        }
        Html.format(fx, "0.0000");
        Html.format(fb, "0.0000");
        Html.format(delta, "0.00E0");
        Html.format(relative, "0.00E0");
        Html.format(seconds, "0.00");
        Html.format(tokenShare, "0.000");
        Html.format(top80, "0.000");
        return Table.create("attributions", id, tokens, segments, fx, fb, delta, relative, status, seconds, selected, tokenShare, top80, settings);
    }

    /** The smallest share of a trace's segments whose strengths add up to {@code mass} (strongest first). */
    static double shareHolding(SegmentMetrics m, double mass) {
        double[] s = m.strengths();
        Arrays.sort(s);
        double sum = 0;
        int k = 0;
        for (int i = s.length - 1; i >= 0 && sum < mass - 1e-12; i--) {
            sum += s[i];
            k++;
        }
        return s.length == 0 || sum < mass - 1e-12 ? Double.NaN : (double) k / s.length;
    }

    /**
     * Writes the traces with their attributions, metrics and selection under a policy, the fields {@code segattr
     * attribute} and {@code segattr select} add, so that {@link #train}, {@link #export} and the commands take the file.
     * A trace whose attributions are not finite keeps only the always-kept segments, as {@code segattr select} does.
     */
    public static Path writeSelected(List<Attribution> attributions, SelectionPolicy policy, String file) {
        Path out = path(file);
        List<ObjectNode> records = new ArrayList<>();
        for (Attribution a : attributions) {
            TokenAttribution r = a.result();
            ObjectNode record = a.trace().copyOfRecord();
            record.put("id", a.trace().id());
            ArrayNode texts = record.putArray("segments");
            a.segments().texts().forEach(texts::add);
            ArrayNode counts = record.putArray("segment_token_counts");
            for (int c : a.target().segmentTokenCounts()) {
                counts.add(c);
            }
            putNumber(record, "target_logprob", r.targetLogprob());
            putNumber(record, "baseline_logprob", r.baselineLogprob());
            putNumber(record, "convergence_delta", r.convergenceDelta());
            record.put("attribution_status", r.status().label());
            record.put("attribution_settings", r.settings());
            ArrayNode selected = record.putArray("selected_segments");
            if (r.status() == AttributionStatus.NON_FINITE) {
                record.putNull("token_attributions");
                SelectionPolicy.alwaysKept(a.segments().size()).forEach(selected::add);
                record.put("selection_note", "no attributions (" + r.reason() + "): only the always-kept segments");
            } else {
                ArrayNode perSegment = record.putArray("token_attributions");
                a.perSegment().forEach(seg -> {
                    ArrayNode inner = perSegment.addArray();
                    for (double v : seg) {
                        inner.add((float) v);
                    }
                });
                SegmentMetrics m = a.metrics();
                ArrayNode strength = record.putArray("strength");
                ArrayNode consistency = record.putArray("consistency");
                for (int s = 0; s < m.size(); s++) {
                    strength.add(m.strength(s));
                    consistency.add(m.consistency(s));
                }
                Selection sel = a.selection(policy);
                Arrays.stream(sel.segments()).forEach(selected::add);
                record.put("selection_policy", sel.policy());
                record.put("selected_token_ratio", sel.tokenRatio());
                if (sel.level() == Selection.Level.TOKEN) {
                    ArrayNode tokens = record.putArray("selected_tokens");
                    sel.selectedTokenIndices().forEach(idx -> {
                        ArrayNode inner = tokens.addArray();
                        Arrays.stream(idx).forEach(inner::add);
                    });
                }
            }
            records.add(record);
        }
        JsonLines.write(out, records.stream());
        return out;
    }

    private static void putNumber(ObjectNode record, String field, double v) {
        if (Double.isFinite(v)) {
            record.put(field, v);
        } else {
            record.putNull(field);
        }
    }

    // ---------------------------------------------------------------- training and evaluation

    /**
     * The masked training data for other trainers (TRL's SFTTrainer and kin), as {@code segattr export --mask
     * selective} writes it: input_ids and labels (-100 where no loss).
     */
    public static Exported export(String modelDir, String selectedFile, String outFile) {
        FineTune.Options o = new FineTune.Options(existing(modelDir), existing(selectedFile), null, TrainConfig.defaults(),
                TrainingData.MaskMode.SELECTIVE, true, null, false, "cpu");
        TrainingData.Built data;
        try (Tokenizer tokenizer = Tokenizer.load(o.model())) {
            data = FineTune.data(o, tokenizer);
        }
        Path out = path(outFile);
        TrainingData.export(out, data.examples());
        return new Exported(out, data.examples().size(), data.skipped(), data.tokens(), data.supervisedTokens(),
                data.supervisedFractionOfCompletion());
    }

    /** Fine-tunes on the CPU; see {@link #train(String, String, String, String, TrainConfig, String)}. */
    public static Trained train(String modelDir, String selectedFile, String outDir, String mask, TrainConfig config) {
        return train(modelDir, selectedFile, outDir, mask, config, "cpu");
    }

    /**
     * Fine-tunes a copy of a checkpoint on selected traces, as {@code segattr train} does, with a progress bar.
     *
     * @param mask   "selective", "full", "random" or "top-tokens"
     * @param device "cpu" or "gpu"
     */
    public static Trained train(String modelDir, String selectedFile, String outDir, String mask, TrainConfig config, String device) {
        Path out = path(outDir);
        FineTune.Options o = new FineTune.Options(existing(modelDir), existing(selectedFile), out, config,
                TrainingData.MaskMode.parse(mask), true, null, false, device);
        gradModeOff();
        int examples;
        try (Tokenizer tokenizer = Tokenizer.load(o.model())) {
            examples = FineTune.data(o, tokenizer).examples().size();
        }
        FineTune.Outcome outcome;
        try (Progress p = Progress.start("train " + mask, config.epochs() * config.updatesPerEpoch(examples))) {
            outcome = FineTune.run(o, line -> {
                if (line.startsWith("epoch ")) { // one line per update: "epoch E update U: loss ..."
                    p.note(line.substring(line.indexOf(':') + 1).strip());
                    p.step();
                }
            });
        }
        Charts.savePng(outcome.result().lossChart(), out.resolve("loss.png"));
        return new Trained(out, outcome);
    }

    /** Greedy answers to the first {@code limit} questions of a file (all when 0), with a progress bar. */
    public static Evaluation evaluate(Model model, String questionsFile, int limit, int maxNewTokens) {
        List<Evaluator.Item> items = Evaluator.readItems(existing(questionsFile));
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        Evaluator evaluator = new Evaluator(model.lm(), model.tokenizer(), ChatFormat.reference(model.tokenizer()));
        Evaluator.Result result;
        try (Progress p = Progress.start("evaluate " + model.dir().getFileName(), items.size())) {
            result = evaluator.onPrediction(pr -> {
                p.note(pr.item().id() + (pr.correct() > 0 ? ": correct" : ": wrong"));
                p.step();
            }).evaluate(items, Evaluator.Settings.greedy(maxNewTokens).withBatchSize(Math.min(16, items.size())));
        }
        return new Evaluation(model.dir().getFileName().toString(), result);
    }

    // ---------------------------------------------------------------- the study

    /**
     * The walkthrough on the embedded default, as {@code segattr walkthrough [--quick]}: data/walkthrough.json (or
     * walkthrough-quick.json) into runs/walkthrough (or runs/walkthrough-quick), continuing a run left there.
     */
    public static StudyResult walkthrough(boolean quick) {
        String name = quick ? "walkthrough-quick" : "walkthrough";
        return study("data/" + name + ".json", "runs/" + name);
    }

    /**
     * A whole study ({@link Study}): attribution, selection, fine-tuning per method, evaluation, tables and charts, in
     * a run folder (a run left unfinished there continues). A progress bar counts the stages; the stages' own log
     * goes to RUN/study.log.
     *
     * @param configFile a study configuration, or a run's record.json to repeat that run
     */
    public static StudyResult study(String configFile, String runDir) {
        Path config = existing(configFile);
        StudyConfig c = StudyConfig.read(config);
        Path run = path(runDir);
        try {
            Files.createDirectories(run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + run, e);
        }
        int m = c.methods().size();
        long stages = 2 + 3 + m + (m + 1) + 1; // inputs (train, test), segment, attribute, select, train per method, evaluate each model, report
        gradModeOff();
        RunRecord record;
        PrintStream stdout = System.out;
        try (Progress p = Progress.start("study " + (c.name() == null ? "" : c.name()), stages);
             OutputStream file = Files.newOutputStream(run.resolve("study.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             PrintWriter log = new PrintWriter(new StageLog(new OutputStreamWriter(file, StandardCharsets.UTF_8), p), true)) {
            // The stages' reports (the commands print their figures on stdout) go to the log as well: the
            // notebook shows the bar, the tables and the charts, and study.log keeps every line.
            System.setOut(new PrintStream(file, true, StandardCharsets.UTF_8));
            record = Study.run(c, config.toAbsolutePath().getParent(), run, log);
            p.advance(Math.max(0, stages - p.done()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.resolve("study.log"), e);
        } finally {
            System.setOut(stdout);
        }
        return new StudyResult(run, record);
    }

    /**
     * PyTorch's grad mode is per thread and on by default; DJL turns it off only on the thread that loaded the
     * engine. A notebook kernel runs each cell on a fresh thread, where the optimizer's in-place update of a weight
     * that requires a gradient would then fail ("a view of a leaf Variable that requires grad is being used in an
     * in-place operation"). Gradient collectors turn it on for their backward pass and restore it after.
     */
    static void gradModeOff() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }

    private static Path existing(String name) {
        Path p = path(name);
        if (!Files.exists(p)) {
            throw new BadInputException(name + ": no such file or folder (looked in " + cwd() + " and the folders above it)");
        }
        return p;
    }
}
