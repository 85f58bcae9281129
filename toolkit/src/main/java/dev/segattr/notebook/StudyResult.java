package dev.segattr.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.RunRecord;
import dev.segattr.select.ScoredTrace;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.Selection;
import dev.segattr.study.Study;
import dev.segattr.study.Summary;
import dev.segattr.trace.JsonLines;
import dev.segattr.viz.Charts;
import dev.segattr.viz.RichDisplay;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A finished study run ({@link Study}): its folder and record, and the views a notebook shows, each read from
 * the files the run wrote. It shows itself as the summary table.
 *
 * <pre>{@code
 * var study = Segattr.walkthrough(true);
 * study.summary();      // accuracy and output length with 95% intervals, hit-limit share, supervised share per method
 * study.comparisons();  // selective against full, random, oracle...: paired differences, p-values
 * study.tradeoff();     // accuracy against output length, both intervals drawn
 * study.census();       // what each model writes, by role; study.scorers(); study.goals()
 * study.segments();     // every segment of the training set with its metrics and selection
 * study.scatter();      // strength vs consistency, by known role
 * study.lossCurves();   study.accuracy();   study.outputLength();   study.aurocByRole();
 * }</pre>
 */
public final class StudyResult implements RichDisplay {

    private final Path run;
    private final RunRecord record;

    StudyResult(Path run, RunRecord record) {
        this.run = run;
        this.record = record;
    }

    /** The run folder. */
    public Path dir() {
        return run;
    }

    public RunRecord record() {
        return record;
    }

    /** Per method (the starting model first, seeds pooled): accuracy and mean output tokens with 95% intervals, and more. */
    public List<Summary.MethodRow> rows() {
        Object methods = record.metrics.get("methods");
        if (!(methods instanceof List<?>)) {
            throw new IllegalStateException(run + ": the record has no 'methods' metrics (did the run finish?)");
        }
        return Summary.rows(methods);
    }

    /** The summary table, numbers rounded for reading (summary.csv and the record keep them whole). */
    public RichDisplay summary() {
        return RichDisplay.html(Html.table(rounded(Summary.table(rows()), "mean_output_tokens", 3)), Summary.markdown(rows()));
    }

    /** Selective fine-tuning against each other method on the same problems: differences with intervals, p-values. */
    public List<Summary.Comparison> comparisonRows() {
        return Summary.comparisons(record.metrics.getOrDefault("comparisons", List.of()));
    }

    /** The paired comparisons as a table. */
    public RichDisplay comparisons() {
        return RichDisplay.html(Html.table(rounded(Summary.comparisonTable(comparisonRows()), "tokens_difference", 4)),
                Summary.comparisonsMarkdown(comparisonRows()));
    }

    /** Accuracy against mean output tokens per method, both 95% intervals drawn. */
    public XYChart tradeoff() {
        return dev.segattr.study.Study.tradeoffChart(rows());
    }

    /** What each model writes, by role: segments per output, the hit-limit share (empty text when no census ran). */
    public RichDisplay census() {
        return RichDisplay.markdown(textOr(run.resolve("census.md"), "no role census in this run (" + notes() + ")"));
    }

    /**
     * The segment scorers (AUROC against the known roles, seconds per trace) and, when the ablation ran, what the
     * answer depends on, by role.
     */
    public RichDisplay scorers() {
        return RichDisplay.markdown(textOr(run.resolve("scorers.md"), "no scorer table in this run"));
    }

    /** The goals, checked on this run. */
    public RichDisplay goals() {
        return RichDisplay.markdown(textOr(run.resolve("goals.md"), "no goals checked in this run"));
    }

    /** The methods compared, in the configuration's order (without the starting model). */
    public List<String> methods() {
        List<String> methods = new ArrayList<>();
        record.config.path("methods").forEach(m -> methods.add(m.asText()));
        return methods;
    }

    /** The segment table of the training set, with the selection the run made. */
    public SegmentTable segments() {
        SegmentTable table = new SegmentTable();
        try (Stream<JsonLines.Line> lines = JsonLines.read(run.resolve("selected.jsonl"))) {
            lines.filter(l -> l.json().path("token_attributions").isArray())
                    .forEach(l -> {
                        ScoredTrace t = ScoredTrace.fromRecord(l);
                        table.add(t, recorded(l.json(), t.tokenCounts()));
                    });
        }
        return table;
    }

    /** Segments in the (strength, consistency) plane, by known role where the data has roles. */
    public XYChart scatter() {
        return Segattr.scatter(segments(), record.config.path("selection").path("beta").asDouble(Double.NaN));
    }

