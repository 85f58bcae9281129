package dev.segattr.sft;

import java.util.Arrays;
import java.util.List;

/**
 * Which tokens of a trace's reasoning carry loss. The prompt never does; the answer part after the reasoning
 * always does. Segment s holds the tokens whose first char lies in it (the rule of {@code Encoded.tokenRange}
 * and of the attribution), so token indices here mean the same tokens as in an attribution record.
 */
public sealed interface Supervision {

    /** All of the reasoning: full-CoT SFT. */
    record Everything() implements Supervision {
    }

    /** The tokens of these segments (sorted indices, from {@code selected_segments}). */
    record Segments(int[] selected) implements Supervision {
        public Segments {
            selected = selected.clone();
            Arrays.sort(selected);
        }

        @Override
        public int[] selected() {
            return selected.clone();
        }
    }

    /**
     * Single tokens: for each segment, the indices (within the segment, from 0) of its supervised tokens
     * ({@code selected_tokens}, as a token-level policy such as top-|IG| tokens writes them).
     */
    record Tokens(List<int[]> selected) implements Supervision {
        public Tokens {
            selected = selected.stream().map(int[]::clone).toList();
        }
    }

    static Supervision everything() {
        return new Everything();
    }

    static Supervision segments(int... selected) {
        return new Segments(selected);
    }

    static Supervision tokens(List<int[]> selected) {
        return new Tokens(selected);
    }
}
