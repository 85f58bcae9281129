/**
 * Integrated gradients of a reasoning trace's answer, and the per-token scores the comparison policies use.
 *
 * <pre>{@code
 * try (CausalLM lm = CausalLM.load(dir); Tokenizer tok = Tokenizer.load(dir)) {
 *     EmbeddingModel model = EmbeddingModel.of(lm);
 *     var ig = new IntegratedGradients(model,
 *             IntegratedGradients.Options.reference(Baseline.pad(tok.padId())).withBatch(10));
 *     AnswerTarget target = AnswerTarget.of(tok, TraceLayout.promptOf(tok), trace, Segmenter.reference().split(trace.reasoning()));
 *     TokenAttribution a = target.attribute(ig);          // a.status(), a.convergenceDelta()
 *     List<double[]> perSegment = target.perSegment(a.attributions());
 *     TokenScores scores = TokenScores.compute(model, target.ids());   // log-probs, entropies
 * }
 * }</pre>
 *
 * <p>{@link dev.segattr.attribution.AnswerTarget} builds U + C + A and places the answer and the segments by
 * char offsets; {@link dev.segattr.attribution.IntegratedGradients} integrates along the path with
 * {@link dev.segattr.attribution.PathPoints} ({@link dev.segattr.attribution.PointScheme}: reference, trapezoid,
 * Gauss-Legendre), K points per pass, frozen weights; {@link dev.segattr.attribution.TokenAttribution} carries
 * the result and its {@link dev.segattr.attribution.AttributionStatus}.
 *
 * <p>Sizing K (points per pass): memory grows with K x T (activations kept for backward, K rows of T tokens),
 * never with J. Measure the peak of one trace at K = 1 (see {@code IntegratedGradients}), then choose the
 * largest K whose K-fold activation memory fits; results do not depend on K beyond float rounding.
 */
package dev.segattr.attribution;
