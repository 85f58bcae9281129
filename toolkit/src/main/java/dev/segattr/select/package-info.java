/**
 * Segment metrics and selection (METHOD.md sections 3 and 4).
 *
 * <pre>{@code
 * List<ScoredTrace> traces = ScoredTrace.readAll(Path.of("attributed.jsonl"));   // segattr attribute's output
 * Selection s = SelectionPolicy.reference().select(traces.get(0));              // tau 0.7, beta 0.8
 * SegmentTable table = SegmentTable.of(traces, SelectionPolicy.reference());    // Tablesaw; .html(), .writeCsv()
 * }</pre>
 *
 * <p>{@link dev.segattr.select.SegmentMetrics} computes strength and consistency without ever producing NaN
 * ({@link dev.segattr.select.SegmentStatus} says where a value stands in for an undefined ratio);
 * {@link dev.segattr.select.SelectionPolicy} has the reference rule and the comparison policies, the latter
 * spending a {@link dev.segattr.select.Budget} of tokens (by default the reference rule's, trace by trace).
 */
package dev.segattr.select;
