package dev.segattr.sft;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PassAtKTest {

    /** 1 - C(n-c, k) / C(n, k) with exact binomials: the definition the product form must match. */
    static double byBinomials(int n, int c, int k) {
        BigDecimal ratio = new BigDecimal(binomial(n - c, k)).divide(new BigDecimal(binomial(n, k)), MathContext.DECIMAL128);
        return BigDecimal.ONE.subtract(ratio).doubleValue();
    }

    static BigInteger binomial(int n, int k) {
        if (k > n) {
            return BigInteger.ZERO;
        }
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r;
    }

    @Test
    void productFormEqualsTheBinomialDefinition() {
        for (int n : List.of(1, 2, 5, 16, 64, 200)) {
            for (int c = 0; c <= n; c += Math.max(1, n / 7)) {
                for (int k = 1; k <= n; k += Math.max(1, n / 5)) {
                    assertEquals(byBinomials(n, c, k), PassAtK.estimate(n, c, k), 1e-12, "n=" + n + " c=" + c + " k=" + k);
                }
            }
        }
    }

    @Test
    void edges() {
        assertEquals(0.0, PassAtK.estimate(10, 0, 5));
        assertEquals(1.0, PassAtK.estimate(10, 10, 1));
        assertEquals(0.3, PassAtK.estimate(10, 3, 1), 1e-15);   // pass@1 is the share correct
        assertEquals(1.0, PassAtK.estimate(10, 8, 3));          // fewer than k wrong: some draw of k holds a correct one
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(4, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(4, 5, 1));
        assertEquals(List.of(1, 2, 4, 6), Evaluator.ks(6));
        assertEquals(List.of(1), Evaluator.ks(1));
    }
}
