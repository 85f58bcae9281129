package dev.segattr.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.synth.Role;
import dev.segattr.trace.JsonLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the answer depends on, by known role, as leave-one-segment-out ablation measures it: how far log p(answer)
 * falls when one segment is left out of the trace. The last segment (the summary that states the result) is a row of
 * its own: a model that copies the answer from it needs nothing earlier once it is there, and then no scorer of
 * the answer can rank the middle segments by the generator's labels.
 *
 * @param segments      which segments the row covers: "last segment" or a role's name, "(not last)"
 * @param count         how many segments
 * @param meanDrop      mean drop in log p(answer), nats (negative: the answer is likelier without the segment)
 * @param medianAbsDrop median of the drop's magnitude, nats
 * @param largestAbsDrop the largest magnitude, nats
 */
record AnswerDependence(String segments, int count, @JsonProperty("mean_drop") double meanDrop,
                        @JsonProperty("median_abs_drop") double medianAbsDrop,
                        @JsonProperty("largest_abs_drop") double largestAbsDrop) {

    /** The rows of an ablation file against the known roles of its traces (id to segment_roles); traces without known roles are skipped. */
    static List<AnswerDependence> of(Path ablation, Map<String, JsonNode> rolesById) {
        List<Double> last = new ArrayList<>();
        Map<Role, List<Double>> byRole = new EnumMap<>(Role.class);
        try (Stream<JsonLines.Line> lines = JsonLines.read(ablation)) {
            lines.forEach(l -> {
                JsonNode drops = l.json().path("segment_importance");
                JsonNode roles = rolesById.get(l.json().path("id").asText());
                if (roles == null || !roles.isArray() || roles.size() != drops.size() || drops.isEmpty()) {
                    return;
                }
                int m = drops.size();
                for (int i = 0; i < m - 1; i++) {
                    byRole.computeIfAbsent(Role.parse(roles.get(i).asText()), r -> new ArrayList<>()).add(drops.get(i).asDouble());
                }
                last.add(drops.get(m - 1).asDouble());
            });
        }
        List<AnswerDependence> rows = new ArrayList<>();
        if (!last.isEmpty()) {
            rows.add(row("last segment", last));
        }
        byRole.forEach((role, drops) -> rows.add(row(role.name().toLowerCase(Locale.ROOT) + " (not last)", drops)));
        return rows;
    }

    private static AnswerDependence row(String segments, List<Double> drops) {
        double[] abs = drops.stream().mapToDouble(Math::abs).sorted().toArray();
        return new AnswerDependence(segments, abs.length, drops.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                Statistics.quantile(abs, 0.5), abs[abs.length - 1]);
    }

    static String markdown(List<AnswerDependence> rows) {
        StringBuilder md = new StringBuilder("| segments left out | count | mean drop in log p(answer) | median \\|drop\\| | largest \\|drop\\| |\n"
                + "|---|---|---|---|---|\n");
        for (AnswerDependence r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s |%n", r.segments(), r.count(), nats(r.meanDrop()),
                    nats(r.medianAbsDrop()), nats(r.largestAbsDrop())));
        }
        return md.toString();
    }

    /** Nats with three significant digits: the drops run from 1e-5 to tens. */
    private static String nats(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
