package dev.segattr.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.synth.Role;
import dev.segattr.trace.JsonLines;
import dev.segattr.viz.Charts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every segment of a selected file, with its metrics and, where the data knows them (the synthetic benchmark),
 * its ground-truth role: how well attribution strength separates the segments that matter from the others.
 */
final class SegmentReport {

    private final List<Double> strength = new ArrayList<>();
    private final List<Double> consistency = new ArrayList<>();
    private final List<Boolean> selected = new ArrayList<>();
    private final List<Boolean> alwaysKept = new ArrayList<>();
    private final List<Role> roles = new ArrayList<>();
    private final Map<String, Integer> statuses = new java.util.TreeMap<>();
    private final List<Double> relativeDeltas = new ArrayList<>();
    private int traces;
    private boolean rolesKnown = true;

    static SegmentReport read(Path selectedFile) {
        SegmentReport r = new SegmentReport();
        try (Stream<JsonLines.Line> lines = JsonLines.read(selectedFile)) {
            lines.forEach(l -> r.add(l.json()));
        }
        return r;
    }

    private void add(JsonNode record) {
        if (record.has("attribution_status")) {
            statuses.merge(record.path("attribution_status").asText(), 1, Integer::sum);
            double gap = Math.abs(record.path("target_logprob").asDouble() - record.path("baseline_logprob").asDouble());
            JsonNode delta = record.path("convergence_delta");
            if (delta.isNumber() && gap > 0) {
                relativeDeltas.add(Math.abs(delta.asDouble()) / gap);
            }
        }
        JsonNode s = record.path("strength");
        JsonNode c = record.path("consistency");
        if (!s.isArray()) {
            return; // a trace whose attribution failed has no metrics; the attribute stage said why
        }
        traces++;
        Set<Integer> chosen = new java.util.HashSet<>();
        record.path("selected_segments").forEach(n -> chosen.add(n.asInt()));
        JsonNode roleNames = record.path("segment_roles");
        if (!roleNames.isArray() || roleNames.size() != s.size()) {
            rolesKnown = false;
        }
        int m = s.size();
        for (int i = 0; i < m; i++) {
            strength.add(s.get(i).asDouble());
            consistency.add(c.path(i).asDouble());
            selected.add(chosen.contains(i));
            alwaysKept.add(i == 0 || i >= m - 2);
            if (rolesKnown) {
                roles.add(Role.parse(roleNames.get(i).asText()));
            }
        }
    }

    boolean hasRoles() {
        return rolesKnown && !roles.isEmpty();
    }

    /** The scatter's groups: by role where known, else selected or not. */
    Map<String, double[][]> groups() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < strength.size(); i++) {
            labels.add(hasRoles() ? roles.get(i).jsonName() : selected.get(i) ? "selected" : "not selected");
        }
        return Charts.groupPoints(labels, array(strength, null), array(consistency, null));
    }

    Map<String, Object> totals() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("traces", traces);
        t.put("segments", strength.size());
        t.put("selected", selected.stream().filter(b -> b).count());
        return t;
    }

    /**
     * How well the path integrals converged: traces per attribution status, and the median and 90th percentile of
     * |delta| / |F(x) - F(x')| (completeness would make it 0). A study's figures are only as good as these.
     */
    Map<String, Object> convergence() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("statuses", new LinkedHashMap<>(statuses));
        double[] sorted = relativeDeltas.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length > 0) {
            c.put("median_relative_delta", Statistics.quantile(sorted, 0.5));
            c.put("p90_relative_delta", Statistics.quantile(sorted, 0.9));
        }
        return c;
    }

    /** One line for the log: the convergence, and what to do when many traces did not converge. */
    String convergenceLine() {
        int all = statuses.values().stream().mapToInt(Integer::intValue).sum();
        int large = statuses.getOrDefault("large delta", 0);
        double[] sorted = relativeDeltas.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        String line = String.format(Locale.ROOT, "attribution: %d of %d traces flagged 'large delta'", large, all);
        if (sorted.length > 0) {
            line += String.format(Locale.ROOT, " (median |delta| = %.1f%% of |F(x) - F(x')|)", 100 * Statistics.quantile(sorted, 0.5));
        }
        return large > 0.1 * all ? line + ": more path points would bring the attributions closer to completeness" : line;
    }

    /**
     * AUROC of strength for important (essential, reflective) against unimportant (redundant, truncated) segments:
     * over all segments, over the segments the rule does not keep anyway (not first, penultimate or last), and for
     * each important role alone against the unimportant ones.
     */
    Map<String, Object> auroc() {
        Map<String, Object> a = new LinkedHashMap<>();
        Set<Role> important = Study.important();
        Set<Role> unimportant = EnumSet.complementOf(EnumSet.copyOf(important));
        double[] all = array(strength, null);
        a.put("important_vs_unimportant", Study.auroc(all, roles, important, unimportant));
        List<Boolean> middle = alwaysKept.stream().map(k -> !k).toList();
        a.put("important_vs_unimportant_middle_segments", Study.auroc(array(strength, middle), filter(roles, middle), important, unimportant));
        for (Role r : important) {
            a.put(r.jsonName() + "_vs_unimportant", Study.auroc(all, roles, EnumSet.of(r), unimportant));
        }
        return a;
    }

    String rolesMarkdown() {
        StringBuilder md = new StringBuilder("| role | segments | mean strength | mean consistency | selected |\n|---|---|---|---|---|\n");
        for (Role r : Role.values()) {
            int n = 0;
            int chosen = 0;
            double s = 0;
            double c = 0;
            for (int i = 0; i < roles.size(); i++) {
                if (roles.get(i) == r) {
                    n++;
                    s += strength.get(i);
                    c += consistency.get(i);
                    chosen += selected.get(i) ? 1 : 0;
                }
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", r.jsonName(), n,
                    n == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", s / n), n == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", c / n),
                    n == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100.0 * chosen / n)));
        }
        md.append("\nAUROC of segment strength (important = essential + reflective, unimportant = redundant + truncated):\n\n");
        auroc().forEach((k, v) -> md.append(String.format(Locale.ROOT, "- %s: %s%n", k.replace('_', ' '),
                Double.isNaN((Double) v) ? "n/a" : String.format(Locale.ROOT, "%.3f", (Double) v))));
        return md.toString();
    }

    private static double[] array(List<Double> values, List<Boolean> keep) {
        return filter(values, keep).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static <T> List<T> filter(List<T> values, List<Boolean> keep) {
        if (keep == null) {
            return values;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (keep.get(i)) {
                out.add(values.get(i));
            }
        }
        return out;
    }
}
