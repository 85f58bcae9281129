package dev.segattr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.cli.Main;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.experiment.OutputLock;
import dev.segattr.experiment.RunRecord;
import dev.segattr.model.Encoded;
import dev.segattr.model.Tokenizer;
import dev.segattr.synth.Auroc;
import dev.segattr.synth.Role;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;
import dev.segattr.viz.Charts;
import dev.segattr.viz.TokenHeatMap;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The whole study in one run folder: segment, attribute and select a training set with the starting model,
 * fine-tune a copy of that model per method (full, selective, random...), evaluate the starting model and every
 * fine-tuned one on held-out problems, and write tables, charts and one experiment record.
 *
 * <p>Each stage is the {@code segattr} command of the same name, run in this process, so a study does exactly
 * what the commands do; each stage's output is kept, and a run that stops (or is killed) continues where it
 * was when started again with the same folder.
 *
 * <pre>
 * RUN/inputs/{train,test}.jsonl    the data, cut to the configured sizes
 * RUN/segmented.jsonl, attributed.jsonl, selected.jsonl
 * RUN/models/METHOD/               fine-tuned checkpoints (HF layout), their records and loss charts
 * RUN/eval/NAME.jsonl              predictions per question, NAME.record.json their metrics
 * RUN/summary.{md,csv,html}        accuracy, output length, supervised share per method
 * RUN/segments.{csv,html}          the segment table; RUN/roles.md how attribution met the known roles
 * RUN/charts/*.png, heatmap.html   scatter, loss curves, accuracy and length, one trace's token heat map
 * RUN/record.json                  configuration, inputs' hashes, environment, every figure and timing
 * </pre>
 */
public final class Study {

    public static final String BASE = "base";

    private final StudyConfig config;
    private final Path base;
    private final Path run;
    private final PrintWriter log;
    private final RunRecord record;

