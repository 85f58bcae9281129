package dev.segattr.notebook;

import dev.segattr.sft.Evaluator;
import dev.segattr.viz.RichDisplay;

import java.util.LinkedHashMap;
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
