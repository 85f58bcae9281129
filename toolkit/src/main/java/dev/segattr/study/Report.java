package dev.segattr.study;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.experiment.RunRecord;
import dev.segattr.tokenizer.Encoded;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.study.Statistics.Interval;
import dev.segattr.study.Study.Fit;
import dev.segattr.synth.Role;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;
import dev.segattr.viz.Charts;
import dev.segattr.viz.TokenHeatMap;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A finished study's figures, from the files its stages wrote: the summary and paired comparisons (with
 * {@link Statistics}), the role census of the outputs, the segment scorers against the known roles, the charts, and
 * the goals checked. Everything goes to the run folder and into the record's metrics.
 */
final class Report {

    /** Bootstrap draws for every interval and paired test. */
    static final int RESAMPLES = 10_000;

    /** A segment scorer against the known roles, and what it costs. */
    record ScorerRow(String scorer, String settings, @JsonProperty("auroc") Double auroc,
                     @JsonProperty("auroc_middle_segments") Double aurocMiddle,
                     @JsonProperty("seconds_per_trace") Double secondsPerTrace, String note) {
    }

    /** One of the goals, checked on this run. */
    record Goal(String goal, String measured, Boolean met) {
    }

    private final StudyConfig config;
    private final Path run;
    private final PrintWriter log;
    private final RunRecord record;
    private final StringBuilder markdown = new StringBuilder();

    Report(StudyConfig config, Path run, PrintWriter log, RunRecord record) {
        this.config = config;
        this.run = run;
        this.log = log;
        this.record = record;
    }

    String markdown() {
        return markdown.toString();
    }

    Report write(List<Fit> fits, Path selected, Path attributed, Path model) {
        Map<String, List<Outcomes>> byMethod = new LinkedHashMap<>();
        byMethod.put(Study.BASE, List.of(Outcomes.read(evalFile(Study.BASE))));
        for (Fit fit : fits) {
            byMethod.computeIfAbsent(fit.method(), m -> new ArrayList<>()).add(Outcomes.read(evalFile(fit.toString())));
        }
        List<String> ids = byMethod.get(Study.BASE).get(0).ids();
        byMethod.forEach((m, list) -> list.forEach(o -> o.checkSameProblems(ids, m)));

        List<Summary.MethodRow> rows = new ArrayList<>();
        Map<String, double[]> losses = new LinkedHashMap<>();
        for (Map.Entry<String, List<Outcomes>> e : byMethod.entrySet()) {
            rows.add(row(e.getKey(), e.getValue(), fits, losses));
        }
        List<Summary.Comparison> comparisons = comparisons(byMethod);
        Summary.write(rows, comparisons, run);
        record.metric("methods", rows);
        record.metric("comparisons", comparisons);
        markdown.append(Summary.markdown(rows)).append('\n').append(Summary.comparisonsMarkdown(comparisons));

        Path charts = run.resolve("charts");
        Charts.savePng(TradeoffChart.of(rows), charts.resolve("accuracy-vs-length.png"));
        Charts.savePng(Charts.curves("Fine-tuning loss per update", "loss", losses), charts.resolve("loss.png"));

        census(byMethod);

        SegmentReport segments = SegmentReport.read(selected);
        Charts.savePng(Charts.strengthConsistency(segments.groups(), config.selection().beta()), charts.resolve("strength-consistency.png"));
        Map<String, Object> auroc = Map.of();
        if (segments.hasRoles()) {
            auroc = segments.auroc();
            record.metric("auroc", auroc);
            AtomicFile.writeString(run.resolve("roles.md"), segments.rolesMarkdown());
            markdown.append('\n').append(segments.rolesMarkdown());
        }
        record.metric("segments", segments.totals());
        record.metric("attribution", segments.convergence());
        markdown.append('\n').append(segments.convergenceLine()).append('\n');
        scorers(auroc, attributed, selected);
        goals(rows, comparisons, auroc);
        heatMap(selected, model);
        return this;
    }

    private Path evalFile(String name) {
        return run.resolve("eval").resolve(name + ".jsonl");
    }

    // ---- summary and comparisons