    private Study(StudyConfig config, Path base, Path run, PrintWriter log) {
        this.config = config;
        this.base = base;
        this.run = run;
        this.log = log;
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
            return new Study(config, base, run, log).execute();
        }
    }

    private RunRecord execute() {
        long started = System.nanoTime();
        Path model = base.resolve(config.model());
        record.seed("study", config.seed()).input("model", model);
        Path train = stage("inputs", () -> cut(base.resolve(config.train()), run.resolve("inputs/train.jsonl"), config.trainLimit()));
        Path test = stage("inputs", () -> cut(base.resolve(config.test()), run.resolve("inputs/test.jsonl"), config.testLimit()));
        record.input("train", train).input("test", test);

        Path segmented = run.resolve("segmented.jsonl");
        Path attributed = run.resolve("attributed.jsonl");
        Path selected = run.resolve("selected.jsonl");
        stage("segment", () -> command(segmented, "segment", "--in", train, "--out", segmented));
        StudyConfig.Attribution a = config.attribution();
        stage("attribute", () -> command(attributed, "attribute", "--model", model, "--in", segmented, "--out", attributed,
                "--steps", a.steps(), "--points", a.points(), "--batch", a.batch(), "--baseline", a.baseline()));
        StudyConfig.Selection s = config.selection();
        stage("select", () -> {
            command(null, "select", "--in", attributed, "--out", selected, "--policy", s.policy(), "--tau", s.tau(),
                    "--beta", s.beta(), "--seed", config.seed(), "--table", run.resolve("segments.html"));
            return command(null, "select", "--in", attributed, "--out", selected, "--policy", s.policy(), "--tau", s.tau(),
                    "--beta", s.beta(), "--seed", config.seed(), "--table", run.resolve("segments.csv"));
        });

        Map<String, Path> models = new LinkedHashMap<>();
        models.put(BASE, model);
        StudyConfig.Training t = config.training();
        for (String method : config.methods()) {
            Path out = run.resolve("models").resolve(method);
            models.put(method, out);
            stage("train " + method, () -> {
                List<Object> args = new ArrayList<>(List.of("train", "--model", model, "--in", selected, "--out", out,
                        "--mask", method, "--epochs", t.epochs(), "--lr", t.lr(), "--batch", t.batch(), "--grad-accum", t.gradAccum(),
                        "--warmup", t.warmup(), "--weight-decay", t.weightDecay(), "--max-length", t.maxLength(),
                        "--seed", config.seed(), "--keep-checkpoints", 1));
                if (Files.isDirectory(out.resolve("checkpoints"))) {
                    args.add("--resume");
                }
                return command(out.resolve("record.json"), args.toArray());
            });
        }
        StudyConfig.Evaluation e = config.evaluation();
        for (Map.Entry<String, Path> m : models.entrySet()) {
            Path out = run.resolve("eval").resolve(m.getKey() + ".jsonl");
            stage("evaluate " + m.getKey(), () -> command(out.resolveSibling(m.getKey() + ".record.json"), "evaluate",
                    "--model", m.getValue(), "--in", test, "--out", out, "--max-new-tokens", e.maxNewTokens(), "--greedy",
                    "--batch", e.batch()));
        }

        List<Map<String, Object>> summary = stage("report", () -> report(models, selected));
        record.metric("methods", summary);
        record.timing("total", Duration.ofNanos(System.nanoTime() - started));
        record.finish().write(run.resolve("record.json"));
        log.println(Summary.markdown(summary));
        log.flush();
        return record;
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
        record.timings.merge(name, (System.nanoTime() - t0) / 1e9, Double::sum);
        return result;
    }

    /** Runs a segattr command in this process, unless its output {@code done} exists already. */
    private Path command(Path done, Object... args) {
        if (done != null && Files.exists(done)) {
            log.println("   (done before: " + run.relativize(done) + ")");
            return done;
        }
        String[] strings = Stream.of(args).map(o -> o instanceof Double d ? String.valueOf(d) : String.valueOf(o)).toArray(String[]::new);
        CommandLine cli = Main.commandLine();
        cli.setErr(log);
        cli.setOut(log); // the commands' figures go to the study's log, not to the process's stdout
        int code = cli.execute(strings);
        if (code != 0) {
            throw new BadInputException("study stopped: segattr " + String.join(" ", strings) + " exited with " + code);
        }
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

    // ---- the report

    private List<Map<String, Object>> report(Map<String, Path> models, Path selected) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, double[]> losses = new LinkedHashMap<>();
        for (Map.Entry<String, Path> m : models.entrySet()) {
            String name = m.getKey();
            JsonNode eval = readJson(run.resolve("eval").resolve(name + ".record.json")).path("metrics");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", name);
            row.put("accuracy", eval.path("accuracy").asDouble());
            row.put("mean_output_tokens", eval.path("mean_output_tokens").asDouble());
            row.put("hit_length_limit", eval.path("hit_length_limit").asInt());
            row.put("questions", eval.path("questions").asInt());
            if (!name.equals(BASE)) {
                JsonNode train = readJson(m.getValue().resolve("record.json")).path("metrics");
                row.put("supervised_fraction", train.path("supervised_fraction_of_completion").asDouble());
                row.put("final_loss", train.path("final_loss").asDouble());
                losses.put(name, doubles(train.path("loss_per_update")));
            }
            rows.add(row);
        }
        Summary.write(rows, run);
        Path charts = run.resolve("charts");
        Map<String, Double> accuracy = new LinkedHashMap<>();
        Map<String, Double> length = new LinkedHashMap<>();
        rows.forEach(r -> {
            accuracy.put((String) r.get("method"), (Double) r.get("accuracy"));
            length.put((String) r.get("method"), (Double) r.get("mean_output_tokens"));
        });
        Charts.savePng(Charts.bars("Accuracy on held-out problems (greedy)", "accuracy", accuracy), charts.resolve("accuracy.png"));
        Charts.savePng(Charts.bars("Mean output length", "tokens", length), charts.resolve("output-length.png"));
        Charts.savePng(Charts.curves("Fine-tuning loss per update", "loss", losses), charts.resolve("loss.png"));

        SegmentReport segments = SegmentReport.read(selected);
        Charts.savePng(Charts.strengthConsistency(segments.groups(), config.selection().beta()), charts.resolve("strength-consistency.png"));
        if (segments.hasRoles()) {
            Map<String, Object> auroc = segments.auroc();
            record.metric("auroc", auroc);
            AtomicFile.writeString(run.resolve("roles.md"), segments.rolesMarkdown());
            log.println(segments.rolesMarkdown());
        }
        record.metric("segments", segments.totals());
        record.metric("attribution", segments.convergence());
        log.println(segments.convergenceLine());
        heatMap(selected, models.get(BASE));
        return rows;
    }

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
            AnswerTarget target = AnswerTarget.of(tok, AnswerTarget.promptOf(tok), trace, segments);
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

    private static JsonNode readJson(Path file) {
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
