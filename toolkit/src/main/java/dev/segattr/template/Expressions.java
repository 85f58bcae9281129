package dev.segattr.template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Rewrites Python slices in a Jinja expression, which jinjava parses only without a step:
 * {@code messages[::-1]} becomes {@code (messages|segattr_slice(none, none, -1))}. Every slice is rewritten so
 * that all follow Python's rules (negative bounds, steps, strings as well as lists).
 */
final class Expressions {

    private static final Set<String> KEYWORDS =
            Set.of("and", "or", "not", "in", "is", "if", "else", "elif", "for", "recursive");

    private Expressions() {
    }

    static String rewriteSlices(String code) {
        String current = code;
        while (true) {
            int[] slice = findSlice(current); // {primary start, '[' index, ']' index}, leftmost closing first
            if (slice == null) {
                return current;
            }
            String primary = current.substring(slice[0], slice[1]);
            List<String> parts = splitTopLevelColons(current.substring(slice[1] + 1, slice[2]));
            String[] args = {"none", "none", "none"};
            for (int i = 0; i < parts.size(); i++) {
                if (!parts.get(i).isBlank()) {
                    args[i] = parts.get(i).trim();
                }
            }
            current = current.substring(0, slice[0]) + "(" + primary + "|" + JinjaSource.SLICE_FILTER + "("
                    + String.join(", ", args) + "))" + current.substring(slice[2] + 1);
        }
    }

