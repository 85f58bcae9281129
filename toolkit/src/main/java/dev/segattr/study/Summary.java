package dev.segattr.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.study.Statistics.Interval;
import dev.segattr.study.Statistics.Paired;
import dev.segattr.trace.JsonLines;
import dev.segattr.viz.HtmlTable;
import dev.segattr.viz.RichDisplay;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The study's headline tables: per method (seeds pooled) accuracy and mean output tokens with their 95% intervals,
 * the share of outputs that hit the length limit, the supervised share and the final training loss; and the paired
 * comparisons of selective fine-tuning against the other methods on the same problems.
 */
public final class Summary {

    /**
     * One method, its seeds pooled.
     *
     * @param accuracySeedSd     standard deviation of the per-seed accuracies (0 for the starting model)
     * @param supervisedFraction supervised share of the training completions, mean over seeds (null: starting model)
     * @param finalLoss          training loss of the last update, mean over seeds (null: starting model)
     */
    public record MethodRow(String method, int seeds, int problems, Interval accuracy,
                            @JsonProperty("accuracy_seed_sd") double accuracySeedSd,
                            @JsonProperty("mean_output_tokens") Interval meanOutputTokens,
                            @JsonProperty("hit_limit_share") double hitLimitShare,
                            @JsonProperty("supervised_fraction") Double supervisedFraction,
                            @JsonProperty("final_loss") Double finalLoss) {
    }

    /** The exact McNemar test of one seed of A against the same-index seed of B. */
    public record McNemar(@JsonProperty("seed_a") long seedA, @JsonProperty("seed_b") long seedB,
                          @JsonProperty("a_only") int aOnly, @JsonProperty("b_only") int bOnly, double p) {
    }

    /**
     * A against B on the same problems.
     *
     * @param accuracy    accuracy(A) - accuracy(B), paired bootstrap over problems
     * @param tokens      mean output tokens(A) - (B), paired bootstrap over problems
     * @param tokenRatio  mean output tokens(A) / (B)
     * @param mcnemar     per seed pair (seeds matched by their place in the configuration)
     */
    public record Comparison(String a, String b, Paired accuracy, Paired tokens, @JsonProperty("token_ratio") Interval tokenRatio,
                             List<McNemar> mcnemar) {
    }

    private Summary() {
    }

    /** Rows from a record's metrics (as written, or as read back from record.json). */
    public static List<MethodRow> rows(Object metric) {
        return JsonLines.MAPPER.convertValue(metric, new TypeReference<List<MethodRow>>() { });
    }

    public static List<Comparison> comparisons(Object metric) {
        return JsonLines.MAPPER.convertValue(metric, new TypeReference<List<Comparison>>() { });
    }

    public static Table table(List<MethodRow> rows) {
        Table t = Table.create("summary");
        StringColumn method = StringColumn.create("method");
        IntColumn seeds = IntColumn.create("seeds");
        IntColumn problems = IntColumn.create("problems");
        DoubleColumn[] acc = intervalColumns("accuracy");
        DoubleColumn sd = DoubleColumn.create("accuracy_seed_sd");
        DoubleColumn[] len = intervalColumns("mean_output_tokens");
        DoubleColumn hit = DoubleColumn.create("hit_limit_share");
        DoubleColumn supervised = DoubleColumn.create("supervised_fraction");
        DoubleColumn loss = DoubleColumn.create("final_loss");
        for (MethodRow r : rows) {
            method.append(r.method());
            seeds.append(r.seeds());
            problems.append(r.problems());
            append(acc, r.accuracy());
            sd.append(r.accuracySeedSd());
            append(len, r.meanOutputTokens());
            hit.append(r.hitLimitShare());
            supervised.append(r.supervisedFraction() == null ? Double.NaN : r.supervisedFraction());
            loss.append(r.finalLoss() == null ? Double.NaN : r.finalLoss());
        }
        return t.addColumns(method, seeds, problems, acc[0], acc[1], acc[2], sd, len[0], len[1], len[2], hit, supervised, loss);
    }

