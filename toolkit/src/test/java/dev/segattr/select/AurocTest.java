package dev.segattr.select;

import dev.segattr.synth.Role;
import dev.segattr.synth.Roles;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AurocTest {

    @Test
    void handComputedValues() {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats 0.1, 0.8 beats both -> 3 of 4 pairs.
        assertEquals(0.75, Auroc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}), 1e-12);
        assertEquals(1.0, Auroc.of(new double[] {3, 1, 2}, new boolean[] {true, false, false}), 1e-12);
        assertEquals(0.0, Auroc.of(new double[] {3, 1, 2}, new boolean[] {false, true, true}), 1e-12);
    }

    @Test
    void tiesCountOneHalf() {
        assertEquals(0.5, Auroc.of(new double[] {1, 1, 1, 1}, new boolean[] {true, false, true, false}), 1e-12);
        // Positives {0.5, 0.9}, negatives {0.5, 0.2}: pairs 0.5/0.5 -> 1/2, the other three -> 1; 3.5 / 4.
        assertEquals(0.875, Auroc.of(new double[] {0.5, 0.5, 0.2, 0.9}, new boolean[] {true, false, false, true}), 1e-12);
        // A tie block of three holding one positive. Positives {2, 5}, negatives {2, 2, 1}:
        // 2 vs (2, 2, 1) -> 0.5 + 0.5 + 1; 5 beats all three -> 3; in all 5 of 6 pairs.
        assertEquals(5.0 / 6, Auroc.of(new double[] {2, 2, 2, 1, 5}, new boolean[] {true, false, false, false, true}), 1e-12);
    }

    @Test
    void agreesWithCountingEveryPairOnRandomScoresWithTies() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + rng.nextInt(40);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[i] = rng.nextInt(6); // few distinct values: many ties
                y[i] = i == 0 || (i != 1 && rng.nextBoolean());
            }
            double wins = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        pairs++;
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            assertEquals(wins / pairs, Auroc.of(s, y), 1e-12);
        }
    }

    @Test
    void rolesImportantAgainstUnimportantAndBetweenChosenRoles() {
        List<Role> roles = List.of(Role.ESSENTIAL, Role.REDUNDANT, Role.REFLECTIVE, Role.TRUNCATED, Role.ESSENTIAL);
        double[] strength = {0.4, 0.1, 0.05, 0.2, 0.25};
        // Important {0.4, 0.05, 0.25} vs unimportant {0.1, 0.2}: 0.4 -> 2, 0.05 -> 0, 0.25 -> 2; 4 of 6.
        assertEquals(4.0 / 6, Auroc.of(strength, Roles.important(roles)), 1e-12);
        // Essential {0.4, 0.25} vs truncated {0.2}: both above.
        assertEquals(1.0, Auroc.between(strength, roles, Set.of(Role.ESSENTIAL), Set.of(Role.TRUNCATED)), 1e-12);
        // Reflective {0.05} vs redundant and truncated {0.1, 0.2}: below both.
        assertEquals(0.0, Auroc.between(strength, roles, Set.of(Role.REFLECTIVE), Set.of(Role.REDUNDANT, Role.TRUNCATED)), 1e-12);
    }

    @Test
    void refusesWhatHasNoAnswer() {
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {1, 2}, new boolean[] {true, true}));
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {1, 2}, new boolean[] {true}));
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {Double.NaN, 2}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class, () -> Auroc.between(new double[] {1, 2},
                List.of(Role.ESSENTIAL, Role.REDUNDANT), Set.of(Role.ESSENTIAL), Set.of(Role.ESSENTIAL)));
    }
}
