package dev.segattr.synth;

import dev.segattr.BadInputException;
import dev.segattr.trace.Answers;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Segmenter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthTest {

    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern PIECE = Pattern.compile("[A-Za-z']+|\\d|[^\\sA-Za-z\\d]");

    /** 3000 traces from 150 seeds: what the invariants are checked on (made once, shared by the tests). */
    private static final List<SynthTrace> MANY = new ArrayList<>();

    private static synchronized List<SynthTrace> many() {
        if (MANY.isEmpty()) {
            for (long seed = 0; seed < 150; seed++) {
                MANY.addAll(Synth.generate(SynthConfig.defaults().withN(20).withSeed(seed)));
            }
        }
        return MANY;
    }

    @Test
    void theReferenceSegmenterCutsExactlyWhereTheGeneratorDid() {
        for (SynthTrace t : many()) {
            List<Segment> split = Segmenter.reference().split(t.reasoning());
            assertEquals(t.segments(), split.stream().map(Segment::text).toList(), t.id() + " of " + t.problem().key());
            assertFalse(Segmenter.REFERENCE_KEYWORDS.stream().anyMatch(k -> t.segments().get(0).startsWith(k)),
                    "segment 0 starts without a transition phrase");
            for (int i = 1; i < t.segments().size(); i++) {
                String s = t.segments().get(i);
                assertTrue(Segmenter.REFERENCE_KEYWORDS.stream().anyMatch(s::startsWith), "segment " + i + " opens with a phrase");
                assertFalse(s.substring(2).contains("\n"), "no newline inside segment " + i + " of " + t.id());
            }
        }
    }

    @Test
    void theSplitInvariantHoldsForLongTracesOfEachOptionalRole() {
        // Extreme settings: very long traces of one optional role each; the invariant must hold regardless.
        for (RoleMix mix : List.of(new RoleMix(1, 0, 0), new RoleMix(0, 1, 0), new RoleMix(0, 0, 1))) {
            SynthConfig config = SynthConfig.defaults().withN(60).withSeed(7).withSegments(20, 25).withMix(mix).withSlipRate(1);
            for (SynthTrace t : Synth.generate(config)) {
                assertEquals(t.segments(), Segmenter.reference().split(t.reasoning()).stream().map(Segment::text).toList());
            }
        }
    }

    @Test
    void everyTraceUnderstandsFirstAndEndsWithASummaryAndItsBoxedAnswer() {
        for (SynthTrace t : many()) {
            assertEquals(Move.UNDERSTAND, t.moves().get(0));
            assertEquals(Move.SUMMARY, t.moves().get(t.moves().size() - 1));
            assertEquals(t.answer(), Answers.lastBoxed(t.reasoning()).orElseThrow());
            assertTrue(t.segments().get(t.segments().size() - 1).contains("\\boxed{" + t.answer() + "}"));
            assertEquals(1, count(t.reasoning(), "\\boxed{"), "one boxed answer, in the summary");
            assertEquals(t.problem().steps().size() - 1, t.moves().stream().filter(m -> m == Move.STEP).count());
            int answer = Integer.parseInt(t.answer());
            assertTrue(answer >= 0 && answer < 1000, "a small whole answer: " + answer);
        }
    }

    @Test
    void eachStepWritesItsResultAndTheRightValueIsKnownBeforeItIsUsed() {
        for (SynthTrace t : many()) {
            List<Step> steps = t.problem().steps();
            List<Integer> stepSegments = new ArrayList<>();
            for (int i = 0; i < t.moves().size(); i++) {
                if (t.moves().get(i) == Move.UNDERSTAND || t.moves().get(i) == Move.STEP) {
                    stepSegments.add(i);
                }
            }
            assertEquals(steps.size(), stepSegments.size());
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                int at = stepSegments.get(s);
                assertTrue(t.segments().get(at).contains(step.expression()), t.id() + " step " + s + " shows its computation");
                // The right value appears in an important segment from the step up to the next step (or the summary).
                int next = s + 1 < steps.size() ? stepSegments.get(s + 1) : t.segments().size() - 1;
                boolean carried = false;
                for (int i = at; i < next; i++) {
                    carried |= t.moves().get(i).role().important() && numbers(t.segments().get(i)).contains(step.result());
                }
                assertTrue(carried, t.id() + ": the result of step " + s + " is written before it is used");
            }
        }
    }

    @Test
    void aSlipIsFixedRightAfterItsStepAndTheFixCarriesTheRightValue() {
        int fixes = 0;
        for (SynthTrace t : many()) {
            for (int i = 0; i < t.moves().size(); i++) {
                if (t.moves().get(i) != Move.FIX) {
                    continue;
                }
                fixes++;
                Move before = t.moves().get(i - 1);
                assertTrue(before == Move.UNDERSTAND || before == Move.STEP, "a fix follows the step it fixes");
                int stepIndex = (int) t.moves().subList(0, i).stream().filter(m -> m == Move.UNDERSTAND || m == Move.STEP).count() - 1;
                Step step = t.problem().steps().get(stepIndex);
                String slipped = t.segments().get(i - 1);
                assertFalse(slipped.endsWith(" " + step.resultText() + "."), "the step wrote a wrong value: " + slipped);
                assertTrue(t.segments().get(i).contains(" " + step.resultText() + ", not "), t.segments().get(i));
            }
        }
        assertTrue(fixes > 100, "defaults produce slips and fixes, got " + fixes);
    }

    @Test
    void redundantSegmentsSayNothingNewAndTruncatedOnesBringInNoResultTheSolutionNeeds() {
        for (SynthTrace t : many()) {
            Set<Integer> question = new HashSet<>(numbers(t.question()));
            Set<Integer> results = t.problem().steps().stream().map(Step::result).collect(Collectors.toSet());
            Set<Integer> said = new HashSet<>(question);
            for (int i = 0; i < t.segments().size(); i++) {
                Move move = t.moves().get(i);
                for (int x : numbers(t.segments().get(i))) {
                    if (move == Move.RESTATE) {
                        // a restatement repeats the question or a result already written, never a new number
                        assertTrue(said.contains(x), t.id() + " segment " + i + " says " + x + " first: " + t.segments().get(i));
                    } else if (move == Move.EXPLORE) {
                        assertTrue(question.contains(x) || !results.contains(x),
                                t.id() + " segment " + i + " (explore) brings in result " + x + ": " + t.segments().get(i));
                    }
                }
                if (move.role().important()) {
                    said.addAll(numbers(t.segments().get(i)));
                }
            }
        }
    }

    @Test
    void truncatedSegmentsStopMidSentenceAndTheOthersEndTheirSentences() {
        for (SynthTrace t : many()) {
            for (int i = 0; i < t.segments().size(); i++) {
                String s = t.segments().get(i);
                char last = s.charAt(s.length() - 1);
                boolean ended = last == '.' || last == '?';
                assertEquals(t.moves().get(i) != Move.EXPLORE, ended, t.id() + " segment " + i + ": " + s);
            }
        }
    }

    @Test
    void tracesAreShortEnoughForATinyModel() {
        int max = 0;
        long sum = 0;
        List<SynthTrace> traces = many();
        for (SynthTrace t : traces) {
            int pieces = pieces(t.question() + " " + t.reasoning());
            max = Math.max(max, pieces);
            sum += pieces;
        }
        double mean = (double) sum / traces.size();
        assertTrue(mean > 150 && mean < 350, "mean word pieces " + mean);
        assertTrue(max < 500, "longest trace " + max + " word pieces");
    }

    @Test
    void segmentCountsStayInTheirRangeAndTemplatesThatDoNotFitAreNotDrawn() {
        SynthConfig small = SynthConfig.defaults().withN(300).withSeed(1).withSegments(3, 4);
        for (SynthTrace t : Synth.generate(small)) {
            assertTrue(t.segments().size() >= 3 && t.segments().size() <= 4, t.id() + ": " + t.segments().size());
            assertTrue(t.problem().steps().size() <= 3);
        }
        SynthConfig exact = SynthConfig.defaults().withN(200).withSeed(2).withSegments(10, 10);
        assertTrue(Synth.generate(exact).stream().allMatch(t -> t.segments().size() == 10));
        Set<Integer> steps = Synth.generate(SynthConfig.defaults().withN(300)).stream()
                .map(t -> t.problem().steps().size()).collect(Collectors.toSet());
        assertEquals(Set.of(2, 3, 4), steps);
    }

    @Test
    void theRoleMixIsFollowed() {
        SynthConfig config = SynthConfig.defaults().withN(2000).withSeed(3);
        Map<Role, Integer> counts = new EnumMap<>(Role.class);
        Synth.generate(config).forEach(t -> t.roles().forEach(r -> counts.merge(r, 1, Integer::sum)));
        int optional = counts.get(Role.REFLECTIVE) + counts.get(Role.REDUNDANT) + counts.get(Role.TRUNCATED);
        config.mix().probabilities().forEach((role, p) ->
                assertEquals(p, counts.get(role) / (double) optional, 0.02, role + " share of optional segments"));

        SynthConfig onlyChecks = config.withN(100).withMix(new RoleMix(1, 0, 0));
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Synth.generate(onlyChecks).forEach(t -> roles.addAll(t.roles()));
        assertEquals(EnumSet.of(Role.ESSENTIAL, Role.REFLECTIVE), roles);
    }

    @Test
    void trainAndTestShareNoProblem() {
        SynthConfig config = SynthConfig.defaults().withN(500).withSeed(4).withTestFraction(0.2);
        List<SynthTrace> traces = Synth.generate(config);
        Set<String> train = keys(traces, SynthTrace.TRAIN), test = keys(traces, SynthTrace.TEST);
        assertEquals(400, train.size(), "every problem distinct by template and numbers");
        assertEquals(100, test.size());
        assertTrue(train.stream().noneMatch(test::contains));
        assertEquals(500, traces.stream().map(SynthTrace::id).distinct().count());
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        SynthConfig config = SynthConfig.defaults().withN(50).withSeed(11);
        List<String> a = Synth.generate(config).stream().map(t -> t.toJson().toString()).toList();
        List<String> b = Synth.generate(config).stream().map(t -> t.toJson().toString()).toList();
        List<String> c = Synth.generate(config.withSeed(12)).stream().map(t -> t.toJson().toString()).toList();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void kindsCanBeChosen() {
        SynthConfig ages = SynthConfig.defaults().withN(100).withKinds(EnumSet.of(ProblemKind.AGES, ProblemKind.RATES));
        Set<ProblemKind> seen = Synth.generate(ages).stream().map(t -> t.problem().kind()).collect(Collectors.toSet());
        assertEquals(EnumSet.of(ProblemKind.AGES, ProblemKind.RATES), seen);
    }

    @Test
    void badSettingsSayWhatIsWrong() {
        SynthConfig d = SynthConfig.defaults();
        assertTrue(assertThrows(BadInputException.class, () -> d.withN(0)).getMessage().contains("number of problems"));
        assertTrue(assertThrows(BadInputException.class, () -> d.withTestFraction(1)).getMessage().contains("test fraction"));
        assertTrue(assertThrows(BadInputException.class, () -> d.withSegments(8, 5)).getMessage().contains("below min segments"));
        assertTrue(assertThrows(BadInputException.class, () -> d.withSegments(1, 2)).getMessage().contains("at least 3"));
        assertTrue(assertThrows(BadInputException.class, () -> d.withSlipRate(-0.1)).getMessage().contains("slip rate"));
        assertThrows(IllegalArgumentException.class, () -> new RoleMix(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> RoleMix.DEFAULT.with(Map.of("essential", 1.0)));
        // Only ages-times (2 steps) fits in 3 segments: it has 8 * 7 * 18 = 1008 distinct problems.
        SynthConfig tooMany = d.withKinds(EnumSet.of(ProblemKind.AGES)).withSegments(3, 3).withN(1100);
        assertTrue(assertThrows(BadInputException.class, () -> Synth.generate(tooMany)).getMessage().contains("distinct problems"));
    }

    // --- helpers ------------------------------------------------------------------------------------------

    static List<Integer> numbers(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(Integer.parseInt(m.group()));
        }
        return out;
    }

    /** A stand-in for a small BPE: words, each digit, each punctuation mark. */
    static int pieces(String text) {
        Matcher m = PIECE.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static Set<String> keys(List<SynthTrace> traces, String split) {
        return traces.stream().filter(t -> t.split().equals(split)).map(t -> t.problem().key()).collect(Collectors.toSet());
    }
}
