package dev.segattr.template;

import dev.segattr.BadInputException;
import dev.segattr.template.ExpressionLexer.Kind;
import dev.segattr.template.ExpressionLexer.Token;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.segattr.template.ExpressionLexer.tokens;
import static dev.segattr.template.ExpressionLexer.touching;

/**
 * Writes lexed template pieces as jinjava source, giving two Jinja2 loop forms jinjava renders silently wrong
 * (as nothing) their meaning: the loop filter {@code {% for x in xs if cond %}} (the items are filtered first,
 * so {@code loop.index} counts kept items) and the loop's {@code {% else %}} branch (taken when nothing was
 * iterated).
 */
final class JinjavaWriter {

    private static final Set<String> OPENERS =
            Set.of("if", "for", "macro", "call", "filter", "with", "block", "autoescape", "generation");

    private final List<JinjaSource.Piece> pieces;
    private final StringBuilder out = new StringBuilder();

    JinjavaWriter(List<JinjaSource.Piece> pieces) {
        this.pieces = pieces;
    }

    /** A block on the stack: its tag name and, for a loop, its number and whether its else branch is open. */
    private static final class Frame {
        final String name;
        final int loop;
        boolean elseOpen;

        Frame(String name, int loop) {
            this.name = name;
            this.loop = loop;
        }
    }

    String toJinjava() {
        Set<Integer> loopsWithElse = loopsWithElse();
        Deque<Frame> stack = new ArrayDeque<>();
        int loops = 0;
        for (int i = 0; i < pieces.size(); i++) {
            JinjaSource.Piece p = pieces.get(i);
            switch (p.kind()) {
                case TEXT -> out.append(p.text());
                case RAW -> out.append("{% raw %}").append(p.text()).append("{% endraw %}");
                case VARIABLE ->
                        out.append("{{ (").append(p.text()).append(")|").append(JinjaSource.STR_FILTER).append(" }}");
                default -> {
                    String name = tagName(p.text());
                    if (name.equals("for")) {
                        Frame frame = new Frame("for", loops++);
                        stack.push(frame);
                        forTag(p.text(), frame.loop, loopsWithElse.contains(i));
                    } else if (name.equals("else") && !stack.isEmpty() && stack.peek().name.equals("for")) {
                        Frame frame = stack.peek();
                        frame.elseOpen = true;
                        out.append("{% endfor %}{% if not ").append(loopState(frame.loop)).append(".iterated %}");
                    } else if (name.equals("endfor") && !stack.isEmpty() && stack.peek().name.equals("for")) {
                        out.append(stack.pop().elseOpen ? "{% endif %}" : "{% endfor %}");
                    } else {
                        if (opens(p.text(), name)) {
                            stack.push(new Frame(name, -1));
                        } else if (name.startsWith("end") && !stack.isEmpty()) {
                            stack.pop();
                        }
                        out.append("{% ").append(p.text()).append(" %}");
                    }
                }
            }
        }
        return out.toString();
    }

    /** Indices of the for tags that have an else branch. */
    private Set<Integer> loopsWithElse() {
        Set<Integer> found = new HashSet<>();
        Deque<Integer> stack = new ArrayDeque<>(); // piece index of each open block, -1 for non-loops
        for (int i = 0; i < pieces.size(); i++) {
            JinjaSource.Piece p = pieces.get(i);
            if (p.kind() != JinjaSource.Piece.Kind.BLOCK) {
                continue;
            }
            String name = tagName(p.text());
            if (name.equals("for")) {
                stack.push(i);
            } else if (name.equals("else") && !stack.isEmpty() && stack.peek() >= 0) {
                found.add(stack.peek());
            } else if (opens(p.text(), name)) {
                stack.push(-1);
            } else if (name.startsWith("end") && !stack.isEmpty()) {
                stack.pop();
            }
        }
        return found;
    }

    private static boolean opens(String tag, String name) {
        // {% set x %}...{% endset %} is a block; {% set x = ... %} is not
        return OPENERS.contains(name) || (name.equals("set") && !hasTopLevelAssignment(tag));
    }

    /**
     * {@code for TARGET in ITER [if COND]}: a filter becomes a first loop collecting the kept items; an else
     * branch needs to know whether the loop ran, which a namespace flag set in its body records.
     */
    private void forTag(String tag, int loop, boolean hasElse) {
        String rest = tag.substring(3).strip();
        if (rest.endsWith(" recursive")) {
            throw new BadInputException("chat template: recursive loops are not supported: {% " + tag + " %}");
        }
        int in = topLevelWord(rest, "in");
        if (in < 0) {
            throw new BadInputException("chat template: cannot read the loop {% " + tag + " %}");
        }
        String target = rest.substring(0, in).strip();
        String iterable = rest.substring(in + 2).strip();
        int condition = topLevelWord(iterable, "if");
        if (condition >= 0) {
            String kept = "__segattr_kept" + loop;
            String cond = iterable.substring(condition + 2).strip();
            iterable = iterable.substring(0, condition).strip();
            String item = target.contains(",") ? "[" + target.replace("(", "").replace(")", "") + "]" : target;
            out.append("{% set ").append(kept).append(" = [] %}")
                    .append("{% for ").append(target).append(" in ").append(iterable).append(" %}")
                    .append("{% if ").append(cond).append(" %}{% do ").append(kept).append(".append(").append(item)
                    .append(") %}{% endif %}{% endfor %}");
            iterable = kept;
        }
        if (hasElse) {
            out.append("{% set ").append(loopState(loop)).append(" = namespace(iterated=false) %}");
        }
        out.append("{% for ").append(target).append(" in ").append(iterable).append(" %}");
        if (hasElse) {
            out.append("{% set ").append(loopState(loop)).append(".iterated = true %}");
        }
    }

    private static String loopState(int loop) {
        return "__segattr_loop" + loop;
    }

    private static String tagName(String tag) {
        List<Token> tokens = tokens(tag);
        return !tokens.isEmpty() && tokens.get(0).kind() == Kind.NAME && tokens.get(0).start() == 0 ? tokens.get(0).text() : "";
    }

    /** Where {@code word} stands as a name outside brackets and strings (not as an attribute, {@code x.in}), or -1. */
    private static int topLevelWord(String code, String word) {
        int depth = 0;
        for (Token t : tokens(code)) {
            if (t.kind() == Kind.OPEN) {
                depth++;
            } else if (t.kind() == Kind.CLOSE) {
                depth--;
            } else if (depth == 0 && t.isName(word) && !t.afterDot() && !(t.end() < code.length() && code.charAt(t.end()) == '.')) {
                return t.start();
            }
        }
        return -1;
    }

    /** Whether the tag assigns ({@code set x = ...}) at its top level: an '=' that is no part of ==, !=, <= or >=. */
    private static boolean hasTopLevelAssignment(String tag) {
        List<Token> tokens = tokens(tag);
        int depth = 0;
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (t.kind() == Kind.OPEN) {
                depth++;
            } else if (t.kind() == Kind.CLOSE) {
                depth--;
            } else if (depth == 0 && t.isSymbol('=')) {
                Token previous = k > 0 ? tokens.get(k - 1) : null;
                Token next = k + 1 < tokens.size() ? tokens.get(k + 1) : null;
                boolean partOfComparison = touching(t, next) && next.isSymbol('=')
                        || touching(previous, t) && previous.kind() == Kind.SYMBOL && "=!<>".indexOf(previous.first()) >= 0;
                if (!partOfComparison) {
                    return true;
                }
            }
        }
        return false;
    }
}
