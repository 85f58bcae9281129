package dev.segattr.tokenizer;

import java.util.function.UnaryOperator;

/**
 * The method's one text per trace, {@code U + C + A} (METHOD.md section 2), in one place, so that attribution
 * (which scores the answer inside A) and fine-tuning (which supervises C and A) read the same tokens:
 * <ul>
 *   <li>U = the chat template applied to one user turn, {@code question + INSTRUCTION}, with the generation
 *       prompt (for DeepSeek-R1-distilled Qwen it ends in {@code <think>\n}); {@link #FALLBACK_PROMPT} for a
 *       tokenizer without a template;</li>
 *   <li>C = the reasoning, exactly;</li>
 *   <li>A = {@code ANSWER_PREFIX + answer + ANSWER_SUFFIX}, i.e. {@code "</think> So, the final answer is \boxed{" + answer + "}"}.</li>
 * </ul>
 */
public final class TraceLayout {

    public static final String INSTRUCTION = "\nPlease reason step by step, and put your final answer within \\boxed{}.";
    public static final String ANSWER_PREFIX = "</think> So, the final answer is \\boxed{";
    public static final String ANSWER_SUFFIX = "}";
    /**
     * U for a tokenizer without a chat template: {@code "User: " + question + INSTRUCTION + "\nAssistant: <think>\n"}
     * (%s is the user message). Plain text a small model trained on such a format can follow; real checkpoints
     * ship a template and never use it.
     */
    public static final String FALLBACK_PROMPT = "User: %s\nAssistant: <think>\n";

    private TraceLayout() {
    }

    /** U from the tokenizer's chat template (one user turn, generation prompt), or the fallback when it has none. */
    public static UnaryOperator<String> promptOf(Tokenizer tokenizer) {
        if (!tokenizer.hasChatTemplate()) {
            return fallbackPrompt();
        }
        var template = tokenizer.chatTemplate();
        return template::prompt;
    }

    /** The fallback prompt, for tokenizers without a chat template. */
    public static UnaryOperator<String> fallbackPrompt() {
        return user -> String.format(FALLBACK_PROMPT, user);
    }

    /** The user turn U is rendered from. */
    public static String userMessage(String question) {
        return question + INSTRUCTION;
    }

    /** A for a gold answer. */
    public static String answerPart(String answer) {
        return ANSWER_PREFIX + answer + ANSWER_SUFFIX;
    }
}
