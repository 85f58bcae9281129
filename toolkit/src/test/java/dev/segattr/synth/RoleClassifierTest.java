package dev.segattr.synth;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleClassifierTest {

    @Test
    void everySegmentOfTheGeneratorsOwnTracesGetsItsRecordedMove() {
        // 40 seeds x 50 problems, verbose (every move) and concise; slips on, so fixes are there too.
        Map<Move, int[]> perMove = new EnumMap<>(Move.class); // {right, all}
        for (long seed = 0; seed < 40; seed++) {
            for (Style style : Style.values()) {
                SynthConfig config = SynthConfig.defaults().withN(50).withSeed(seed).withStyle(style).withSlipRate(0.5);
                for (SynthTrace t : Synth.generate(config)) {
                    for (int i = 0; i < t.segments().size(); i++) {
                        Move truth = t.moves().get(i);
                        int[] c = perMove.computeIfAbsent(truth, m -> new int[2]);
                        c[1]++;
                        if (RoleClassifier.move(t.segments().get(i)).orElse(null) == truth) {
                            c[0]++;
                        } else {
                            System.out.println(truth + " misread: " + t.segments().get(i));
                        }
                    }
                }
            }
        }
        for (Move m : Move.values()) {
            int[] c = perMove.get(m);
            assertTrue(c != null && c[1] > 100, m + " is generated often enough to be tested: " + (c == null ? 0 : c[1]));
            assertEquals(c[1], c[0], m + ": " + c[0] + " of " + c[1] + " read right");
        }
    }

    @Test
    void rolesFollowTheMoves() {
        assertEquals(RoleClassifier.Verdict.ESSENTIAL,
                RoleClassifier.classify("\n\nWait, so next, the change is 100 minus 47, which is 53 dollars."));
        assertEquals(RoleClassifier.Verdict.REFLECTIVE,
                RoleClassifier.classify("\n\nWait, let me check the total. 47 minus 35 is 12. So it is right."));
        assertEquals(RoleClassifier.Verdict.REFLECTIVE,
                RoleClassifier.classify("\n\nBut wait, I made a mistake. 12 plus 35 is not 45, it is 47. 47 minus 35 is 12. "
                        + "So the total is 47 dollars, not 45."));
        assertEquals(RoleClassifier.Verdict.REDUNDANT,
                RoleClassifier.classify("\n\nWait, so far I have found the cost of the pens and the total."));
        assertEquals(RoleClassifier.Verdict.TRUNCATED,
                RoleClassifier.classify("\n\nAlternatively, maybe I could start from 3 and 4. 3 plus 4 is 7, and then"));
        assertEquals(Role.ESSENTIAL, RoleClassifier.classify("\n\nThe answer is \\boxed{53}.").role().orElseThrow());
    }

    @Test
    void whatTheGeneratorNeverWritesIsUnrecognised() {
        for (String text : List.of(
                "\n\nWait, the the the cost cost",            // garble
                "\n\nWait, so next, the change is",           // a step cut before its computation (length limit)
                "\n\nWait, let me check the total. 47 minus", // a check cut before its closing
                "",
                "\n\nHmm, 12 apples.")) {
            RoleClassifier.Verdict v = RoleClassifier.classify(text);
            assertEquals(RoleClassifier.Verdict.UNRECOGNISED, v, text);
            assertFalse(v.recognised());
            assertTrue(v.role().isEmpty());
        }
        assertEquals("unrecognised", RoleClassifier.Verdict.UNRECOGNISED.jsonName());
    }
}
