package dev.segattr.sft;

import dev.segattr.BadInputException;
import dev.segattr.model.ChatTemplate;
import dev.segattr.model.Tokenizer;
import dev.segattr.trace.Trace;

/**
 * The method's sequence U + C + A (METHOD.md section 2) through the tokenizer's chat template:
 * <ul>
 *   <li>U = the template's one-turn prompt of {@code question + instruction} with the generation prompt, ending
 *       in {@code <think>\n} (appended when the template's generation prompt does not open the thinking
 *       itself, as Qwen3's does not);</li>
 *   <li>C = the reasoning;</li>
 *   <li>A = {@code answerTemplate} with {@code {answer}} replaced, by default the reference's
 *       {@code "</think> So, the final answer is \boxed{answer}"}, then the end-of-sequence token.</li>
 * </ul>
 * Training and evaluation use the same U, so a fine-tuned model is asked the way it was taught. A starting
 * with {@code </think>} keeps the reasoning's last token from merging with it, so the reasoning's tokens are
 * the same as in the attribution's sequence.
 *
 * @param template       the chat template
 * @param instruction    appended to the question in the user turn
 * @param answerTemplate A, with {@code {answer}} where the gold answer goes
 */
public record ChatFormat(ChatTemplate template, String instruction, String answerTemplate) implements SequenceFormat {

    /** The reference instruction (METHOD.md section 2). */
    public static final String REFERENCE_INSTRUCTION = "\nPlease reason step by step, and put your final answer within \\boxed{}.";
    /** The reference answer part. */
    public static final String REFERENCE_ANSWER = "</think> So, the final answer is \\boxed{{answer}}";
    static final String OPEN_THINKING = "<think>\n";

    public ChatFormat {
        if (!answerTemplate.contains("{answer}")) {
            throw new BadInputException("answer template '" + answerTemplate + "' has no {answer} placeholder");
        }
    }

    /** The reference U and A with this tokenizer's chat template. */
    public static ChatFormat reference(Tokenizer tokenizer) {
        if (!tokenizer.hasChatTemplate()) {
            throw new BadInputException(tokenizer.dir() + ": the tokenizer has no chat template (tokenizer_config.json 'chat_template')");
        }
        return new ChatFormat(tokenizer.chatTemplate(), REFERENCE_INSTRUCTION, REFERENCE_ANSWER);
    }

    public ChatFormat withAnswerTemplate(String answerTemplate) {
        return new ChatFormat(template, instruction, answerTemplate);
    }

    /** U for a question: what evaluation feeds the model, and what precedes the reasoning in training. */
    public String prompt(String question) {
        String prompt = template.prompt(question + instruction);
        String trimmed = prompt.stripTrailing();
        if (trimmed.endsWith("<think>")) {
            return prompt.endsWith("\n") ? prompt : trimmed + "\n";
        }
        return prompt + OPEN_THINKING;
    }

    @Override
    public String prompt(Trace trace) {
        return prompt(trace.question());
    }

    @Override
    public String answerPart(Trace trace) {
        return answerTemplate.replace("{answer}", trace.answer());
    }
}
