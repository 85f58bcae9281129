package dev.segattr.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.AttributionFields;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the selection policies look at: one trace's per-token scores, grouped by segment (segment s holds
 * the tokens whose first char lies in it).
 *
 * @param id           the trace's id
 * @param segments     the segments' texts (for previews), or null
 * @param attributions integrated-gradients attribution of every token, one array per segment; or null
 * @param logprobs     log p(token | tokens before), one array per segment; or null
 * @param entropies    entropy (nats) of the model's next-token distribution at the position that predicts each
 *                     token, one array per segment; or null
 * @param roles        the segments' known roles (synthetic data's {@code segment_roles}), or null
 * @param ablation     leave-one-segment-out importance of each segment ({@code segattr ablate}'s
 *                     {@code segment_ablation}: the drop in the answer's log-probability without it), or null
 */
public record ScoredTrace(String id, List<String> segments, List<double[]> attributions, List<double[]> logprobs,
                          List<double[]> entropies, List<String> roles, double[] ablation) {

    /** Without ablation scores. */
    public ScoredTrace(String id, List<String> segments, List<double[]> attributions, List<double[]> logprobs,
                       List<double[]> entropies, List<String> roles) {
        this(id, segments, attributions, logprobs, entropies, roles, null);
    }

    public ScoredTrace {
        if (attributions == null && logprobs == null && entropies == null) {
            throw new IllegalArgumentException("trace " + id + ": no token scores (attributions, logprobs or entropies)");
        }
        int[] counts = null;
        for (List<double[]> scores : java.util.Arrays.asList(attributions, logprobs, entropies)) {
            if (scores == null) {
                continue;
            }
            if (counts == null) {
                counts = scores.stream().mapToInt(a -> a.length).toArray();
            } else if (scores.size() != counts.length) {
                throw new IllegalArgumentException("trace " + id + ": " + scores.size() + " segments of one score, " + counts.length + " of another");
            } else {
                for (int s = 0; s < counts.length; s++) {
                    if (scores.get(s).length != counts[s]) {
                        throw new IllegalArgumentException("trace " + id + " segment " + s + ": " + scores.get(s).length
                                + " tokens in one score, " + counts[s] + " in another");
                    }
                }
            }
        }
        if (segments != null && segments.size() != counts.length) {
            throw new IllegalArgumentException("trace " + id + ": " + segments.size() + " segment texts for " + counts.length + " segments");
        }
        if (roles != null && roles.size() != counts.length) {
            throw new IllegalArgumentException("trace " + id + ": " + roles.size() + " segment roles for " + counts.length + " segments");
        }
        if (ablation != null && ablation.length != counts.length) {
            throw new IllegalArgumentException("trace " + id + ": " + ablation.length + " ablation scores for " + counts.length + " segments");
        }
        segments = segments == null ? null : List.copyOf(segments);
        roles = roles == null ? null : List.copyOf(roles);
        ablation = ablation == null ? null : ablation.clone();
    }

    @Override
    public double[] ablation() {
        return ablation == null ? null : ablation.clone();
    }

    /** A trace with attributions only (hand-made or from {@code IntegratedGradients}). */
    public static ScoredTrace ofAttributions(String id, List<double[]> attributions) {
        return new ScoredTrace(id, null, attributions, null, null, null);
    }

    /** Number of segments M. */
    public int size() {
        return any().size();
    }

    /** Tokens per segment. */
    public int[] tokenCounts() {
        return any().stream().mapToInt(a -> a.length).toArray();
    }

    public int totalTokens() {
        return any().stream().mapToInt(a -> a.length).sum();
    }

    /** The attributions, or a clear error naming the trace when it has none. */
    public List<double[]> requireAttributions() {
        if (attributions == null) {
            throw new IllegalArgumentException("trace " + id + " has no token attributions");
        }
        return attributions;
    }

    private List<double[]> any() {
        return attributions != null ? attributions : logprobs != null ? logprobs : entropies;
    }

    /**
     * Reads a record written by {@code segattr attribute}: {@code id}, {@code token_attributions} and, when
     * present, {@code segments}, {@code token_logprobs}, {@code token_entropies}, {@code segment_roles}.
     * Complaints name the file, line and field.
     */
    public static ScoredTrace fromRecord(JsonLines.Line line) {
        ObjectNode json = line.json();
        JsonNode idNode = json.get("id");
        String id = idNode == null || idNode.isNull() ? Long.toString(line.number()) : idNode.asText();
        List<double[]> attributions = scores(line, AttributionFields.TOKEN_ATTRIBUTIONS);
        List<double[]> logprobs = scores(line, AttributionFields.TOKEN_LOGPROBS);
        List<double[]> entropies = scores(line, AttributionFields.TOKEN_ENTROPIES);
        if (attributions == null && logprobs == null && entropies == null) {
            throw line.error("field 'token_attributions' is missing (run segattr attribute first)");
        }
        List<String> segments = strings(line, Trace.SEGMENTS);
        List<String> roles = strings(line, Trace.SEGMENT_ROLES);
        double[] ablation = numbers(line, "segment_ablation");
        try {
            return new ScoredTrace(id, segments, attributions, logprobs, entropies, roles, ablation);
        } catch (IllegalArgumentException e) {
            throw line.error(e.getMessage());
        }
    }

    /** Every record of a file written by {@code segattr attribute} (for notebooks and tables; records whose attribution failed are left out). */
    public static List<ScoredTrace> readAll(java.nio.file.Path file) {
        try (var lines = JsonLines.read(file)) {
            return lines.filter(l -> l.json().hasNonNull(AttributionFields.TOKEN_ATTRIBUTIONS) || l.json().hasNonNull(AttributionFields.TOKEN_LOGPROBS))
                    .map(ScoredTrace::fromRecord).toList();
        }
    }

    private static List<double[]> scores(JsonLines.Line line, String field) {
        JsonNode node = line.json().get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!(node instanceof ArrayNode outer)) {
            throw line.error("field '" + field + "': expected a list (one per segment) of lists of numbers");
        }
        List<double[]> result = new ArrayList<>(outer.size());
        for (int s = 0; s < outer.size(); s++) {
            JsonNode inner = outer.get(s);
            if (!inner.isArray()) {
                throw line.error("field '" + field + "[" + s + "]': expected a list of numbers");
            }
            double[] values = new double[inner.size()];
            for (int n = 0; n < values.length; n++) {
                JsonNode v = inner.get(n);
                if (!v.isNumber()) {
                    throw line.error("field '" + field + "[" + s + "][" + n + "]': expected a number, got " + v.getNodeType().toString().toLowerCase());
                }
                // A float32 still in memory (a record straight from the attribute stage) is read as its JSON text
                // would be read from the file, so a chain of record stages gives the file runs' figures exactly.
                values[n] = v.isFloat() ? Double.parseDouble(v.asText()) : v.asDouble();
            }
            result.add(values);
        }
        return result;
    }

    /** A list of numbers (null entries, a segment without tokens, read as 0: removing nothing changes nothing). */
    private static double[] numbers(JsonLines.Line line, String field) {
        JsonNode node = line.json().get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw line.error("field '" + field + "': expected a list of numbers (one per segment)");
        }
        double[] values = new double[node.size()];
        for (int s = 0; s < values.length; s++) {
            JsonNode v = node.get(s);
            if (!v.isNull() && !v.isNumber()) {
                throw line.error("field '" + field + "[" + s + "]': expected a number, got " + v.getNodeType().toString().toLowerCase());
            }
            values[s] = v.isNull() ? 0 : v.asDouble();
        }
        return values;
    }

    private static List<String> strings(JsonLines.Line line, String field) {
        JsonNode node = line.json().get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw line.error("field '" + field + "': expected a list of strings");
        }
        List<String> result = new ArrayList<>(node.size());
        Function<JsonNode, String> text = v -> v.isNull() ? null : v.asText();
        node.forEach(v -> result.add(text.apply(v)));
        return result;
    }

    @Override
    public String toString() {
        return "ScoredTrace(" + id + ", M=" + size() + ", tokens=" + totalTokens() + ")";
    }
}
