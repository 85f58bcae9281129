package dev.segattr.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EncodedTest {

    // "ab😀c": tokens "ab" [0,2), two byte tokens sharing the emoji [2,4), "c" [4,5)
    private final Encoded e = new Encoded(new long[] {10, 11, 12, 13}, new int[] {0, 2, 2, 4}, new int[] {2, 4, 4, 5});

    @Test
    void aTokenBelongsToTheSpanItStartsIn() {
        assertArrayEquals(new int[] {0, 1}, e.tokenRange(0, 2));
        assertArrayEquals(new int[] {1, 3}, e.tokenRange(2, 4), "both halves of the emoji");
        assertArrayEquals(new int[] {3, 4}, e.tokenRange(4, 5));
        assertArrayEquals(new int[] {1, 1}, e.tokenRange(1, 2), "no token starts inside 'ab'");
        assertArrayEquals(new int[] {0, 4}, e.tokenRange(0, 5));
        assertThrows(IllegalArgumentException.class, () -> e.tokenRange(3, 2));
    }

    @Test
    void valueSemantics() {
        assertEquals(e, new Encoded(e.ids().clone(), e.start().clone(), e.end().clone()));
        assertEquals(e.hashCode(), new Encoded(e.ids().clone(), e.start().clone(), e.end().clone()).hashCode());
        assertEquals(4, e.size());
        assertThrows(IllegalArgumentException.class, () -> new Encoded(new long[1], new int[2], new int[1]));
    }
}
