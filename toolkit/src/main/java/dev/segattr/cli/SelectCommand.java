package dev.segattr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.select.Budget;
import dev.segattr.select.ScoredTrace;
import dev.segattr.select.SegmentMetrics;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.Selection;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.trace.JsonLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Choose the segments to supervise from attributed traces (the output of segattr attribute).",
                "Adds strength, consistency and segment_status (per segment), selected_segments (sorted, segments 0, "
                        + "M-2, M-1 included), selection_policy, selected_token_ratio, and selected_tokens (per segment, "
                        + "indices within it) for the token-level policy; selection_note when the choice is degenerate.",
                "Comparison policies (random, perplexity, entropy, top-tokens) supervise as many tokens as the reference "
                        + "rule with the same tau and beta would, trace by trace."})
final class SelectCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, paramLabel = "G", description = "attributed traces, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "H", description = "where to write the traces with their selection")
    Path out;

    @Option(names = "--policy", paramLabel = "NAME",
            description = "reference, strength, random, perplexity, entropy or top-tokens (default: ${DEFAULT-VALUE})")
    String policy = "reference";

    @Option(names = "--tau", paramLabel = "T", description = "cumulative strength the top segments must reach (default: ${DEFAULT-VALUE})")
    double tau = SelectionPolicy.DEFAULT_TAU;

    @Option(names = "--beta", paramLabel = "B", description = "largest consistency kept (default: ${DEFAULT-VALUE})")
    double beta = SelectionPolicy.DEFAULT_BETA;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the random policy (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--table", paramLabel = "FILE", description = "also write the segment table, as CSV (or HTML when FILE ends in .html)")
    Path table;

    @Override
    public Integer call() {
        SelectionPolicy chosen = policy();
        SegmentTable segments = table == null ? null : new SegmentTable();
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("--out must not be the input file");
        }
        try (Stream<JsonLines.Line> lines = JsonLines.read(in)) {
            JsonLines.write(out, lines.map(line -> select(line, chosen, segments)));
        }
        if (segments != null) {
            if (table.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".html")) {
                dev.segattr.experiment.AtomicFile.writeString(table, segments.html());
            } else {
                segments.writeCsv(table);
            }
        }
        return 0;
    }

    static ObjectNode select(JsonLines.Line line, SelectionPolicy policy, SegmentTable table) {
        ObjectNode record = line.json().deepCopy();
        JsonNode attributions = record.get("token_attributions");
        if (attributions == null || attributions.isNull()) {
            return withoutAttributions(line, record);
        }
        ScoredTrace trace = ScoredTrace.fromRecord(line);
        SegmentMetrics metrics;
        Selection selection;
        try {
            metrics = SegmentMetrics.of(trace.attributions());
            selection = policy.select(trace);
        } catch (IllegalArgumentException e) {
            throw line.error(e.getMessage());
        }
        ArrayNode strength = record.putArray("strength");
        ArrayNode consistency = record.putArray("consistency");
        ArrayNode status = record.putArray("segment_status");
        for (int s = 0; s < metrics.size(); s++) {
            strength.add(metrics.strength(s));
            consistency.add(metrics.consistency(s));
            status.add(metrics.status(s).label());
        }
        ArrayNode selected = record.putArray("selected_segments");
        for (int s : selection.segments()) {
            selected.add(s);
        }
        record.put("selection_policy", selection.policy());
        record.put("selected_token_ratio", selection.tokenRatio());
        if (selection.level() == Selection.Level.TOKEN) {
            ArrayNode tokens = record.putArray("selected_tokens");
            for (int[] idx : selection.selectedTokenIndices()) {
                ArrayNode inner = tokens.addArray();
                for (int i : idx) {
                    inner.add(i);
                }
            }
        }
        if (!selection.note().isEmpty()) {
            record.put("selection_note", selection.note());
        }
        if (table != null) {
            table.add(trace, selection);
        }
        return record;
    }

    /** A trace whose attribution failed (non-finite): only its always-kept segments, and a note saying why. */
    private static ObjectNode withoutAttributions(JsonLines.Line line, ObjectNode record) {
        JsonNode counts = record.get("segment_token_counts");
        JsonNode texts = record.get("segments");
        int m = counts != null && counts.isArray() ? counts.size() : texts != null && texts.isArray() ? texts.size() : -1;
        if (m < 0 || !record.has("attribution_status")) {
            throw line.error("field 'token_attributions' is missing (run segattr attribute first)");
        }
        ArrayNode selected = record.putArray("selected_segments");
        SelectionPolicy.alwaysKept(m).forEach(selected::add);
        record.put("selection_note", "no attributions (" + record.path("attribution_status").asText() + ": "
                + record.path("attribution_reason").asText("") + "): only the always-kept segments");
        return record;
    }

    private SelectionPolicy policy() {
        try {
            SelectionPolicy reference = SelectionPolicy.reference(tau, beta);
            Budget matched = Budget.matching(reference);
            return switch (policy) {
                case "reference" -> reference;
                case "strength" -> SelectionPolicy.strength(tau);
                case "random" -> SelectionPolicy.random(matched, seed);
                case "perplexity" -> SelectionPolicy.perplexity(matched);
                case "entropy" -> SelectionPolicy.entropy(matched);
                case "top-tokens" -> SelectionPolicy.topTokens(matched);
                default -> throw new BadInputException("--policy must be reference, strength, random, perplexity, entropy or top-tokens, got '" + policy + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage().replace("tau ", "--tau ").replace("beta ", "--beta "));
        }
    }
}
