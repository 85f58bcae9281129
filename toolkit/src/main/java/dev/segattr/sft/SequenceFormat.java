package dev.segattr.sft;

import dev.segattr.trace.Trace;

/**
 * How a trace becomes one training text U + C + A: the prompt U before the reasoning C, and the answer part A
 * after it. The text is tokenised whole (so the tokens are those the model sees at inference) and the
 * character offsets say which tokens are which part.
 */
public interface SequenceFormat {

    /** U: the prompt, up to and including whatever opens the reasoning (e.g. the chat template's {@code <think>\n}). */
    String prompt(Trace trace);

    /** A: what follows the reasoning (closing markup, the final answer). */
    String answerPart(Trace trace);

    /** Whether an end-of-sequence token follows A (so that the model learns to stop). */
    default boolean endWithEos() {
        return true;
    }

    /** A format from two functions (tests, notebooks). */
    static SequenceFormat of(java.util.function.Function<Trace, String> prompt, java.util.function.Function<Trace, String> answerPart,
                             boolean eos) {
        return new SequenceFormat() {
            @Override
            public String prompt(Trace trace) {
                return prompt.apply(trace);
            }

            @Override
            public String answerPart(Trace trace) {
                return answerPart.apply(trace);
            }

            @Override
            public boolean endWithEos() {
                return eos;
            }
        };
    }
}