    /**
     * Puts keyword arguments' values in parentheses: {@code namespace(i=messages|length - 1)} becomes
     * {@code namespace(i=(messages|length - 1))}. jinjava binds "=" tighter than a filter followed by an
     * operator and would compute {@code (i=messages|length) - 1}.
     */
    static String parenthesizeKeywordArguments(String code) {
        record Insert(int at, String text) {
        }
        List<Insert> inserts = new ArrayList<>();
        Deque<boolean[]> frames = new ArrayDeque<>(); // per '(' group: {a keyword value is open}
        Deque<Character> opens = new ArrayDeque<>();
        char lastSignificant = 0;
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(code, i);
                lastSignificant = c;
                continue;
            }
            if ((Character.isLetter(c) || c == '_') && !opens.isEmpty() && opens.peek() == '('
                    && (lastSignificant == '(' || lastSignificant == ',')) {
                int end = i;
                while (end < code.length() && (Character.isLetterOrDigit(code.charAt(end)) || code.charAt(end) == '_')) {
                    end++;
                }
                int eq = end;
                while (eq < code.length() && PyStrings.isSpace(code.charAt(eq))) {
                    eq++;
                }
                if (eq < code.length() && code.charAt(eq) == '=' && (eq + 1 >= code.length() || code.charAt(eq + 1) != '=')) {
                    inserts.add(new Insert(eq + 1, "("));
                    frames.peek()[0] = true;
                    lastSignificant = '=';
                    i = eq + 1;
                    continue;
                }
                lastSignificant = code.charAt(end - 1);
                i = end;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                opens.push(c);
                frames.push(new boolean[1]);
            } else if (c == ')' || c == ']' || c == '}') {
                if (opens.isEmpty()) {
                    return code; // unbalanced: leave it to the template engine to report
                }
                opens.pop();
                if (frames.pop()[0]) {
                    inserts.add(new Insert(i, ")"));
                }
            } else if (c == ',' && !frames.isEmpty() && frames.peek()[0]) {
                inserts.add(new Insert(i, ")"));
                frames.peek()[0] = false;
            }
            if (!PyStrings.isSpace(c)) {
                lastSignificant = c;
            }
            i++;
        }
        StringBuilder b = new StringBuilder(code);
        for (int k = inserts.size() - 1; k >= 0; k--) { // inserts are in increasing order of position
            b.insert(inserts.get(k).at(), inserts.get(k).text());
        }
        return b.toString();
    }

    /**
     * Gives unary {@code not} Python's precedence (below comparisons, tests and {@code in}, above
     * {@code and}/{@code or}): {@code not a in b} becomes {@code not (a in b)}. jinjava binds it tightest and
     * would compute {@code (not a) in b}. {@code not in} and {@code is not} are left alone.
     */
    static String parenthesizeNot(String code) {
        record Insert(int at, String text) {
        }
        List<Insert> inserts = new ArrayList<>();
        String previousWord = null;  // the last keyword or name read, null after other tokens
        boolean operandEnd = false;
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (PyStrings.isSpace(c)) {
                i++;
                continue;
            }
            if (c == '\'' || c == '"') {
                i = skipString(code, i);
                operandEnd = true;
                previousWord = null;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int end = wordEnd(code, i);
                String word = code.substring(i, end);
                if (word.equals("not") && !operandEnd && !"is".equals(previousWord)) {
                    inserts.add(new Insert(end, " ("));
                    inserts.add(new Insert(notOperandEnd(code, end), ")"));
                }
                operandEnd = !KEYWORDS.contains(word);
                previousWord = word;
                i = end;
                continue;
            }
            operandEnd = c == ')' || c == ']' || c == '}' || Character.isDigit(c);
            previousWord = null;
            i++;
        }
        inserts.sort((x, y) -> Integer.compare(x.at(), y.at()));
        StringBuilder b = new StringBuilder(code);
        for (int k = inserts.size() - 1; k >= 0; k--) {
            b.insert(inserts.get(k).at(), inserts.get(k).text());
        }
        return b.toString();
    }

    /** Where the operand of a unary not starting at {@code from} ends: at and/or/if/else, ',' or ':' or a closing bracket. */
    private static int notOperandEnd(String code, int from) {
        int depth = 0;
        int i = from;
        int lastNonSpace = from;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(code, i);
                lastNonSpace = i;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int end = wordEnd(code, i);
                String word = code.substring(i, end);
                if (depth == 0 && (word.equals("and") || word.equals("or") || word.equals("if") || word.equals("else"))
                        && (i == 0 || code.charAt(i - 1) != '.')) {
                    return lastNonSpace;
                }
                i = end;
                lastNonSpace = i;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return lastNonSpace;
                }
                depth--;
            } else if (depth == 0 && (c == ',' || c == ':')) {
                return lastNonSpace;
            }
            i++;
            if (!PyStrings.isSpace(c)) {
                lastNonSpace = i;
            }
        }
        return lastNonSpace;
    }

    private static int wordEnd(String code, int i) {
        int end = i;
        while (end < code.length() && (Character.isLetterOrDigit(code.charAt(end)) || code.charAt(end) == '_')) {
            end++;
        }
        return end;
    }

    /**
     * Puts a filtered operand of a test in parentheses: {@code xs|length is divisibleby 2} becomes
     * {@code (xs|length) is divisibleby 2}, which is how Jinja2 reads it (tests bind like filters) and which
     * jinjava's parser otherwise rejects.
     */
    static String parenthesizeFilteredTests(String code) {
        record Insert(int at, String text) {
        }
        List<Insert> inserts = new ArrayList<>();
        Deque<int[]> levels = new ArrayDeque<>(); // per bracket level: {operand start, operand has a top-level '|'}
        levels.push(new int[] {0, 0});
        boolean operandEnd = false;
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            int[] level = levels.peek();
            if (PyStrings.isSpace(c)) {
                i++;
                continue;
            }
            if (c == '\'' || c == '"') {
                i = skipString(code, i);
                operandEnd = true;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int end = wordEnd(code, i);
                String word = code.substring(i, end);
                boolean afterDot = i > 0 && code.charAt(i - 1) == '.';
                if (word.equals("is") && !afterDot) {
                    if (level[1] == 1) {
                        inserts.add(new Insert(level[0], "("));
                        inserts.add(new Insert(i, ") "));
                    }
                    level[0] = end;
                    level[1] = 0;
                    operandEnd = false;
                } else if (KEYWORDS.contains(word) && !afterDot) {
                    level[0] = end;
                    level[1] = 0;
                    operandEnd = false;
                } else {
                    operandEnd = true;
                }
                i = end;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                if (!operandEnd) { // a new atom (group, list, dict) starts the operand here
                    level[0] = level[1] == 0 ? i : level[0];
                }
                levels.push(new int[] {i + 1, 0});
                operandEnd = false;
            } else if (c == ')' || c == ']' || c == '}') {
                if (levels.size() > 1) {
                    levels.pop();
                }
                operandEnd = true;
            } else if (c == '|') {
                level[1] = 1;
                operandEnd = false;
            } else if (c == '.') {
                // attribute access continues the operand
            } else if (Character.isDigit(c)) {
                operandEnd = true;
            } else { // an operator, ',' or ':' ends the operand
                level[0] = i + 1;
                level[1] = 0;
                operandEnd = false;
            }
            i++;
        }
        inserts.sort((x, y) -> Integer.compare(x.at(), y.at()));
        StringBuilder b = new StringBuilder(code);
        for (int k = inserts.size() - 1; k >= 0; k--) {
            b.insert(inserts.get(k).at(), inserts.get(k).text());
        }
        return b.toString();
    }

    /** A bracket group and the position where the operand chain it belongs to starts. */
    private record Frame(char open, int openAt, boolean subscript, int chainStart, boolean[] colon) {
    }

    private static int[] findSlice(String code) {
        Deque<Frame> stack = new ArrayDeque<>();
        int chainStart = -1;   // start of the operand (atom and trailers) being read at this bracket level
        boolean operandEnd = false; // the last token ended an operand: a following '[' or '(' is a trailer
        boolean afterDot = false;
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (PyStrings.isSpace(c)) {
                i++;
                continue;
            }
            boolean dot = false;
            if (c == '\'' || c == '"') {
                int end = skipString(code, i);
                chainStart = i;
                operandEnd = true;
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < code.length() && (Character.isLetterOrDigit(code.charAt(end)) || code.charAt(end) == '_')) {
                    end++;
                }
                String word = code.substring(i, end);
                if (KEYWORDS.contains(word) && !afterDot) {
                    operandEnd = false;
                    chainStart = -1;
                } else {
                    if (!afterDot) {
                        chainStart = i;
                    }
                    operandEnd = true;
                }
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i;
                while (end < code.length() && (Character.isLetterOrDigit(code.charAt(end)) || code.charAt(end) == '.'
                        || code.charAt(end) == '_')) {
                    end++;
                }
                chainStart = i;
                operandEnd = true;
                i = end;
            } else if (c == '.') {
                dot = true;
                i++;
            } else if (c == '(' || c == '[' || c == '{') {
                boolean trailer = operandEnd && c != '{' && chainStart >= 0;
                stack.push(new Frame(c, i, trailer && c == '[', trailer ? chainStart : i, new boolean[1]));
                chainStart = -1;
                operandEnd = false;
                i++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (stack.isEmpty()) {
                    return null; // unbalanced: leave it to the template engine to report
                }
                Frame f = stack.pop();
                if (c == ']' && f.subscript() && f.colon()[0]) {
                    return new int[] {f.chainStart(), f.openAt(), i};
                }
                chainStart = f.chainStart();
                operandEnd = true;
                i++;
            } else {
                if (c == ':' && !stack.isEmpty() && stack.peek().open() == '[') {
                    stack.peek().colon()[0] = true;
                }
                operandEnd = false;
                chainStart = -1;
                i++;
            }
            afterDot = dot;
        }
        return null;
    }

    private static List<String> splitTopLevelColons(String inside) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < inside.length(); i++) {
            char c = inside.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipString(inside, i) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ':' && depth == 0) {
                parts.add(inside.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(inside.substring(from));
        return parts;
    }

    static int skipString(String s, int p) {
        char quote = s.charAt(p);
        int i = p + 1;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i + 1, s.length());
    }
}
