package dev.segattr.notebook;

import ai.djl.engine.Engine;
import dev.segattr.attribution.Baseline;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.attribution.PointScheme;
import dev.segattr.attribution.AttributionStatus;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.sft.TrainConfig;
import dev.segattr.sft.TrainingData;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.ExportStage;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.ModelSource;
import dev.segattr.stage.RecordStage;
import dev.segattr.stage.SelectStage;
import dev.segattr.stage.StageListener;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import dev.segattr.trace.TraceRecord;
import dev.segattr.viz.Progress;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.List;

/**
 * segattr in one-line notebook cells: each method hands off to the pipeline's stages ({@link dev.segattr.stage}, the code
 * the {@code segattr} commands run) or to a notebook class; what it returns shows itself in a notebook
 * ({@link dev.segattr.viz.RichDisplay}, XChart charts, Tablesaw tables), and long loops report through {@link Progress}.
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
 * Relative paths: existing files are looked for in the working folder and above, outputs go under {@link #home}.
 */
public final class Segattr {

    /** Path points per forward+backward pass by default: memory grows with it, the result does not change. */
    public static final int DEFAULT_BATCH = 10;

    private Segattr() {
    }
    // ---------------------------------------------------------------- files and traces

    /** Where a file name points (see the class comment). */
    public static Path path(String name) {
        return ProjectFiles.path(name);
    }

    /** The project's top folder: the nearest folder at or above the working folder holding data/walkthrough.json. */
    public static Path home() {
        return ProjectFiles.home();
    }

    /** Every trace of a JSON Lines file (segattr's, LIMO's or the chat layout). */
    public static List<Trace> traces(String file) {
        return TraceReader.readAll(ProjectFiles.existing(file));
    }

    /** The first {@code limit} traces of a file (all when {@code limit <= 0}). */
    public static List<Trace> traces(String file, int limit) {
        List<Trace> all = traces(file);
        return limit > 0 && limit < all.size() ? List.copyOf(all.subList(0, limit)) : all;
    }

    /** The reference segmenter's split of a trace (shown as a table; with the known roles when the record has them). */
    public static Segments segment(Trace trace) {
        return Attributions.reference(trace);
    }
    // ---------------------------------------------------------------- models

    /** "gpu" when the engine sees one, else "cpu". */
    public static String defaultDevice() {
        return ComputeDevice.detected().label();
    }

    /** A checkpoint folder with its tokenizer, on the GPU when there is one, in float32. */
    public static Model model(String dir) {
        return model(dir, defaultDevice(), "float32");
    }

    /** @param device "cpu" or "gpu"; @param dtype "float32" or "float16" */
    public static Model model(String dir, String device, String dtype) {
        Path folder = ProjectFiles.existing(dir);
        return new Model(LoadedModel.load(new ModelSource(folder, null, ComputeDevice.parse(device), Dtype.parse("dtype", dtype))));
    }
    // ---------------------------------------------------------------- attribution

    /** The paper's settings: J = 50 points linspace(0, 1, 50) averaged, the pad token's embedding as baseline, one point per pass. */
    public static IntegratedGradients.Options reference(Model model) {
        return IntegratedGradients.Options.reference(Baseline.pad(model.tokenizer().padId()));
    }

    /**
     * A point scheme ("reference", "trapezoid", "gauss-legendre") with {@code points} points, pad baseline, points per
     * pass chosen per trace (as {@code segattr attribute --batch auto}).
     */
    public static IntegratedGradients.Options ig(Model model, String scheme, int points) {
        return reference(model).withPoints(PointScheme.parse(scheme), points).withAutoBatch();
    }

    /** Integrated gradients of one trace with the paper's settings (points per pass chosen: same result, fewer passes). */
    public static Attribution attribute(Model model, Trace trace) {
        return attribute(model, trace, reference(model).withAutoBatch());
    }

    /** Integrated gradients of one trace: the attribute stage's work, with what a notebook shows of it. */
    public static Attribution attribute(Model model, Trace trace, IntegratedGradients.Options options) {
        return Attributions.attribute(model, trace, options);
    }

    /** Integrated gradients of every trace, with a progress bar. */
    public static List<Attribution> attribute(Model model, List<Trace> traces, IntegratedGradients.Options options) {
        return Attributions.attribute(model, traces, options);
    }

    /** F(x' + alpha (x - x')) of a trace's answer at points of the straight path from the baseline (alpha 0) to the input (alpha 1). */
    public static double[] targetAlongPath(Model model, Trace trace, IntegratedGradients.Options options, double... alphas) {
        return Attributions.targetAlongPath(model, trace, options, alphas);
    }