    private Summary.MethodRow row(String method, List<Outcomes> seeds, List<Fit> fits, Map<String, double[]> losses) {
        double[][] correct = Outcomes.correct(seeds);
        double[][] tokens = Outcomes.tokens(seeds);
        double hit = seeds.stream().mapToDouble(Outcomes::hitLimitShare).average().orElse(Double.NaN);
        Double supervised = null;
        Double loss = null;
        if (!method.equals(Study.BASE)) {
            double s = 0;
            double l = 0;
            int n = 0;
            for (Fit fit : fits) {
                if (fit.method().equals(method)) {
                    JsonNode train = readJson(run.resolve("models").resolve(method).resolve("seed" + fit.seed()).resolve("record.json")).path("metrics");
                    s += train.path("supervised_fraction_of_completion").asDouble();
                    l += train.path("final_loss").asDouble();
                    n++;
                    losses.put(fit.toString(), doubles(train.path("loss_per_update")));
                }
            }
            supervised = s / n;
            loss = l / n;
        }
        return new Summary.MethodRow(method, seeds.size(), correct.length,
                Statistics.bootstrapMean(correct, RESAMPLES, config.seed()), Statistics.seedSpread(correct),
                Statistics.bootstrapMean(tokens, RESAMPLES, config.seed()), hit, supervised, loss);
    }

    /** The selective method (else the first one) against every other, on the same problems. */
    private List<Summary.Comparison> comparisons(Map<String, List<Outcomes>> byMethod) {
        String a = byMethod.containsKey("selective") ? "selective" : config.methods().get(0);
        List<String> order = new ArrayList<>(List.of("full", "random", "oracle", "strength", "top-tokens", Study.BASE));
        List<Summary.Comparison> out = new ArrayList<>();
        for (String b : order) {
            if (b.equals(a) || !byMethod.containsKey(b)) {
                continue;
            }
            List<Outcomes> sa = byMethod.get(a);
            List<Outcomes> sb = byMethod.get(b);
            List<Summary.McNemar> mcnemar = new ArrayList<>();
            for (int i = 0; i < sa.size(); i++) {
                Outcomes x = sa.get(i);
                Outcomes y = sb.get(Math.min(i, sb.size() - 1)); // the starting model has one "seed"
                int[] bc = Statistics.discordant(x.correctFlags(), y.correctFlags());
                mcnemar.add(new Summary.McNemar(seedOf(a, i), seedOf(b, Math.min(i, sb.size() - 1)), bc[0], bc[1],
                        Statistics.mcnemarExact(bc[0], bc[1])));
            }
            double[][] ta = Outcomes.tokens(sa);
            double[][] tb = Outcomes.tokens(sb);
            out.add(new Summary.Comparison(a, b,
                    Statistics.pairedBootstrap(Outcomes.correct(sa), Outcomes.correct(sb), RESAMPLES, config.seed()),
                    Statistics.pairedBootstrap(ta, tb, RESAMPLES, config.seed()),
                    Statistics.pairedRatio(ta, tb, RESAMPLES, config.seed()), mcnemar));
        }
        return out;
    }

    private long seedOf(String method, int i) {
        return method.equals(Study.BASE) ? 0 : config.seeds().get(i);
    }

    // ---- census