    public static String markdown(List<MethodRow> rows) {
        StringBuilder md = new StringBuilder("| method | seeds x problems | accuracy [95% CI] | seed sd | mean output tokens [95% CI] "
                + "| hit length limit | supervised tokens | final train loss |\n|---|---|---|---|---|---|---|---|\n");
        for (MethodRow r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d x %d | %s | %s | %s | %.1f%% | %s | %s |%n", r.method(), r.seeds(), r.problems(),
                    interval(r.accuracy(), "%.3f"), r.seeds() > 1 ? String.format(Locale.ROOT, "%.3f", r.accuracySeedSd()) : "",
                    interval(r.meanOutputTokens(), "%.1f"), 100 * r.hitLimitShare(),
                    r.supervisedFraction() == null ? "(starting model)" : String.format(Locale.ROOT, "%.1f%%", 100 * r.supervisedFraction()),
                    r.finalLoss() == null ? "" : String.format(Locale.ROOT, "%.3f", r.finalLoss())));
        }
        return md.toString();
    }

    public static String comparisonsMarkdown(List<Comparison> comparisons) {
        StringBuilder md = new StringBuilder("| A vs B | accuracy A - B [95% CI] | p | McNemar exact p, per seed | "
                + "mean output tokens A - B [95% CI] | p | tokens A / B [95% CI] |\n|---|---|---|---|---|---|---|\n");
        for (Comparison c : comparisons) {
            md.append(String.format(Locale.ROOT, "| %s vs %s | %s | %s | %s | %s | %s | %s |%n", c.a(), c.b(),
                    interval(c.accuracy().difference(), "%+.3f"), p(c.accuracy().p()),
                    String.join(", ", c.mcnemar().stream().map(m -> p(m.p()) + " (" + m.aOnly() + ":" + m.bOnly() + ")").toList()),
                    interval(c.tokens().difference(), "%+.1f"), p(c.tokens().p()), interval(c.tokenRatio(), "%.3f")));
        }
        return md.append("\np: two-sided, paired bootstrap over problems (each problem's seeds kept together). McNemar: seed i of A "
                + "against seed i of B, (A right only : B right only).\n").toString();
    }

    static void write(List<MethodRow> rows, List<Comparison> comparisons, Path run) {
        AtomicFile.writeString(run.resolve("summary.md"), markdown(rows) + "\n" + comparisonsMarkdown(comparisons));
        Table t = table(rows);
        AtomicFile.write(run.resolve("summary.csv"), out -> t.write().csv(new OutputStreamWriter(out, StandardCharsets.UTF_8)));
        Table p = comparisonTable(comparisons);
        AtomicFile.write(run.resolve("comparisons.csv"), out -> p.write().csv(new OutputStreamWriter(out, StandardCharsets.UTF_8)));
        AtomicFile.writeString(run.resolve("summary.html"), html(t) + "\n" + html(p));
    }

    public static Table comparisonTable(List<Comparison> comparisons) {
        Table t = Table.create("comparisons");
        StringColumn a = StringColumn.create("a");
        StringColumn b = StringColumn.create("b");
        DoubleColumn[] acc = intervalColumns("accuracy_difference");
        DoubleColumn accP = DoubleColumn.create("accuracy_p");
        StringColumn mcnemar = StringColumn.create("mcnemar_p_per_seed");
        DoubleColumn[] tok = intervalColumns("tokens_difference");
        DoubleColumn tokP = DoubleColumn.create("tokens_p");
        DoubleColumn[] ratio = intervalColumns("token_ratio");
        for (Comparison c : comparisons) {
            a.append(c.a());
            b.append(c.b());
            append(acc, c.accuracy().difference());
            accP.append(c.accuracy().p());
            mcnemar.append(String.join(" ", c.mcnemar().stream().map(m -> String.format(Locale.ROOT, "%.4g", m.p())).toList()));
            append(tok, c.tokens().difference());
            tokP.append(c.tokens().p());
            append(ratio, c.tokenRatio());
        }
        return t.addColumns(a, b, acc[0], acc[1], acc[2], accP, mcnemar, tok[0], tok[1], tok[2], tokP, ratio[0], ratio[1], ratio[2]);
    }

    static String html(Table t) {
        return HtmlTable.of(t).toHtml();
    }

    /** The table as a notebook shows it. */
    public static RichDisplay display(List<MethodRow> rows) {
        return RichDisplay.html(html(table(rows)), markdown(rows));
    }

    static String interval(Interval i, String format) {
        Function<Double, String> f = v -> String.format(Locale.ROOT, format, v);
        return f.apply(i.estimate()) + " [" + f.apply(i.low()) + ", " + f.apply(i.high()) + "]";
    }

    static String p(double p) {
        return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    private static DoubleColumn[] intervalColumns(String name) {
        return new DoubleColumn[] {DoubleColumn.create(name), DoubleColumn.create(name + "_low"), DoubleColumn.create(name + "_high")};
    }

    private static void append(DoubleColumn[] columns, Interval i) {
        columns[0].append(i.estimate());
        columns[1].append(i.low());
        columns[2].append(i.high());
    }
}
