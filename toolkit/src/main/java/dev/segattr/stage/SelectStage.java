package dev.segattr.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.select.Budget;
import dev.segattr.select.ScoredTrace;
import dev.segattr.select.SegmentMetrics;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.Selection;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Chooses the segments to supervise from attributed traces. Adds {@code strength}, {@code consistency} and
 * {@code segment_status} (per segment), {@code selected_segments}, {@code selection_policy},
 * {@code selected_token_ratio}, {@code selected_tokens} for the token-level policy, and {@code selection_note}
 * when the choice is degenerate. A trace whose attribution failed keeps only its always-kept segments.
 */
public final class SelectStage {

    public static final String NAME = "select";

    /** The selection rules; the comparison policies supervise as many tokens as the reference rule would, trace by trace. */
    public enum Policy {
        REFERENCE, STRENGTH, RANDOM, PERPLEXITY, ENTROPY, TOP_TOKENS, ABLATION;

        /** "reference", ..., "top-tokens", as on the command line. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Policy parse(String name) {
            for (Policy p : values()) {
                if (p.label().equals(name)) {
                    return p;
                }
            }
            throw new BadInputException("--policy must be reference, strength, random, perplexity, entropy, top-tokens or ablation, got '" + name + "'");
        }

        @Override
        public String toString() {
            return label();
        }
    }

    /**
     * @param policy the rule
     * @param tau    cumulative strength the top segments must reach
     * @param beta   largest consistency kept
     * @param seed   of the random policy
     * @param table  where the file run also writes the segment table (CSV, or HTML for a name ending in .html); null for none
     */
    public record Options(Policy policy, double tau, double beta, long seed, Path table) {

        public Options {
            Objects.requireNonNull(policy, "policy");
        }

        /** The reference rule, tau 0.7, beta 0.8. */
        public static Options reference() {
            return new Options(Policy.REFERENCE, SelectionPolicy.DEFAULT_TAU, SelectionPolicy.DEFAULT_BETA, 0, null);
        }

        public Options withPolicy(Policy p) {
            return new Options(p, tau, beta, seed, table);
        }

        public Options withTable(Path t) {
            return new Options(policy, tau, beta, seed, t);
        }

        /** The policy these options describe; a tau or beta out of range is refused with "--tau ..." / "--beta ...". */
        public SelectionPolicy selectionPolicy() {
            try {
                SelectionPolicy reference = SelectionPolicy.reference(tau, beta);
                Budget matched = Budget.matching(reference);
                return switch (policy) {
                    case REFERENCE -> reference;
                    case STRENGTH -> SelectionPolicy.strength(tau);
                    case RANDOM -> SelectionPolicy.random(matched, seed);
                    case PERPLEXITY -> SelectionPolicy.perplexity(matched);
                    case ENTROPY -> SelectionPolicy.entropy(matched);
                    case TOP_TOKENS -> SelectionPolicy.topTokens(matched);
                    case ABLATION -> SelectionPolicy.ablation(tau);
                };
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage().replace("tau ", "--tau ").replace("beta ", "--beta "));
            }
        }
    }

    private SelectStage() {
    }

    /** Selects in every record of {@code in} into {@code out} (written atomically), and the table when the options ask. */
    public static void run(Path in, Path out, Options options, StageListener listener) {
        SelectionPolicy policy = options.selectionPolicy();
        SegmentTable segments = options.table() == null ? null : new SegmentTable();
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("--out must not be the input file");
        }
        try (Stream<JsonLines.Line> lines = JsonLines.read(in)) {
            JsonLines.write(out, lines.map(line -> select(line, policy, segments)));
        }
        if (segments != null) {
            Path table = options.table();
            if (table.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".html")) {
                AtomicFile.writeString(table, segments.html());
            } else {
                segments.writeCsv(table);
            }
        }
    }

    /** The per-record work (the options' table is not written: a record stage sees one record at a time). */
    public static RecordStage<TraceRecord, TraceRecord> open(Options options) {
        SelectionPolicy policy = options.selectionPolicy();
        return record -> record.withFields(select(record.line(), policy, null));
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
}