    private void census(Map<String, List<Outcomes>> byMethod) {
        Optional<Census.SegmentClassifier> classifier = Study.classifier();
        if (classifier.isEmpty()) {
            String note = "role census: not run (no segment-role classifier in this build)";
            record.note(note);
            markdown.append('\n').append(note).append('\n');
            return;
        }
        List<Census.Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Outcomes>> e : byMethod.entrySet()) {
            List<Path> files = new ArrayList<>();
            e.getValue().forEach(o -> files.add(o.file()));
            rows.add(Census.of(e.getKey(), Census.read(files), classifier.get()));
        }
        record.metric("census", rows);
        String md = Census.markdown(rows);
        AtomicFile.writeString(run.resolve("census.md"), md);
        markdown.append("\nRole census of the outputs (mean segments per output):\n\n").append(md);
    }

    // ---- scorers

    /** AUROC of the ablation importance against the known roles, over all and over the middle segments. */
    private static ScorerRow ablationRow(Path ablation, Map<String, JsonNode> roles) {
        List<Double> all = new ArrayList<>();
        List<Role> allRoles = new ArrayList<>();
        List<Double> middle = new ArrayList<>();
        List<Role> middleRoles = new ArrayList<>();
        double seconds = 0;
        int traces = 0;
        try (Stream<JsonLines.Line> lines = JsonLines.read(ablation)) {
            for (JsonLines.Line l : (Iterable<JsonLines.Line>) lines::iterator) {
                JsonNode importance = l.json().path("segment_importance");
                JsonNode known = roles.get(l.json().path("id").asText());
                seconds += l.json().path("seconds").asDouble();
                traces++;
                if (known == null || !known.isArray() || known.size() != importance.size()) {
                    continue;
                }
                int m = importance.size();
                for (int i = 0; i < m; i++) {
                    Role r = Role.parse(known.get(i).asText());
                    all.add(importance.get(i).asDouble());
                    allRoles.add(r);
                    if (i > 0 && i < m - 2) {
                        middle.add(importance.get(i).asDouble());
                        middleRoles.add(r);
                    }
                }
            }
        }
        Set<Role> important = Study.important();
        Set<Role> unimportant = java.util.EnumSet.complementOf(java.util.EnumSet.copyOf(important));
        double a = Study.auroc(all.stream().mapToDouble(Double::doubleValue).toArray(), allRoles, important, unimportant);
        double b = Study.auroc(middle.stream().mapToDouble(Double::doubleValue).toArray(), middleRoles, important, unimportant);
        return new ScorerRow("leave-one-segment-out ablation", "drop in log p(answer) without the segment, forward passes only",
                number(a), number(b), traces == 0 ? null : seconds / traces, "");
    }

    private void scorers(Map<String, Object> auroc, Path attributed, Path selected) {
        double seconds = 0;
        int traces = 0;
        try (Stream<JsonLines.Line> lines = JsonLines.read(attributed)) {
            for (JsonLines.Line l : (Iterable<JsonLines.Line>) lines::iterator) {
                if (l.json().path("seconds").isNumber()) {
                    seconds += l.json().path("seconds").asDouble();
                    traces++;
                }
            }
        }
        StudyConfig.Attribution a = config.attribution();
        List<ScorerRow> rows = new ArrayList<>();
        rows.add(new ScorerRow("integrated gradients, segment strength",
                String.format(Locale.ROOT, "%d %s points, batch %s, %s baseline", a.steps(), a.points(),
                        a.batch() == 0 ? "auto" : Integer.toString(a.batch()), a.baseline()),
                number(auroc.get("important_vs_unimportant")), number(auroc.get("important_vs_unimportant_middle_segments")),
                traces == 0 ? null : seconds / traces, ""));
        Path ablation = run.resolve("ablation.jsonl");
        Map<String, JsonNode> roles = rolesById(selected);
        rows.add(Files.isRegularFile(ablation) ? ablationRow(ablation, roles)
                : new ScorerRow("leave-one-segment-out ablation", "", null, null, null, "not run (configuration: \"ablation\": true)"));
        record.metric("scorers", rows);
        StringBuilder md = new StringBuilder("| scorer | settings | AUROC important vs unimportant | on middle segments | seconds per trace | note |\n"
                + "|---|---|---|---|---|---|\n");
        for (ScorerRow r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r.scorer(), r.settings(), fmt(r.auroc(), "%.3f"),
                    fmt(r.aurocMiddle(), "%.3f"), fmt(r.secondsPerTrace(), "%.3f"), r.note()));
        }
        if (Files.isRegularFile(ablation)) {
            List<AnswerDependence> dependence = AnswerDependence.of(ablation, roles);
            record.metric("answer_dependence", dependence);
            md.append("\nWhat the answer depends on (leave-one-segment-out, nats; the last segment states the result):\n\n")
                    .append(AnswerDependence.markdown(dependence));
        }
        AtomicFile.writeString(run.resolve("scorers.md"), md.toString());
        markdown.append("\nSegment scorers against the known roles:\n\n").append(md);
    }

    /** The known roles of the training traces, by id (the selection file carries them). */
    private static Map<String, JsonNode> rolesById(Path selected) {
        Map<String, JsonNode> roles = new LinkedHashMap<>();
        try (Stream<JsonLines.Line> lines = JsonLines.read(selected)) {
            lines.forEach(l -> roles.put(l.json().path("id").asText(), l.json().path("segment_roles")));
        }
        return roles;
    }

    // ---- the goals

    private void goals(List<Summary.MethodRow> rows, List<Summary.Comparison> comparisons, Map<String, Object> auroc) {
        Map<String, Summary.MethodRow> by = new LinkedHashMap<>();
        rows.forEach(r -> by.put(r.method(), r));
        Map<String, Summary.Comparison> vs = new LinkedHashMap<>();
        comparisons.forEach(c -> vs.put(c.b(), c));
        List<Goal> goals = new ArrayList<>();
        if (by.containsKey("selective") && vs.containsKey("full")) {
            Summary.Comparison c = vs.get("full");
            Interval ratio = c.tokenRatio();
            goals.add(new Goal("selective mean output tokens <= 0.8 x full's",
                    String.format(Locale.ROOT, "%.3f x [%.3f, %.3f]", ratio.estimate(), ratio.low(), ratio.high()), ratio.estimate() <= 0.8));
            Interval d = c.accuracy().difference();
            goals.add(new Goal("selective accuracy not below full's (paired test: the 95% interval of the difference reaches 0 or above)",
                    String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f], p = %s", d.estimate(), d.low(), d.high(), Summary.p(c.accuracy().p())),
                    d.high() >= 0));
        }
        if (by.containsKey("random") && by.containsKey("full") && by.containsKey("selective")) {
            double r = by.get("random").meanOutputTokens().estimate();
            double f = by.get("full").meanOutputTokens().estimate();
            double s = by.get("selective").meanOutputTokens().estimate();
            double ra = by.get("random").accuracy().estimate();
            double fa = by.get("full").accuracy().estimate();
            double sa = by.get("selective").accuracy().estimate();
            goals.add(new Goal("random between full and selective (mean output tokens and accuracy)",
                    String.format(Locale.ROOT, "tokens: full %.1f, random %.1f, selective %.1f; accuracy: full %.3f, random %.3f, selective %.3f",
                            f, r, s, fa, ra, sa),
                    between(r, f, s) && between(ra, fa, sa)));
        }
        Double all = number(auroc.get("important_vs_unimportant"));
        if (all != null) {
            goals.add(new Goal("AUROC of strength >= 0.9", String.format(Locale.ROOT, "%.3f", all), all >= 0.9));
        }
        record.metric("goals", goals);
        StringBuilder md = new StringBuilder("| goal (issue 12) | measured | met |\n|---|---|---|\n");
        goals.forEach(g -> md.append("| ").append(g.goal()).append(" | ").append(g.measured()).append(" | ")
                .append(g.met() ? "yes" : "no").append(" |\n"));
        AtomicFile.writeString(run.resolve("goals.md"), md.toString());
        markdown.append("\n").append(md);
    }

    private static boolean between(double x, double a, double b) {
        return x >= Math.min(a, b) && x <= Math.max(a, b);
    }

    // ---- the heat map

    /** The token heat map of the first attributed trace, with its selection. */
    private void heatMap(Path selected, Path model) {
        JsonLines.Line first;
        try (Stream<JsonLines.Line> lines = JsonLines.read(selected)) {
            first = lines.filter(l -> l.json().path("token_attributions").isArray()).findFirst().orElse(null);
        }
        if (first == null) {
            return;
        }
        Trace trace = Trace.fromJson(first);
        List<Segment> segments = trace.segments();
        try (Tokenizer tok = Tokenizer.load(model)) {
            AnswerTarget target = AnswerTarget.of(tok, TraceLayout.promptOf(tok), trace, segments);
            Encoded enc = target.encoded();
            List<String> tokens = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            List<Integer> segmentOf = new ArrayList<>();
            JsonNode perSegment = first.json().get("token_attributions");
            for (int s = 0; s < target.segmentCount(); s++) {
                int[] range = target.segmentTokens(s); // {from, to}: the segment's tokens
                for (int i = range[0]; i < range[1]; i++) {
                    tokens.add(target.text().substring(enc.start()[i], enc.end()[i]));
                    values.add(perSegment.get(s).get(i - range[0]).asDouble());
                    segmentOf.add(s);
                }
            }
            Set<Integer> chosen = new HashSet<>();
            first.json().path("selected_segments").forEach(n -> chosen.add(n.asInt()));
            List<String> labels = new ArrayList<>();
            JsonNode roles = first.json().path("segment_roles");
            for (int s = 0; s < target.segmentCount(); s++) {
                labels.add(String.format(Locale.ROOT, "strength %.3f, consistency %.2f%s",
                        first.json().path("strength").path(s).asDouble(), first.json().path("consistency").path(s).asDouble(),
                        roles.isArray() ? ", role " + roles.path(s).asText() : ""));
            }
            String html = TokenHeatMap.of(tokens, values.stream().mapToDouble(Double::doubleValue).toArray(),
                            segmentOf.stream().mapToInt(Integer::intValue).toArray())
                    .selected(chosen).segmentLabels(labels).title("Trace " + trace.id() + ": token attributions").toHtml();
            AtomicFile.writeString(run.resolve("charts/heatmap.html"), "<!doctype html><meta charset=\"utf-8\"><body>" + html + "</body>\n");
        }
    }

    // ---- helpers

    static JsonNode readJson(Path file) {
        try {
            return JsonLines.MAPPER.readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new BadInputException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    private static Double number(Object o) {
        return o instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
    }

    private static String fmt(Double v, String format) {
        return v == null ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    /** One evaluation file: per problem (in the test file's order), correct or not, output tokens, limit hit. */
    record Outcomes(Path file, List<String> ids, boolean[] correctFlags, double[] tokenCounts, boolean[] hitLimit) {

        static Outcomes read(Path file) {
            List<String> ids = new ArrayList<>();
            List<Boolean> correct = new ArrayList<>();
            List<Double> tokens = new ArrayList<>();
            List<Boolean> hit = new ArrayList<>();
            try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
                lines.forEach(l -> {
                    JsonNode o = l.json().path("outputs").path(0); // greedy: one output per problem
                    if (o.isMissingNode()) {
                        throw l.error("field 'outputs': expected one output per problem");
                    }
                    ids.add(l.json().path("id").asText());
                    correct.add(o.path("correct").asBoolean());
                    tokens.add(o.path("tokens").asDouble());
                    hit.add(o.path("hit_limit").asBoolean());
                });
            }
            boolean[] c = new boolean[ids.size()];
            boolean[] h = new boolean[ids.size()];
            double[] t = new double[ids.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = correct.get(i);
                h[i] = hit.get(i);
                t[i] = tokens.get(i);
            }
            return new Outcomes(file, List.copyOf(ids), c, t, h);
        }

        void checkSameProblems(List<String> expected, String method) {
            if (!ids.equals(expected)) {
                throw new BadInputException(file + ": the " + method + " evaluation is not on the same problems, in the same order, as the others");
            }
        }

        double hitLimitShare() {
            int n = 0;
            for (boolean b : hitLimit) {
                n += b ? 1 : 0;
            }
            return (double) n / hitLimit.length;
        }

        /** values[problem][seed]. */
        static double[][] correct(List<Outcomes> seeds) {
            return matrix(seeds, (o, i) -> o.correctFlags[i] ? 1.0 : 0.0);
        }

        static double[][] tokens(List<Outcomes> seeds) {
            return matrix(seeds, (o, i) -> o.tokenCounts[i]);
        }

        private interface Cell {
            double of(Outcomes o, int problem);
        }

        private static double[][] matrix(List<Outcomes> seeds, Cell cell) {
            int n = seeds.get(0).ids.size();
            double[][] v = new double[n][seeds.size()];
            for (int i = 0; i < n; i++) {
                for (int s = 0; s < seeds.size(); s++) {
                    v[i][s] = cell.of(seeds.get(s), i);
                }
            }
            return v;
        }
    }
}
