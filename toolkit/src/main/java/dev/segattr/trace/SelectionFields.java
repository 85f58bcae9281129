package dev.segattr.trace;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * The fields {@code segattr select} adds to an attributed record, in the order it writes them; a field that does not
 * apply is left out (a trace without attributions has only {@code selected_segments} and {@code selection_note}).
 * Written and read by Jackson data binding; {@link TraceRecord#with} puts them into a record.
 *
 * @param strength           per segment: its share of the trace's absolute attribution
 * @param consistency        per segment: how much its token attributions agree in sign
 * @param segmentStatus      per segment: ok, or why its metrics are degenerate
 * @param selectedSegments   the segments whose tokens carry loss, sorted (0, M-2 and M-1 always)
 * @param selectionPolicy    the policy and its settings
 * @param selectedTokenRatio supervised share of the trace's tokens
 * @param selectedTokens     per segment, the indices of the supervised tokens (token-level policies only)
 * @param selectionNote      why the choice is degenerate, when it is
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"strength", "consistency", "segment_status", "selected_segments", "selection_policy",
        "selected_token_ratio", "selected_tokens", "selection_note"})
public record SelectionFields(double[] strength, double[] consistency, List<String> segmentStatus, int[] selectedSegments,
                              String selectionPolicy, Double selectedTokenRatio, List<int[]> selectedTokens,
                              String selectionNote) {

    public static final String SELECTED_SEGMENTS = "selected_segments";
    public static final String SELECTED_TOKENS = "selected_tokens";

    /** A trace whose attribution failed: only its always-kept segments, and why. */
    public static SelectionFields withoutAttributions(int[] alwaysKept, String note) {
        return new SelectionFields(null, null, null, alwaysKept, null, null, null, note);
    }
}
