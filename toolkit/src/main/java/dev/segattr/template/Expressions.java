package dev.segattr.template;

import dev.segattr.template.ExpressionLexer.Kind;
import dev.segattr.template.ExpressionLexer.Token;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

import static dev.segattr.template.ExpressionLexer.isKeyword;
import static dev.segattr.template.ExpressionLexer.touching;
import static dev.segattr.template.ExpressionLexer.tokens;

/**
 * The Python-isms of a Jinja2 expression that jinjava reads otherwise, rewritten into forms it reads as Jinja2
 * does. Each rewrite walks the tokens of {@link ExpressionLexer} and inserts text at their positions:
 * <ul>
 *   <li>slices: {@code messages[::-1]} becomes {@code (messages|segattr_slice(none, none, -1))} (jinjava has no
 *       step; every slice is rewritten, so all follow Python's rules for bounds, steps and strings);</li>
 *   <li>keyword arguments: {@code namespace(i=messages|length - 1)} becomes {@code namespace(i=(messages|length - 1))}
 *       (jinjava binds "=" tighter than a filter followed by an operator);</li>
 *   <li>tests after filters: {@code xs|length is divisibleby 2} becomes {@code (xs|length) is divisibleby 2} (tests
 *       bind like filters in Jinja2; jinjava's parser rejects the form);</li>
 *   <li>unary not: {@code not a in b} becomes {@code not (a in b)} (Python's precedence: below comparisons, tests
 *       and {@code in}, above and/or; jinjava binds it tightest). {@code not in} and {@code is not} stay.</li>
 * </ul>
 */
final class Expressions {

    private Expressions() {
    }

    /** The jinjava form of an expression (or of a tag's code): all the rewrites, in order. */
    static String toJinjava(String code) {
        return parenthesizeNot(parenthesizeFilteredTests(parenthesizeKeywordArguments(rewriteSlices(code))));
    }

    // ---------------------------------------------------------------- slices

    static String rewriteSlices(String code) {
        String current = code;
        for (Slice s = findSlice(current); s != null; s = findSlice(current)) {
            String[] bounds = {"none", "none", "none"};
            int from = s.open().end();
            int part = 0;
            for (Token colon : s.colons()) {
                bounds[part++] = bound(current.substring(from, colon.start()));
                from = colon.end();
            }
            bounds[part] = bound(current.substring(from, s.close().start()));
            current = current.substring(0, s.primaryStart()) + "(" + current.substring(s.primaryStart(), s.open().start())
                    + "|" + JinjaSource.SLICE_FILTER + "(" + String.join(", ", bounds) + "))" + current.substring(s.close().end());
        }
        return current;
    }

    private static String bound(String text) {
        return text.isBlank() ? "none" : text.trim();
    }

    /** A subscript with a colon: the operand it applies to starts at {@code primaryStart}; its top-level colons. */
    private record Slice(int primaryStart, Token open, Token close, List<Token> colons) {
    }

    /** An open bracket; for a subscript, where its operand (atom and trailers) starts. */
    private record Bracket(Token open, boolean subscript, int chainStart, List<Token> colons) {
    }

    /** The slice that closes first (an inner one before the one holding it), or null. */
    private static Slice findSlice(String code) {
        Deque<Bracket> stack = new ArrayDeque<>();
        int chainStart = -1;        // start of the operand being read at this bracket level
        boolean operandEnd = false; // the last token ended an operand: a following '[' or '(' is a trailer
        boolean afterDot = false;
        for (Token t : tokens(code)) {
            boolean dot = false;
            switch (t.kind()) {
                case STRING, NUMBER -> {
                    chainStart = t.start();
                    operandEnd = true;
                }
                case NAME -> {
                    if (isKeyword(t.text()) && !afterDot) {
                        operandEnd = false;
                        chainStart = -1;
                    } else {
                        chainStart = afterDot ? chainStart : t.start();
                        operandEnd = true;
                    }
                }
                case OPEN -> {
                    boolean trailer = operandEnd && t.first() != '{' && chainStart >= 0;
                    stack.push(new Bracket(t, trailer && t.first() == '[', trailer ? chainStart : t.start(), new ArrayList<>()));
                    chainStart = -1;
                    operandEnd = false;
                }
                case CLOSE -> {
                    if (stack.isEmpty()) {
                        return null; // unbalanced: left to the template engine to report
                    }
                    Bracket b = stack.pop();
                    if (t.first() == ']' && b.subscript() && !b.colons().isEmpty()) {
                        return new Slice(b.chainStart(), b.open(), t, b.colons());
                    }
                    chainStart = b.chainStart();
                    operandEnd = true;
                }
                case SYMBOL -> {
                    if (t.isSymbol('.')) {
                        dot = true;
                    } else {
                        if (t.isSymbol(':') && !stack.isEmpty() && stack.peek().open().first() == '[') {
                            stack.peek().colons().add(t);
                        }
                        operandEnd = false;
                        chainStart = -1;
                    }
                }
            }
            afterDot = dot;
        }
        return null;
    }

    // ---------------------------------------------------------------- keyword arguments

