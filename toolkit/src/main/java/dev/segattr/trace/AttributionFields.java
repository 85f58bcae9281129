package dev.segattr.trace;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * The fields {@code segattr attribute} adds to a trace's record, in the order it writes them. Per-segment scores are
 * float32 (what the model computes; null where a value is not finite), figures of the whole trace float64 (null when
 * not finite). Written and read by Jackson data binding; {@link TraceRecord#with} puts them into a record.
 *
 * @param tokenAttributions   integrated gradients per segment, per token; null when they are not finite
 * @param targetLogprob       F(x): the answer's log-probability given the trace
 * @param baselineLogprob     F(x') at the path's start
 * @param convergenceDelta    sum of the attributions - (F(x) - F(x'))
 * @param seconds             the attribution's time, to the millisecond
 * @param attributionStatus   ok, large delta, empty answer, zero attribution, non-finite
 * @param attributionReason   why the status is not ok; null (left out) when it is
 * @param attributionSettings the path, baseline, batch and dtype ("50 reference points, pad baseline, batch 1, float32")
 * @param segmentTokenCounts  tokens per segment
 * @param sequenceTokens      tokens of prompt + trace + answer
 * @param answerTokens        tokens of the answer
 * @param tokenLogprobs       log p(token | tokens before), per segment
 * @param tokenEntropies      entropy (nats) of the distribution predicting each token, per segment
 * @param exceedsMaxPositions true when the sequence is longer than the model's max_position_embeddings; else left out
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"token_attributions", "target_logprob", "baseline_logprob", "convergence_delta", "seconds",
        "attribution_status", "attribution_reason", "attribution_settings", "segment_token_counts", "sequence_tokens",
        "answer_tokens", "token_logprobs", "token_entropies", "exceeds_max_positions"})
public record AttributionFields(List<List<Float>> tokenAttributions, Double targetLogprob, Double baselineLogprob,
                                Double convergenceDelta, double seconds, String attributionStatus,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String attributionReason,
                                String attributionSettings, int[] segmentTokenCounts, int sequenceTokens, int answerTokens,
                                List<List<Float>> tokenLogprobs, List<List<Float>> tokenEntropies,
                                @JsonInclude(JsonInclude.Include.NON_NULL) Boolean exceedsMaxPositions) {

    public static final String TOKEN_ATTRIBUTIONS = "token_attributions";
    public static final String TOKEN_LOGPROBS = "token_logprobs";
    public static final String TOKEN_ENTROPIES = "token_entropies";
    public static final String ATTRIBUTION_STATUS = "attribution_status";
    public static final String ATTRIBUTION_REASON = "attribution_reason";
    public static final String ATTRIBUTION_SETTINGS = "attribution_settings";
    public static final String SEGMENT_TOKEN_COUNTS = "segment_token_counts";
    public static final String SEQUENCE_TOKENS = "sequence_tokens";
    public static final String SECONDS = "seconds";

    /** The same fields, flagged as longer than the model's positions. */
    public AttributionFields exceedingMaxPositions() {
        return new AttributionFields(tokenAttributions, targetLogprob, baselineLogprob, convergenceDelta, seconds,
                attributionStatus, attributionReason, attributionSettings, segmentTokenCounts, sequenceTokens, answerTokens,
                tokenLogprobs, tokenEntropies, true);
    }

    /** Per-segment float32 lists of per-token values, null where a value is not finite. */
    public static List<List<Float>> perSegment(List<double[]> segments) {
        return segments.stream().map(AttributionFields::float32).toList();
    }

    private static List<Float> float32(double[] values) {
        List<Float> out = new java.util.ArrayList<>(values.length);
        for (double v : values) {
            out.add(Double.isFinite(v) ? (float) v : null);
        }
        return out;
    }

    /** A figure, or null when it is not finite (JSON has no NaN). */
    public static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
