package dev.segattr.notebook;

import dev.segattr.sft.Evaluator;
import dev.segattr.stage.EvaluateStage;
import dev.segattr.stage.ModelSource;
import dev.segattr.viz.Progress;
import dev.segattr.viz.RichDisplay;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Greedy answers of a model to held-out questions: accuracy and output length, shown with the first predictions.
 *
 * @param model  which model answered (its folder's name)
 * @param result the evaluator's figures and per-question predictions
 */
public record Evaluation(String model, Evaluator.Result result) implements RichDisplay {

    /** Predictions shown in a notebook. */
    public static final int SHOWN = 10;

    /** Greedy answers to the first {@code limit} questions of a file (all when 0) through the evaluate stage, with a progress bar. */
    static Evaluation greedy(Model model, Path questions, int limit, int maxNewTokens) {
        List<Evaluator.Item> items = Evaluator.readItems(questions);
        items = limit > 0 && limit < items.size() ? items.subList(0, limit) : items;
        var settings = Evaluator.Settings.greedy(maxNewTokens).withBatchSize(Math.min(16, items.size()));
        try (Progress p = Progress.start("evaluate " + model.dir().getFileName(), items.size());
             EvaluateStage.Evaluations stage = EvaluateStage.open(new EvaluateStage.Options(ModelSource.of(model.dir()), settings),
                     model.loaded(), new StageProgress(p, d -> d.id() + (d.detail().startsWith("0/") ? ": wrong" : ": correct")))) {
            return new Evaluation(model.dir().getFileName().toString(), stage.evaluate(items));
        }
    }

    public double accuracy() {
        return result.accuracy();
    }

    public double meanOutputTokens() {
        return result.meanOutputTokens();
    }

    @Override
    public Map<String, Object> mimeBundle() {
        StringBuilder html = new StringBuilder("<p><b>").append(Html.escape(headline())).append("</b></p>\n")
                .append("<table>\n<thead><tr><th>id</th><th>gold</th><th>extracted</th><th>correct</th><th>tokens</th>"
                        + "<th style=\"text-align:left\">output</th></tr></thead>\n<tbody>\n");
        result.predictions().stream().limit(SHOWN).forEach(p -> {
            Evaluator.Output o = p.outputs().get(0);
            String text = o.text().replace("\n", "⏎");
            if (text.length() > 160) {
                text = text.substring(0, 100) + "…" + text.substring(text.length() - 59);
            }
            html.append("<tr><td>").append(Html.escape(p.item().id())).append("</td><td>").append(Html.escape(p.item().answer()))
                    .append("</td><td>").append(o.extracted() == null ? "" : Html.escape(o.extracted()))
                    .append("</td><td>").append(o.correct() ? "yes" : "").append("</td><td>").append(o.tokens())
                    .append(o.hitLimit() ? " (limit)" : "").append("</td><td style=\"text-align:left\">")
                    .append(Html.escape(text)).append("</td></tr>\n");
        });
        html.append("</tbody>\n</table>\n");
        if (result.predictions().size() > SHOWN) {
            html.append("<p>… ").append(result.predictions().size() - SHOWN).append(" more questions</p>\n");
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, html.toString());
        bundle.put(TEXT_PLAIN, headline());
        return bundle;
    }

    private String headline() {
        return String.format(Locale.ROOT, "%s: accuracy %.3f on %d questions, %.1f output tokens on average, %d hit the length limit (%.1f s)",
                model, result.accuracy(), result.questions(), result.meanOutputTokens(), result.hitLimit(), result.seconds());
    }

    @Override
    public String toString() {
        return "Evaluation(" + headline() + ")";
    }
}