    /** d/d alpha F(x' + alpha (x - x')) at one point from autograd and from the five-point central difference (error O(h^4)). */
    public static GradientCheck gradientCheck(Model model, Trace trace, Baseline baseline, double alpha, double h) {
        return Attributions.gradientCheck(model, trace, reference(model).withBaseline(baseline), alpha, h);
    }

    /** The convergence delta of one trace for each scheme at each number of points, with a progress bar; shows chart and table. */
    public static Convergence convergence(Model model, Trace trace, int[] points, String... schemes) {
        return Attributions.convergence(model, trace, reference(model), DEFAULT_BATCH, points, schemes);
    }
    // ---------------------------------------------------------------- selection

    /** One row per segment, opening to its heat map; {@code .save(Path.of("a.html"))} makes it a page. */
    public static dev.segattr.viz.SegmentView view(Attribution a) {
        return a.view();
    }

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
        attributions.stream().filter(a -> a.status() != AttributionStatus.NON_FINITE).forEach(a -> table.add(a.scored(), a.selection(policy)));
        return table;
    }

    /** Segments in the (strength, consistency) plane, by known role when every row has one, else selected or not. */
    public static XYChart scatter(SegmentTable table) {
        return scatter(table, SelectionPolicy.DEFAULT_BETA);
    }

    /** As {@link #scatter(SegmentTable)}, with the consistency limit beta drawn as a line (NaN: no line). */
    public static XYChart scatter(SegmentTable table, double beta) {
        return Overview.scatter(table, beta);
    }

    /** One row per trace: tokens, segments, F(x), F(x'), the delta, its status and time, and what the reference rule keeps. */
    public static Table overview(List<Attribution> attributions) {
        return Overview.of(attributions);
    }

    /** Writes per trace exactly the record {@code segattr attribute} then {@code segattr select} write, so train, export and every command take it. */
    public static Path writeSelected(List<Attribution> attributions, SelectionPolicy policy, String file) {
        RecordStage<TraceRecord, TraceRecord> select = SelectStage.open(policy);
        Path out = path(file);
        JsonLines.write(out, attributions.stream().map(a -> select.apply(a.record()).json()));
        return out;
    }
    // ---------------------------------------------------------------- training and evaluation

    /** The masked training data for other trainers (TRL's SFTTrainer and kin), as {@code segattr export --mask selective} writes it. */
    public static Exported export(String modelDir, String selectedFile, String outFile) {
        Path out = path(outFile);
        TrainingData.Built data = ExportStage.run(ProjectFiles.existing(selectedFile), out,
                ExportStage.Options.of(ProjectFiles.existing(modelDir)), StageListener.NONE);
        return new Exported(out, data.examples().size(), data.skipped(), data.tokens(), data.supervisedTokens(),
                data.supervisedFractionOfCompletion());
    }

    /** Fine-tunes on the CPU. */
    public static Trained train(String modelDir, String selectedFile, String outDir, String mask, TrainConfig config) {
        return train(modelDir, selectedFile, outDir, mask, config, "cpu");
    }

    /** Fine-tunes a copy of a checkpoint as {@code segattr train} does, with a progress bar; mask "selective", "full", "random" or "top-tokens". */
    public static Trained train(String modelDir, String selectedFile, String outDir, String mask, TrainConfig config, String device) {
        gradModeOff();
        return Trained.run(ProjectFiles.existing(modelDir), ProjectFiles.existing(selectedFile), path(outDir), mask, config, device);
    }

    /** Greedy answers to the first {@code limit} questions of a file (all when 0), with a progress bar. */
    public static Evaluation evaluate(Model model, String questionsFile, int limit, int maxNewTokens) {
        return Evaluation.greedy(model, ProjectFiles.existing(questionsFile), limit, maxNewTokens);
    }

    // ---------------------------------------------------------------- the study

    /** The walkthrough on the embedded default, as {@code segattr walkthrough [--quick]}, continuing a run left in runs/. */
    public static StudyResult walkthrough(boolean quick) {
        return quick ? study("data/walkthrough-quick.json", "runs/walkthrough-quick") : study("data/walkthrough.json", "runs/walkthrough");
    }

    /** A whole study ({@link dev.segattr.study.Study}, through {@link StudyRun}) from a configuration (or a run's record.json) in a run folder, continuing a run left there; log in RUN/study.log. */
    public static StudyResult study(String configFile, String runDir) {
        gradModeOff();
        return StudyRun.run(ProjectFiles.existing(configFile), path(runDir));
    }

    /** Grad mode is per thread and on by default in PyTorch; a notebook runs cells on fresh threads, where training's in-place updates would fail. */
    static void gradModeOff() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }
}
