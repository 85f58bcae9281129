package dev.segattr.sft;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * What an evaluation's record says under {@code metrics} (and {@code segattr evaluate} prints).
 *
 * @param questions          questions answered
 * @param samplesPerQuestion outputs per question
 * @param accuracy           mean share of correct outputs (greedy: share of questions answered correctly)
 * @param passAtK            "pass@1", "pass@2", ... up to n: mean unbiased pass@k
 * @param meanOutputTokens   mean generated tokens per output
 * @param hitLengthLimit     outputs that reached the length limit
 * @param outputs            outputs in all
 * @param seconds            the decoding's time
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"questions", "samples_per_question", "accuracy", "pass_at_k", "mean_output_tokens", "hit_length_limit",
        "outputs", "seconds"})
public record EvaluationMetrics(int questions, int samplesPerQuestion, double accuracy, Map<String, Double> passAtK,
                                double meanOutputTokens, int hitLengthLimit, int outputs, double seconds) {
}
