package dev.segattr.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.select.Budget;
import dev.segattr.select.ScoredTrace;
import dev.segattr.select.SegmentMetrics;
import dev.segattr.select.SegmentTable;
import dev.segattr.select.Selection;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.trace.AttributionFields;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.SelectionFields;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Selects in every record of {@code in} into {@code out} (written atomically), and writes the table when the options
     * name a file.
     *
     * @return the segment table (one row per segment; to write it in another format too), or null when the options name none
     */
    public static SegmentTable run(Path in, Path out, Options options, StageListener listener) {
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
        return segments;
    }

    /** The per-record work (the options' table is not written: a record stage sees one record at a time). */
    public static RecordStage<TraceRecord, TraceRecord> open(Options options) {
        SelectionPolicy policy = options.selectionPolicy();
        return open(policy);
    }

    /** The per-record work under a policy made in code (a notebook's). */
    public static RecordStage<TraceRecord, TraceRecord> open(SelectionPolicy policy) {
        return record -> select(record, policy, null);
    }

    static ObjectNode select(JsonLines.Line line, SelectionPolicy policy, SegmentTable table) {
        return select(TraceRecord.of(line), policy, table).json();
    }

    static TraceRecord select(TraceRecord record, SelectionPolicy policy, SegmentTable table) {
        JsonNode attributions = record.json().get(AttributionFields.TOKEN_ATTRIBUTIONS);
        if (attributions == null || attributions.isNull()) {
            return record.with(withoutAttributions(record));
        }
        ScoredTrace trace = ScoredTrace.fromRecord(record.line());
        SegmentMetrics metrics;
        Selection selection;
        try {
            metrics = SegmentMetrics.of(trace.attributions());
            selection = policy.select(trace);
        } catch (IllegalArgumentException e) {
            throw record.error(e.getMessage());
        }
        List<String> status = new ArrayList<>(metrics.size());
        for (int s = 0; s < metrics.size(); s++) {
            status.add(metrics.status(s).label());
        }
        SelectionFields fields = new SelectionFields(metrics.strengths(), metrics.consistencies(), status, selection.segments(),
                selection.policy(), selection.tokenRatio(),
                selection.level() == Selection.Level.TOKEN ? selection.selectedTokenIndices() : null,
                selection.note().isEmpty() ? null : selection.note());
        if (table != null) {
            table.add(trace, selection);
        }
        return record.with(fields);
    }

    /** A trace whose attribution failed (non-finite): only its always-kept segments, and a note saying why. */
    private static SelectionFields withoutAttributions(TraceRecord record) {
        JsonNode counts = record.json().get(AttributionFields.SEGMENT_TOKEN_COUNTS);
        JsonNode texts = record.json().get(Trace.SEGMENTS);
        int m = counts != null && counts.isArray() ? counts.size() : texts != null && texts.isArray() ? texts.size() : -1;
        if (m < 0 || !record.json().has(AttributionFields.ATTRIBUTION_STATUS)) {
            throw record.error("field 'token_attributions' is missing (run segattr attribute first)");
        }
        return SelectionFields.withoutAttributions(SelectionPolicy.alwaysKept(m).stream().mapToInt(Integer::intValue).toArray(),
                "no attributions (" + record.json().path(AttributionFields.ATTRIBUTION_STATUS).asText() + ": "
                        + record.json().path(AttributionFields.ATTRIBUTION_REASON).asText("") + "): only the always-kept segments");
    }
}