    /** The fine-tuning loss per update, one line per method. */
    public XYChart lossCurves() {
        Map<String, double[]> series = new LinkedHashMap<>();
        List<Long> seeds = new ArrayList<>();
        record.config.path("seeds").forEach(s -> seeds.add(s.asLong()));
        if (seeds.isEmpty()) {
            seeds.add(record.config.path("seed").asLong());
        }
        for (String method : methods()) {
            for (long seed : seeds) {
                JsonNode losses = json(run.resolve("models").resolve(method).resolve("seed" + seed).resolve("record.json"))
                        .path("metrics").path("loss_per_update");
                double[] y = new double[losses.size()];
                for (int i = 0; i < y.length; i++) {
                    y[i] = losses.get(i).asDouble();
                }
                series.put(method + "-seed" + seed, y);
            }
        }
        return Charts.curves("Fine-tuning loss per update", "loss", series);
    }

    public CategoryChart accuracy() {
        CategoryChart chart = Charts.bars("Accuracy on held-out problems (greedy, seeds pooled)", "accuracy", column(r -> r.accuracy().estimate()));
        chart.getStyler().setDecimalPattern("0.00");
        return chart;
    }

    public CategoryChart outputLength() {
        CategoryChart chart = Charts.bars("Mean output length (seeds pooled)", "tokens", column(r -> r.meanOutputTokens().estimate()));
        chart.getStyler().setDecimalPattern("0.0");
        return chart;
    }

    /**
     * AUROC of segment strength for the segments that matter (essential, reflective) against the others (redundant,
     * truncated), overall and per role; empty when the data has no known roles.
     */
    public Map<String, Double> auroc() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (record.metrics.get("auroc") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(k.toString(), v instanceof Number n ? n.doubleValue() : Double.NaN));
        }
        return out;
    }

    /** The AUROCs as bars (those that could be computed: a small run may lack a role). */
    public CategoryChart aurocByRole() {
        Map<String, Double> bars = new LinkedHashMap<>();
        auroc().forEach((k, v) -> {
            if (Double.isFinite(v)) {
                String label = k.replace("_vs_unimportant", "");
                bars.put(label.equals("important") ? "all" : label.equals("important_middle_segments") ? "middle" : label, v);
            }
        });
        if (bars.isEmpty()) {
            throw new IllegalStateException(run + ": no AUROC to show (the data has no known segment roles, or a role is missing)");
        }
        CategoryChart chart = Charts.bars("AUROC of segment strength vs unimportant segments", "AUROC", bars);
        chart.setXAxisTitle("important segments (all, middle ones only, by role) vs redundant and truncated ones");
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setDecimalPattern("0.00");
        return chart;
    }

    /** The roles table (segments, mean strength and consistency, share selected, per role) and the AUROCs. */
    public RichDisplay roles() {
        return RichDisplay.markdown(text(run.resolve("roles.md")));
    }

    /** The token heat map of the first attributed training trace, as the run drew it. */
    public RichDisplay heatMap() {
        String page = text(run.resolve("charts/heatmap.html"));
        int from = page.indexOf("<body>");
        int to = page.lastIndexOf("</body>");
        String body = from >= 0 && to > from ? page.substring(from + "<body>".length(), to) : page;
        return RichDisplay.html(body, "token heat map: " + run.resolve("charts/heatmap.html"));
    }

    /** Seconds per stage, as the record has them. */
    public Map<String, Double> timings() {
        return record.timings;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        return summary().mimeBundle();
    }

    @Override
    public String toString() {
        return "StudyResult(" + run + ")";
    }

    private Map<String, Double> column(java.util.function.ToDoubleFunction<Summary.MethodRow> value) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Summary.MethodRow row : rows()) {
            values.put(row.method(), value.applyAsDouble(row));
        }
        return values;
    }

    /** Numbers rounded for reading: token counts to 1 decimal, the columns named from {@code tokens} on, the others to {@code digits}. */
    private static Table rounded(Table t, String tokens, int digits) {
        for (String c : t.columnNames()) {
            if (t.column(c) instanceof tech.tablesaw.api.DoubleColumn d) {
                d.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(c.startsWith(tokens) ? 1 : digits));
            }
        }
        return t;
    }

    private String notes() {
        return String.join("; ", record.notes);
    }

    private static String textOr(Path file, String otherwise) {
        return Files.isRegularFile(file) ? text(file) : otherwise;
    }

    /** The selection a record carries ({@code selected_segments}, or {@code selected_tokens} for a token-level policy). */
    static Selection recorded(JsonNode record, int[] tokenCounts) {
        int[] segments = ints(record.path("selected_segments"));
        List<boolean[]> mask = new ArrayList<>();
        JsonNode tokens = record.path("selected_tokens");
        for (int s = 0; s < tokenCounts.length; s++) {
            boolean[] m = new boolean[tokenCounts[s]];
            if (tokens.isArray()) {
                for (int i : ints(tokens.path(s))) {
                    m[i] = true;
                }
            } else {
                Arrays.fill(m, Arrays.binarySearch(segments, s) >= 0);
            }
            mask.add(m);
        }
        return new Selection(record.path("selection_policy").asText(""), tokens.isArray() ? Selection.Level.TOKEN : Selection.Level.SEGMENT,
                segments, mask, record.path("selection_note").asText(""));
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        Arrays.sort(v);
        return v;
    }

    private static JsonNode json(Path file) {
        try {
            return JsonLines.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read", e);
        }
    }
}
