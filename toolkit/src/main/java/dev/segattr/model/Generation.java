package dev.segattr.model;

import java.util.List;

/**
 * What {@link Generator#generate} produced, one entry per prompt, in the prompts' order.
 *
 * @param tokens the new tokens of each prompt (the prompt excluded; a stop token included)
 * @param stopped whether each row ended on a stop id (false: it ran out of maxNewTokens)
 * @param lastLogits for each row, the float32 logits of the step that chose its last token (empty when no
 *     token was generated)
 */
public record Generation(List<long[]> tokens, List<Boolean> stopped, List<float[]> lastLogits) {
}
