package dev.segattr.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.synth.Role;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What each model writes, move by move: every generated output split with the reference segmenter, every segment
 * given a role by a classifier of the synthetic generator's phrasings. This measures the paper's mechanism
 * directly: does full SFT teach redundant restatements and cut-off explorations, does selective SFT avoid them?
 *
 * <pre>{@code
 * Census.Row row = Census.of("full", outputs, classifier);
 * row.perOutput();       // {essential=6.1, reflective=1.2, redundant=3.4, truncated=2.0, unrecognised=0.3}
 * row.hitLimitShare();   // share of outputs that reached the length limit
 * }</pre>
 */
public final class Census {

    /** The role a segment's wording shows, or empty when it matches none of the generator's moves. */
    @FunctionalInterface
    public interface SegmentClassifier {
        Optional<Role> classify(String segment);
    }

    /** The census's columns: the four roles and the segments no role was recognised in. */
    public static final List<String> CATEGORIES = categories();

    public static final String UNRECOGNISED = "unrecognised";

    /** One generated output: its text and whether it ran into the length limit. */
    public record Output(String text, boolean hitLimit) {
    }

    /**
     * One method's census.
     *
     * @param perOutput         mean segments per output, per category (roles, then unrecognised)
     * @param segmentsPerOutput their sum
     * @param hitLimitShare     share of outputs that reached the length limit (their last segment is cut off there)
     * @param afterEssential    of the segments that follow an essential one, the share in each category: what the
     *                          model does once it has made a step
     */
    public record Row(String method, int outputs, @JsonProperty("per_output") Map<String, Double> perOutput,
                      @JsonProperty("segments_per_output") double segmentsPerOutput,
                      @JsonProperty("hit_limit_share") double hitLimitShare,
                      @JsonProperty("after_essential") Map<String, Double> afterEssential) {
    }

    private Census() {
    }

    /** The census of one method's outputs (all its seeds together). */
    public static Row of(String method, List<Output> outputs, SegmentClassifier classifier) {
        Segmenter segmenter = Segmenter.reference();
        Map<String, Integer> counts = zeros();
        Map<String, Integer> after = zeros();
        int hit = 0;
        int segments = 0;
        int followers = 0;
        for (Output o : outputs) {
            hit += o.hitLimit() ? 1 : 0;
            String previous = null;
            for (Segment s : segmenter.split(o.text())) {
                String category = classifier.classify(s.text()).map(Role::jsonName).orElse(UNRECOGNISED);
                counts.merge(category, 1, Integer::sum);
                segments++;
                if (Role.ESSENTIAL.jsonName().equals(previous)) {
                    after.merge(category, 1, Integer::sum);
                    followers++;
                }
                previous = category;
            }
        }
        int n = outputs.size();
        Map<String, Double> perOutput = new LinkedHashMap<>();
        Map<String, Double> afterShare = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            perOutput.put(c, n == 0 ? Double.NaN : (double) counts.get(c) / n);
            afterShare.put(c, followers == 0 ? Double.NaN : (double) after.get(c) / followers);
        }
        return new Row(method, n, perOutput, n == 0 ? Double.NaN : (double) segments / n, n == 0 ? Double.NaN : (double) hit / n, afterShare);
    }

    /** The outputs of evaluation files (as {@code segattr evaluate} writes them), in order. */
    public static List<Output> read(List<Path> evaluations) {
        List<Output> outputs = new ArrayList<>();
        for (Path file : evaluations) {
            try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
                lines.forEach(l -> {
                    for (JsonNode o : l.json().path("outputs")) {
                        outputs.add(new Output(o.path("text").asText(), o.path("hit_limit").asBoolean()));
                    }
                });
            }
        }
        return outputs;
    }

    public static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("| method | outputs | segments per output |");
        CATEGORIES.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append(" hit length limit | after an essential segment: essential / reflective / redundant / truncated / unrecognised |\n|---|---|---|");
        CATEGORIES.forEach(c -> md.append("---|"));
        md.append("---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f |", r.method(), r.outputs(), r.segmentsPerOutput()));
            CATEGORIES.forEach(c -> md.append(String.format(Locale.ROOT, " %.2f |", r.perOutput().get(c))));
            md.append(String.format(Locale.ROOT, " %.1f%% | ", 100 * r.hitLimitShare()));
            List<String> shares = new ArrayList<>();
            CATEGORIES.forEach(c -> shares.add(Double.isNaN(r.afterEssential().get(c)) ? "n/a"
                    : String.format(Locale.ROOT, "%.0f%%", 100 * r.afterEssential().get(c))));
            md.append(String.join(" / ", shares)).append(" |\n");
        }
        return md.toString();
    }

    private static Map<String, Integer> zeros() {
        Map<String, Integer> m = new LinkedHashMap<>();
        CATEGORIES.forEach(c -> m.put(c, 0));
        return m;
    }

    private static List<String> categories() {
        List<String> c = new ArrayList<>();
        for (Role r : Role.values()) {
            c.add(r.jsonName());
        }
        c.add("unrecognised");
        return List.copyOf(c);
    }
}
