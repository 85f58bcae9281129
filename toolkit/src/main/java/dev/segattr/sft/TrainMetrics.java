package dev.segattr.sft;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * What a training run's record says under {@code metrics} (record.json of {@code segattr train}).
 *
 * @param examples                        traces trained on
 * @param skipped                         traces left out (no supervised token)
 * @param truncated                       examples cut to the max length
 * @param tokensPerEpoch                  tokens of all examples
 * @param supervisedTokensPerEpoch        of which carry loss
 * @param supervisedFraction              supervised share of all tokens
 * @param supervisedFractionOfCompletion  supervised share of the reasoning and answer tokens
 * @param updates                         optimizer updates
 * @param finalLoss                       the last epoch's mean loss; null with no epoch
 * @param tokensPerSecond                 training throughput; null when no time passed
 * @param lossPerUpdate                   one per update
 * @param learningRatePerUpdate           one per update
 * @param gradNormPerUpdate               one per update, before clipping
 * @param finalCheckpoint                 the last epoch's checkpoint folder
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"examples", "skipped", "truncated", "tokens_per_epoch", "supervised_tokens_per_epoch", "supervised_fraction",
        "supervised_fraction_of_completion", "updates", "final_loss", "tokens_per_second", "loss_per_update",
        "learning_rate_per_update", "grad_norm_per_update", "final_checkpoint"})
public record TrainMetrics(int examples, int skipped, int truncated, long tokensPerEpoch, long supervisedTokensPerEpoch,
                           double supervisedFraction, double supervisedFractionOfCompletion, int updates, Double finalLoss,
                           Double tokensPerSecond, List<Double> lossPerUpdate, List<Double> learningRatePerUpdate,
                           List<Double> gradNormPerUpdate, String finalCheckpoint) {

    static TrainMetrics of(TrainResult result, TrainingData.Built data) {
        List<TrainResult.Step> steps = result.steps();
        double seconds = steps.stream().mapToDouble(TrainResult.Step::seconds).sum();
        long tokens = steps.stream().mapToLong(TrainResult.Step::tokens).sum();
        return new TrainMetrics(data.examples().size(), data.skipped().size(), data.truncated(), data.tokens(),
                data.supervisedTokens(), data.tokens() == 0 ? 0 : (double) data.supervisedTokens() / data.tokens(),
                data.supervisedFractionOfCompletion(), steps.size(),
                result.finalLoss(),
                seconds > 0 ? tokens / seconds : null,
                steps.stream().map(TrainResult.Step::loss).toList(),
                steps.stream().map(TrainResult.Step::learningRate).toList(),
                steps.stream().map(TrainResult.Step::gradNorm).toList(),
                result.finalCheckpoint());
    }
}
