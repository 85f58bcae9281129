package dev.segattr.notebook;

import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.AttributionStatus;
import dev.segattr.attribution.TokenAttribution;
import dev.segattr.model.Encoded;
import dev.segattr.select.ScoredTrace;
import dev.segattr.select.SegmentMetrics;
import dev.segattr.select.Selection;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.stage.AttributeStage;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceRecord;
import dev.segattr.viz.RichDisplay;
import dev.segattr.viz.SegmentView;
import dev.segattr.viz.TokenHeatMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One trace's integrated gradients, with what follows from them: the segment metrics, the reference selection
 * the token heat map, and the
 * long-trace view of one row per segment (how it shows in a notebook).
 *
 * <pre>{@code
 * var a = Segattr.attribute(model, trace);
 * a.delta();                          // completeness gap: sum of attributions - (F(x) - F(x'))
 * a.metrics().strength(3);            // segment 3's normalised strength
 * a.selection().segments();           // the reference rule's choice (tau 0.7, beta 0.8)
 * a.heatMap().title("...");           // the picture, to restyle
 * a.view().save(Path.of("a.html"));  // one row per segment, as the notebook shows it, as a page
 * }</pre>
 */
public final class Attribution implements RichDisplay {

    private final Trace trace;
    private final Segments segments;
    private final AnswerTarget target;
    private final TokenAttribution result;
    private final TraceRecord record;

    Attribution(Trace trace, Segments segments, AttributeStage.Attributed attributed) {
        this.trace = trace;
        this.segments = segments;
        this.target = attributed.target();
        this.result = attributed.result();
        this.record = attributed.record();
    }

    /** The record {@code segattr attribute} writes for this trace (what {@link Segattr#writeSelected} selects in). */
    public TraceRecord record() {
        return record;
    }

    public Trace trace() {
        return trace;
    }

    public Segments segments() {
        return segments;
    }

    /** The sequence (prompt + trace + answer) and where the answer and the segments sit in it. */
    public AnswerTarget target() {
        return target;
    }

    /** The raw result: one attribution per token of the whole sequence, F(x), F(x'), the delta, the status. */
    public TokenAttribution result() {
        return result;
    }

    public double delta() {
        return result.convergenceDelta();
    }

    public double targetLogprob() {
        return result.targetLogprob();
    }

    public double baselineLogprob() {
        return result.baselineLogprob();
    }

    public AttributionStatus status() {
        return result.status();
    }

    /** The attributions of each segment's tokens. */
    public List<double[]> perSegment() {
        return target.perSegment(result.attributions());
    }

    /**
     * What the selection policies read, as the select stage reads it from the attributed record (so every policy works,
     * perplexity and entropy too, and picks what {@code segattr select} picks); fails with the reason when the
     * attributions are not finite.
     */
    public ScoredTrace scored() {
        requireFinite();
        return ScoredTrace.fromRecord(record.line());
    }

    public SegmentMetrics metrics() {
        requireFinite();
        return SegmentMetrics.of(perSegment());
    }

    /** The reference rule's selection (tau 0.7, beta 0.8). */
    public Selection selection() {
        return selection(SelectionPolicy.reference());
    }

    public Selection selection(SelectionPolicy policy) {
        return policy.select(scored());
    }

    /** The trace's tokens coloured by attribution, the reference selection boxed. */
    public TokenHeatMap heatMap() {
        return heatMap(SelectionPolicy.reference());
    }

    public TokenHeatMap heatMap(SelectionPolicy policy) {
        Tokens t = tokens();
        TokenHeatMap map = TokenHeatMap.of(t.text(), t.attributions(), t.segmentOf());
        String title = title();
        if (!status().usable()) {
            return map.title(title + ": " + status().label() + " " + result.reason());
        }
        SegmentMetrics m = metrics();
        List<String> labels = new ArrayList<>();
        for (int s = 0; s < m.size(); s++) {
            labels.add(String.format(Locale.ROOT, "strength %.3f, consistency %.2f%s", m.strength(s), m.consistency(s),
                    segments.roles() == null ? "" : ", role " + segments.roles().get(s)));
        }
        return map.selected(selected(policy)).segmentLabels(labels).title(title);
    }

    /**
     * The long-trace view, how an attribution shows in a notebook: one row per segment (its first line, strength,
     * consistency, role, kept or masked by the reference rule), each opening to its tokens' heat map.
     * {@code view().save(Path.of("trace.html"))} writes it as a page of its own.
     */
    public SegmentView view() {
        return view(SelectionPolicy.reference());
    }

    public SegmentView view(SelectionPolicy policy) {
        Tokens t = tokens();
        boolean usable = status().usable();
        SegmentMetrics m = usable ? metrics() : null;
        double[] strength = null;
        double[] consistency = null;
        if (m != null) {
            strength = new double[m.size()];
            consistency = new double[m.size()];
            for (int s = 0; s < m.size(); s++) {
                strength[s] = m.strength(s);
                consistency[s] = m.consistency(s);
            }
        }
        List<SegmentView.Row> rows = SegmentView.rows(t.text(), t.attributions(), t.segmentOf(), strength, consistency,
                segments.roles(), usable ? selected(policy) : null);
        return SegmentView.of(usable ? title() : title() + ": " + status().label() + " " + result.reason(), rows);
    }

    /** The reasoning's tokens: their text, attributions and segments. */
    private record Tokens(List<String> text, double[] attributions, int[] segmentOf) {
    }

    private Tokens tokens() {
        Encoded enc = target.encoded();
        List<String> text = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Integer> segmentOf = new ArrayList<>();
        double[] a = result.attributions();
        for (int s = 0; s < target.segmentCount(); s++) {
            int[] range = target.segmentTokens(s);
            for (int i = range[0]; i < range[1]; i++) {
                text.add(target.text().substring(enc.start()[i], enc.end()[i]));
                values.add(a[i]);
                segmentOf.add(s);
            }
        }
        return new Tokens(text, values.stream().mapToDouble(Double::doubleValue).toArray(),
                segmentOf.stream().mapToInt(Integer::intValue).toArray());
    }

    private String title() {
        return String.format(Locale.ROOT, "Trace %s: F(x) = %.4f, F(x') = %.4f, delta = %.3g (%s)", trace.id(),
                targetLogprob(), baselineLogprob(), delta(), result.settings());
    }

    private Set<Integer> selected(SelectionPolicy policy) {
        Set<Integer> selected = new java.util.HashSet<>();
        Arrays.stream(selection(policy).segments()).forEach(selected::add);
        return selected;
    }

    @Override
    public Map<String, Object> mimeBundle() {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, view().toHtml());
        bundle.put(TEXT_PLAIN, toString());
        return bundle;
    }

    private void requireFinite() {
        if (status() == AttributionStatus.NON_FINITE) {
            throw new IllegalStateException("trace " + trace.id() + ": no usable attributions (" + result.reason() + ")");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Attribution(%s: %d tokens, %d segments, F(x)=%.4f, F(x')=%.4f, delta=%.3g, %s, %.2fs)",
                trace.id(), target.length(), segments.size(), targetLogprob(), baselineLogprob(), delta(), status().label(),
                result.seconds());
    }
}
