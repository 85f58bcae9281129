package dev.segattr.synth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells the move (and so the role) of a segment of generated text on the synthetic benchmark, from the
 * generator's own phrasings: a model trained on the benchmark's traces writes its segments with them, so what a
 * segment does can be read off its words. It is what the role census of a model's outputs counts with.
 *
 * <p>Rules, first match wins (a segment is one piece as {@code Segmenter.reference()} cuts it):
 * <ol>
 *   <li>a {@code \boxed{} } anywhere: the summary (essential);</li>
 *   <li>"is not N, it is M": a fix of a slip (reflective);</li>
 *   <li>the first segment's openings ("Okay, so I need to find", "Alright, the question asks"): understanding
 *       with step 1 (essential);</li>
 *   <li>a check's closing ("So it is right.", "So that checks out.", "Yes, N is right."): a check (reflective);</li>
 *   <li>an exploration's opening ("Alternatively, maybe I could start from", "Wait, maybe there is a faster
 *       way.", ...): an alternative begun (truncated, whether or not the model finishes it);</li>
 *   <li>a restatement's opening ("Wait, let me read the problem again.", "Wait, so far I have found", ...):
 *       redundant;</li>
 *   <li>a step's opening ("Wait, so next,", "Another step:", ...) followed by a computation "A op B":
 *       a computation step (essential);</li>
 *   <li>otherwise {@link Verdict#UNRECOGNISED}: text the generator never writes (a model's garble, a phrasing
 *       cut in two by the length limit), counted apart rather than guessed.</li>
 * </ol>
 * A check's opening without its closing (cut by the length limit) is unrecognised, not guessed.
 *
 * <p>On the generator's own traces it is exact: every segment of {@link Synth#generate} gets its recorded move
 * ({@code RoleClassifierTest} checks thousands).
 */
public final class RoleClassifier {

    /** The outcome: a role, or {@link #UNRECOGNISED}. */
    public enum Verdict {
        ESSENTIAL(Role.ESSENTIAL), REFLECTIVE(Role.REFLECTIVE), REDUNDANT(Role.REDUNDANT), TRUNCATED(Role.TRUNCATED),
        /** The segment matches none of the generator's phrasings. */
        UNRECOGNISED(null);

        private final Role role;

        Verdict(Role role) {
            this.role = role;
        }

        /** The role, empty when unrecognised. */
        public Optional<Role> role() {
            return Optional.ofNullable(role);
        }

        public boolean recognised() {
            return role != null;
        }

        /** {@code essential}, ..., {@code unrecognised}: the census's column names. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Verdict of(Move move) {
            return move == null ? UNRECOGNISED : valueOf(move.role().name());
        }
    }

    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{");
    private static final Pattern FIX = Pattern.compile("\\bis not \\d+, it is \\d+\\.");
    private static final Pattern CHECK_CLOSING = Pattern.compile(
            "(?: So it is right\\.| So that checks out\\.| Yes, \\d+ is right\\.)\\s*$");
    private static final Pattern COMPUTATION = Pattern.compile("\\d+ (?:plus|minus|times|divided by) \\d+");

    private static final List<String> UNDERSTAND_OPENINGS = List.of(
            "Okay, so I need to find ", "Alright, the question asks ");
    private static final List<String> EXPLORE_OPENINGS = List.of(
            "Alternatively, maybe I could start from ", "But alternatively, what if I use ",
            "Wait, maybe there is a faster way.", "Another way to see it is to put ",
            "Another way to do this is to start from the end", "But alternatively, maybe I should draw a table");
    private static final List<String> RESTATE_OPENINGS = List.of(
            "Wait, let me read the problem again.", "Going back to the question, it asks ",
            "However, I should keep the goal in mind.", "Another thing to note.", "But wait, what does the problem ask?",
            "Wait, so far I have found ", "Going back to what I have so far, ");
    private static final List<String> STEP_OPENINGS = List.of(
            "Wait, I still need ", "Another step: ", "However, that is not all. ", "Going back to the problem, ",
            "But wait, there is more. ", "Wait, so next, ");

    private RoleClassifier() {
    }

    /** The role of a segment's text (with or without its leading "\n\n"), or {@link Verdict#UNRECOGNISED}. */
    public static Verdict classify(String segmentText) {
        return Verdict.of(move(segmentText).orElse(null));
    }

    /** The finer move of a segment's text, empty when unrecognised. */
    public static Optional<Move> move(String segmentText) {
        String text = segmentText.strip();
        if (BOXED.matcher(text).find()) {
            return Optional.of(Move.SUMMARY);
        }
        if (FIX.matcher(text).find()) {
            return Optional.of(Move.FIX);
        }
        if (startsWithAny(text, UNDERSTAND_OPENINGS)) {
            return Optional.of(Move.UNDERSTAND);
        }
        if (CHECK_CLOSING.matcher(text).find()) {
            return Optional.of(Move.CHECK);
        }
        if (startsWithAny(text, EXPLORE_OPENINGS)) {
            return Optional.of(Move.EXPLORE);
        }
        if (startsWithAny(text, RESTATE_OPENINGS)) {
            return Optional.of(Move.RESTATE);
        }
        if (startsWithAny(text, STEP_OPENINGS) && COMPUTATION.matcher(text).find()) {
            return Optional.of(Move.STEP);
        }
        return Optional.empty();
    }

    private static boolean startsWithAny(String text, List<String> openings) {
        for (String o : openings) {
            if (text.startsWith(o)) {
                return true;
            }
        }
        return false;
    }
}
