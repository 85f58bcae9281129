package dev.segattr.study;

import dev.segattr.experiment.AtomicFile;
import dev.segattr.viz.HtmlTable;
import dev.segattr.viz.RichDisplay;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The study's headline table: per method, accuracy, mean output tokens and the share of tokens supervised. */
public final class Summary {

    private Summary() {
    }

    public static Table table(List<Map<String, Object>> rows) {
        Table t = Table.create("summary");
        StringColumn method = StringColumn.create("method");
        DoubleColumn accuracy = DoubleColumn.create("accuracy");
        DoubleColumn length = DoubleColumn.create("mean_output_tokens");
        IntColumn hit = IntColumn.create("hit_length_limit");
        DoubleColumn supervised = DoubleColumn.create("supervised_fraction");
        DoubleColumn loss = DoubleColumn.create("final_loss");
        for (Map<String, Object> r : rows) {
            method.append((String) r.get("method"));
            accuracy.append((Double) r.get("accuracy"));
            length.append((Double) r.get("mean_output_tokens"));
            hit.append((Integer) r.get("hit_length_limit"));
            supervised.append(r.containsKey("supervised_fraction") ? (Double) r.get("supervised_fraction") : Double.NaN);
            loss.append(r.containsKey("final_loss") ? (Double) r.get("final_loss") : Double.NaN);
        }
        return t.addColumns(method, accuracy, length, hit, supervised, loss);
    }

    public static String markdown(List<Map<String, Object>> rows) {
        StringBuilder md = new StringBuilder(
                "| method | accuracy | mean output tokens | hit length limit | supervised tokens | final train loss |\n"
                        + "|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f (%d) | %.1f | %d | %s | %s |%n", r.get("method"),
                    (Double) r.get("accuracy"), (Integer) r.get("questions"), (Double) r.get("mean_output_tokens"),
                    (Integer) r.get("hit_length_limit"),
                    r.containsKey("supervised_fraction") ? String.format(Locale.ROOT, "%.1f%%", 100 * (Double) r.get("supervised_fraction")) : "(starting model)",
                    r.containsKey("final_loss") ? String.format(Locale.ROOT, "%.3f", (Double) r.get("final_loss")) : ""));
        }
        return md.toString();
    }

    static void write(List<Map<String, Object>> rows, Path run) {
        AtomicFile.writeString(run.resolve("summary.md"), markdown(rows));
        Table t = table(rows);
        AtomicFile.write(run.resolve("summary.csv"), out -> t.write().csv(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8)));
        AtomicFile.writeString(run.resolve("summary.html"), html(t));
    }

    static String html(Table t) {
        return HtmlTable.of(t).toHtml();
    }

    /** The table as a notebook shows it. */
    public static RichDisplay display(List<Map<String, Object>> rows) {
        return RichDisplay.html(html(table(rows)), markdown(rows));
    }
}
