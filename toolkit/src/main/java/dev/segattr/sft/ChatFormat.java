package dev.segattr.sft;

import dev.segattr.BadInputException;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.Trace;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The method's sequence U + C + A (METHOD.md section 2), laid out as {@link TraceLayout} says, the same
 * text the attribution runs on, so that the tokens of every segment are the same in attribution and in training:
 * <ul>
 *   <li>U = the tokenizer's chat template applied to one user turn {@code question + instruction} with the
 *       generation prompt ({@link TraceLayout#promptOf}: the template's, or the plain fallback for a tokenizer
 *       without one);</li>
 *   <li>C = the reasoning;</li>
 *   <li>A = {@code answerTemplate} with {@code {answer}} replaced, by default the reference's
 *       {@code "</think> So, the final answer is \boxed{answer}"}, then the end-of-sequence token.</li>
 * </ul>
 * Evaluation asks with the same U, so a fine-tuned model is asked the way it was taught.
 */
public final class ChatFormat implements SequenceFormat {

    /** The reference answer part (TraceLayout's A), {@code {answer}} for the gold answer. */
    public static final String REFERENCE_ANSWER = TraceLayout.ANSWER_PREFIX + "{answer}" + TraceLayout.ANSWER_SUFFIX;

    private final UnaryOperator<String> template;
    private final String instruction;
    private final String answerTemplate;

    /**
     * @param template       U from the user message (generation prompt included)
     * @param instruction    appended to the question in the user turn
     * @param answerTemplate A, with {@code {answer}} where the gold answer goes
     */
    public ChatFormat(UnaryOperator<String> template, String instruction, String answerTemplate) {
        this.template = Objects.requireNonNull(template);
        this.instruction = Objects.requireNonNull(instruction);
        this.answerTemplate = Objects.requireNonNull(answerTemplate);
        if (!answerTemplate.contains("{answer}")) {
            throw new BadInputException("answer template '" + answerTemplate + "' has no {answer} placeholder");
        }
    }

    /** The reference U and A with this tokenizer's chat template (or the attribution's fallback prompt). */
    public static ChatFormat reference(Tokenizer tokenizer) {
        return new ChatFormat(TraceLayout.promptOf(tokenizer), TraceLayout.INSTRUCTION, REFERENCE_ANSWER);
    }

    public ChatFormat withAnswerTemplate(String answerTemplate) {
        return new ChatFormat(template, instruction, answerTemplate);
    }

    public String answerTemplate() {
        return answerTemplate;
    }

    /** U for a question: what evaluation feeds the model, and what precedes the reasoning in training. */
    public String prompt(String question) {
        return template.apply(question + instruction);
    }

    @Override
    public String prompt(Trace trace) {
        return prompt(trace.question());
    }

    @Override
    public String answerPart(Trace trace) {
        return answerTemplate.replace("{answer}", trace.answer());
    }

    @Override
    public String toString() {
        return "ChatFormat[instruction=" + instruction.strip() + ", answer=" + answerTemplate + "]";
    }
}
