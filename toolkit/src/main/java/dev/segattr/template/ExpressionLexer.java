package dev.segattr.template;

import java.util.ArrayList;
import java.util.List;

/**
 * The one lexer of Jinja expressions behind every rewrite ({@link Expressions}, {@link JinjavaWriter}) and the
 * search for a tag's end ({@link JinjaSource}): names, strings, numbers, brackets and one-character symbols, each
 * with its place in the source, whitespace skipped. Rewrites read tokens and insert text at their positions, so
 * everything they do not rewrite stays exactly as written.
 */
final class ExpressionLexer {

    enum Kind { NAME, STRING, NUMBER, OPEN, CLOSE, SYMBOL }

    /**
     * A token: {@code source.substring(start, end)}.
     *
     * @param afterDot whether a '.' stands right before it ({@code x.not} is an attribute, not the operator)
     */
    record Token(Kind kind, String text, int start, int end, boolean afterDot) {

        boolean is(String s) {
            return text.equals(s);
        }

        boolean isName(String s) {
            return kind == Kind.NAME && text.equals(s);
        }

        boolean isSymbol(char c) {
            return kind == Kind.SYMBOL && text.charAt(0) == c;
        }

        /** The first character (the bracket of OPEN and CLOSE, the quote of a string). */
        char first() {
            return text.charAt(0);
        }
    }

    private final String source;
    private int pos;

    ExpressionLexer(String source, int from) {
        this.source = source;
        this.pos = from;
    }

    /** All tokens of an expression. */
    static List<Token> tokens(String code) {
        List<Token> tokens = new ArrayList<>();
        ExpressionLexer lexer = new ExpressionLexer(code, 0);
        for (Token t = lexer.next(); t != null; t = lexer.next()) {
            tokens.add(t);
        }
        return tokens;
    }

    /** The next token, or null at the end of the source. */
    Token next() {
        while (pos < source.length() && PyStrings.isSpace(source.charAt(pos))) {
            pos++;
        }
        if (pos >= source.length()) {
            return null;
        }
        int start = pos;
        char c = source.charAt(pos);
        Kind kind;
        if (c == '\'' || c == '"') {
            kind = Kind.STRING;
            pos = stringEnd(source, pos);
        } else if (Character.isLetter(c) || c == '_') {
            kind = Kind.NAME;
            pos = wordEnd(pos);
        } else if (Character.isDigit(c)) {
            kind = Kind.NUMBER;
            while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '.'
                    || source.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            kind = c == '(' || c == '[' || c == '{' ? Kind.OPEN : c == ')' || c == ']' || c == '}' ? Kind.CLOSE : Kind.SYMBOL;
            pos++;
        }
        return new Token(kind, source.substring(start, pos), start, pos, start > 0 && source.charAt(start - 1) == '.');
    }

    private int wordEnd(int i) {
        int end = i;
        while (end < source.length() && (Character.isLetterOrDigit(source.charAt(end)) || source.charAt(end) == '_')) {
            end++;
        }
        return end;
    }

    /** The index after a string literal starting at {@code p} (backslash escapes skipped; an unclosed one runs to the end). */
    static int stringEnd(String s, int p) {
        char quote = s.charAt(p);
        int i = p + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, s.length());
    }

    /** Whether two tokens touch ({@code ==} is two '=' symbols that touch). */
    static boolean touching(Token left, Token right) {
        return left != null && right != null && left.end() == right.start();
    }

    /** Words that are operators or statement syntax, not names. */
    static boolean isKeyword(String word) {
        return switch (word) {
            case "and", "or", "not", "in", "is", "if", "else", "elif", "for", "recursive" -> true;
            default -> false;
        };
    }
}
