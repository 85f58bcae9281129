package dev.segattr.template;

import dev.segattr.template.ExpressionLexer.Kind;
import dev.segattr.template.ExpressionLexer.Token;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lexer of Jinja expressions and the four rewrites on its tokens, on the forms the class comments name. */
class ExpressionsTest {

    @Test
    void theLexerGivesKindsAndPlacesAndSkipsWhitespace() {
        //                                        0123456789012345678901234
        List<Token> t = ExpressionLexer.tokens("m.not[::-1] is 'a\\'b' 1.5");
        assertEquals(List.of("m", ".", "not", "[", ":", ":", "-", "1", "]", "is", "'a\\'b'", "1.5"),
                t.stream().map(Token::text).toList());
        assertEquals(List.of(Kind.NAME, Kind.SYMBOL, Kind.NAME, Kind.OPEN, Kind.SYMBOL, Kind.SYMBOL, Kind.SYMBOL, Kind.NUMBER,
                Kind.CLOSE, Kind.NAME, Kind.STRING, Kind.NUMBER), t.stream().map(Token::kind).toList());
        assertTrue(t.get(2).afterDot(), "m.not is an attribute");
        assertFalse(t.get(9).afterDot());
        assertEquals(12, t.get(9).start()); // "is" after the space at 11
        assertEquals(15, t.get(10).start());
        assertEquals(21, t.get(10).end()); // the escaped quote stays inside the string
        assertTrue(ExpressionLexer.touching(t.get(4), t.get(5)), "'::' is two touching colons");
    }

    @Test
    void slicesBecomeTheSliceFilterInnerFirst() {
        assertEquals("(messages|segattr_slice(none, none, -1))", Expressions.rewriteSlices("messages[::-1]"));
        assertEquals("(a|segattr_slice((b|segattr_slice(1, none, none)), none, none))", Expressions.rewriteSlices("a[b[1:]:]"));
        assertEquals("d['a:b'] + f(x)[0]", Expressions.rewriteSlices("d['a:b'] + f(x)[0]"), "no colon at the subscript's level");
    }

    @Test
    void keywordValuesFiltersBeforeTestsAndNotGetPythonsPrecedence() {
        assertEquals("namespace(i=(messages|length - 1), f=(false))",
                Expressions.parenthesizeKeywordArguments("namespace(i=messages|length - 1, f=false)"));
        assertEquals("g(k==1)", Expressions.parenthesizeKeywordArguments("g(k==1)"), "a comparison is no keyword argument");
        assertEquals("(xs|length ) is divisibleby 2", Expressions.parenthesizeFilteredTests("xs|length is divisibleby 2"));
        assertEquals("not ( a in b)", Expressions.parenthesizeNot("not a in b"));
        assertEquals("a not in b and x is not none", Expressions.parenthesizeNot("a not in b and x is not none"));
        assertEquals("not ( tools is none) and n > 0", Expressions.parenthesizeNot("not tools is none and n > 0"));
    }
}
