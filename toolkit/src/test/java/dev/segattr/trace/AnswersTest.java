package dev.segattr.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswersTest {

    @Test
    void takesTheLastBoxWithNestedBraces() {
        String text = "First \\boxed{1}. Then the answer is \\boxed{\\frac{1}{2}} indeed.";
        assertEquals(Optional.of("\\frac{1}{2}"), Answers.lastBoxed(text));
        assertEquals(Optional.of("a{b{c}}d"), Answers.lastBoxed("\\boxed {a{b{c}}d}"));
        assertEquals(Optional.of("7"), Answers.lastBoxed("\\fbox{7}"));
        assertEquals(Optional.of("\\{1, 2\\}"), Answers.lastBoxed("set \\boxed{\\{1, 2\\}}"));
    }

    @Test
    void noBoxOrAnUnclosedBoxIsNoAnswer() {
        assertEquals(Optional.empty(), Answers.lastBoxed("the answer is 5"));
        assertEquals(Optional.empty(), Answers.lastBoxed("\\boxed{5"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "\\frac{1}{2}      | 1/2",
            "\\frac{1}{2}      | 0.5",
            "\\dfrac{1}{2}     | .50",
            "\\tfrac12         | 1/2",
            "1,000             | 1000",
            "1,234,567.5       | 1234567.5",
            "5 \\text{ cm}     | 5",
            "5\\mbox{ apples}  | 5",
            "$42$              | 42",
            "\\( 42 \\)        | 42",
            "x = 7             | 7",
            "-\\frac{3}{4}     | -0.75",
            "\\frac{-3}{4}     | -3/4",
            "30^\\circ         | 30",
            "50\\%             | 50",
            "\\text{yes}       | yes",
            "\\sqrt2           | \\sqrt{2}",
            "\\left( 1, 2 \\right) | (1,2)",
            "12.               | 12",
            "007               | 7",
    })
    void equal(String a, String b) {
        assertTrue(Answers.equivalent(a, b), () -> a + " should equal " + b);
        assertTrue(Answers.equivalent(b, a), "equality is symmetric");
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', value = {
            "1/3         | 0.33",
            "12          | 13",
            "1,2         | 12",
            "\\frac{1}{2} | 2",
            "x           | y",
            "1/0         | 0",
    })
    void different(String a, String b) {
        assertFalse(Answers.equivalent(a, b), () -> a + " should differ from " + b);
    }

    @Test
    void nullIsNeverEqual() {
        assertFalse(Answers.equivalent(null, "1"));
    }
}