    static String parenthesizeKeywordArguments(String code) {
        List<Token> tokens = tokens(code);
        List<Insert> inserts = new ArrayList<>();
        Deque<Character> opens = new ArrayDeque<>();
        Deque<boolean[]> valueOpen = new ArrayDeque<>(); // per bracket: a keyword argument's value is open
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            Token previous = k > 0 ? tokens.get(k - 1) : null;
            if (t.kind() == Kind.NAME && !opens.isEmpty() && opens.peek() == '(' && previous != null
                    && (previous.kind() == Kind.OPEN && previous.first() == '(' || previous.isSymbol(','))) {
                Token next = k + 1 < tokens.size() ? tokens.get(k + 1) : null;
                Token after = k + 2 < tokens.size() ? tokens.get(k + 2) : null;
                if (next != null && next.isSymbol('=') && !(after != null && after.isSymbol('=') && touching(next, after))) {
                    inserts.add(new Insert(next.end(), "("));
                    valueOpen.peek()[0] = true;
                    k++; // past the '='
                }
            } else if (t.kind() == Kind.OPEN) {
                opens.push(t.first());
                valueOpen.push(new boolean[1]);
            } else if (t.kind() == Kind.CLOSE) {
                if (opens.isEmpty()) {
                    return code; // unbalanced: left to the template engine to report
                }
                opens.pop();
                if (valueOpen.pop()[0]) {
                    inserts.add(new Insert(t.start(), ")"));
                }
            } else if (t.isSymbol(',') && !valueOpen.isEmpty() && valueOpen.peek()[0]) {
                inserts.add(new Insert(t.start(), ")"));
                valueOpen.peek()[0] = false;
            }
        }
        return Insert.apply(code, inserts);
    }

    // ---------------------------------------------------------------- tests after filters

    /** The operand being read at a bracket level: where it starts, and whether a top-level '|' filters it. */
    private static final class Operand {
        int start;
        boolean filtered;

        Operand(int start) {
            this.start = start;
        }

        void restartAt(int at) {
            start = at;
            filtered = false;
        }
    }

    static String parenthesizeFilteredTests(String code) {
        List<Insert> inserts = new ArrayList<>();
        Deque<Operand> levels = new ArrayDeque<>();
        levels.push(new Operand(0));
        boolean operandEnd = false;
        for (Token t : tokens(code)) {
            Operand level = levels.peek();
            switch (t.kind()) {
                case STRING, NUMBER -> operandEnd = true;
                case NAME -> {
                    if (t.is("is") && !t.afterDot()) {
                        if (level.filtered) {
                            inserts.add(new Insert(level.start, "("));
                            inserts.add(new Insert(t.start(), ") "));
                        }
                        level.restartAt(t.end());
                        operandEnd = false;
                    } else if (isKeyword(t.text()) && !t.afterDot()) {
                        level.restartAt(t.end());
                        operandEnd = false;
                    } else {
                        operandEnd = true;
                    }
                }
                case OPEN -> {
                    if (!operandEnd && !level.filtered) { // a new atom (group, list, dict) starts the operand here
                        level.start = t.start();
                    }
                    levels.push(new Operand(t.end()));
                    operandEnd = false;
                }
                case CLOSE -> {
                    if (levels.size() > 1) {
                        levels.pop();
                    }
                    operandEnd = true;
                }
                case SYMBOL -> {
                    if (t.isSymbol('|')) {
                        level.filtered = true;
                        operandEnd = false;
                    } else if (!t.isSymbol('.')) { // an operator, ',' or ':' ends the operand; '.' continues it
                        level.restartAt(t.end());
                        operandEnd = false;
                    }
                }
            }
        }
        return Insert.apply(code, inserts);
    }

    // ---------------------------------------------------------------- unary not

    static String parenthesizeNot(String code) {
        List<Token> tokens = tokens(code);
        List<Insert> inserts = new ArrayList<>();
        String previousWord = null; // the last keyword or name read, null after other tokens
        boolean operandEnd = false;
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.NAME) {
                if (t.is("not") && !operandEnd && !"is".equals(previousWord)) {
                    inserts.add(new Insert(t.end(), " ("));
                    inserts.add(new Insert(notOperandEnd(tokens, k + 1, t.end()), ")"));
                }
                operandEnd = !isKeyword(t.text());
                previousWord = t.text();
            } else {
                operandEnd = t.kind() == Kind.STRING || t.kind() == Kind.NUMBER || t.kind() == Kind.CLOSE;
                previousWord = null;
            }
        }
        return Insert.apply(code, inserts);
    }

    /** Where the operand of a not ends: before and/or/if/else, ',' or ':' or a closing bracket of its level. */
    private static int notOperandEnd(List<Token> tokens, int from, int notEnd) {
        int depth = 0;
        int end = notEnd;
        for (int k = from; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.NAME && depth == 0 && !t.afterDot()
                    && (t.is("and") || t.is("or") || t.is("if") || t.is("else"))) {
                return end;
            }
            if (t.kind() == Kind.OPEN) {
                depth++;
            } else if (t.kind() == Kind.CLOSE) {
                if (depth == 0) {
                    return end;
                }
                depth--;
            } else if (depth == 0 && (t.isSymbol(',') || t.isSymbol(':'))) {
                return end;
            }
            end = t.end();
        }
        return end;
    }

    /** Text to insert before the character at {@code at}. */
    private record Insert(int at, String text) {

        /** Inserts in order of position; two at one position keep the order they were made in. */
        static String apply(String code, List<Insert> inserts) {
            List<Insert> sorted = new ArrayList<>(inserts);
            sorted.sort(Comparator.comparingInt(Insert::at));
            StringBuilder b = new StringBuilder(code);
            for (int k = sorted.size() - 1; k >= 0; k--) {
                b.insert(sorted.get(k).at(), sorted.get(k).text());
            }
            return b.toString();
        }
    }
}
