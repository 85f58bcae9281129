package dev.segattr.template;

import dev.segattr.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a chat template written for Python's Jinja2, as transformers compiles it ({@code trim_blocks=True,
 * lstrip_blocks=True}, default newline handling), into a template that jinjava renders to the same text.
 *
 * <p>Whitespace is resolved here, exactly as Jinja2's lexer does it, rather than left to jinjava (whose
 * lstrip_blocks also strips spaces that follow text on the same line): line breaks become "\n", one trailing
 * newline is dropped, {@code -} markers strip whitespace, {@code +} markers keep it, a block or comment tag
 * alone on its line loses its indentation, and a block tag eats the newline after it. The result has no
 * markers left and is rendered with jinjava's own trimming off.
 *
 * <p>Inside tags, Python-isms are rewritten ({@link Expressions}, on the tokens of {@link ExpressionLexer}, which
 * also finds where a tag ends): slices ({@code messages[::-1]}) become the {@code segattr_slice} filter, and
 * operators get Python's precedence with parentheses. {@link JinjavaWriter} then
 * writes the pieces out, sending every printed expression through the {@code segattr_str} filter so that
 * values print as Python's {@code str()} would.
 */
final class JinjaSource {

    static final String SLICE_FILTER = "segattr_slice";
    static final String STR_FILTER = "segattr_str";

    private final String src;
    private final List<Piece> out = new ArrayList<>();
    private int pos;
    private boolean lineStarting = true;

    private JinjaSource(String src) {
        this.src = src;
    }

    /** The jinjava form of a Jinja2 chat template. */
    static String toJinjava(String jinja2Source) {
        JinjaSource s = new JinjaSource(normalizeNewlines(jinja2Source));
        s.run();
        return new JinjavaWriter(s.out).toJinjava();
    }

    /** Jinja2's lexer: split at \r\n, \r, \n; drop one trailing empty line (keep_trailing_newline=False). */
    static String normalizeNewlines(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                out.add(new Piece(Piece.Kind.TEXT, src.substring(pos)));
                return;
            }
            String text = src.substring(pos, tag);
            char kind = src.charAt(tag + 1); // '{' variable, '%' block, '#' comment
            int bodyStart = tag + 2;
            char sign = bodyStart < src.length() && (src.charAt(bodyStart) == '-' || src.charAt(bodyStart) == '+')
                    ? src.charAt(bodyStart) : 0;
            if (sign != 0) {
                bodyStart++;
            }
            out.add(new Piece(Piece.Kind.TEXT, stripBeforeTag(text, kind, sign)));
            if (kind == '#') {
                comment(bodyStart);
            } else if (kind == '%' && isRaw(bodyStart)) {
                raw(bodyStart);
            } else {
                code(kind, bodyStart);
            }
        }
    }

    private int nextTagStart(int from) {
        for (int i = from; i + 1 < src.length(); i++) {
            if (src.charAt(i) == '{') {
                char c = src.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Whitespace control on the text before a tag: '-' strips all of it, lstrip_blocks the indentation. */
    private String stripBeforeTag(String text, char kind, char sign) {
        if (sign == '-') {
            return PyStrings.rstrip(text, null);
        }
        if (sign != '+' && kind != '{') {
            int lineStart = text.lastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && lineStart < text.length()
                    && PyStrings.allSpace(text, lineStart, text.length())) {
                return text.substring(0, lineStart);
            }
        }
        return text;
    }

    /** Whitespace control after a tag ending at {@code end}: '-' strips all, trim_blocks one newline. */
    private void afterTag(int end, char sign, boolean trimNewline) {
        int p = end;
        if (sign == '-') {
            while (p < src.length() && PyStrings.isSpace(src.charAt(p))) {
                p++;
            }
        } else if (sign != '+' && trimNewline && p < src.length() && src.charAt(p) == '\n') {
            p++;
        }
        lineStarting = src.charAt(p - 1) == '\n';
        pos = p;
    }

    private void comment(int bodyStart) {
        int close = src.indexOf("#}", bodyStart);
        if (close < 0) {
            throw error(bodyStart, "missing end of comment tag");
        }
        char sign = close > bodyStart && (src.charAt(close - 1) == '-' || src.charAt(close - 1) == '+')
                ? src.charAt(close - 1) : 0;
        afterTag(close + 2, sign, true);
    }

    private boolean isRaw(int bodyStart) {
        return src.startsWith("raw", skipSpaces(bodyStart)) && rawEnd(bodyStart) >= 0;
    }

    /** End of a "{% raw %}" tag (index after "%}") or -1 when the tag is not exactly "raw". */
    private int rawEnd(int bodyStart) {
        int p = skipSpaces(skipSpaces(bodyStart) + 3);
        if (src.startsWith("-%}", p)) {
            return p + 3;
        }
        return src.startsWith("%}", p) ? p + 2 : -1;
    }

    /** {% raw %}...{% endraw %}: the content is data; jinjava gets it back inside its own raw tags. */
    private void raw(int bodyStart) {
        int p = skipSpaces(skipSpaces(bodyStart) + 3);
        boolean strip = src.startsWith("-%}", p);
        int contentStart = rawEnd(bodyStart);
        if (strip) { // Jinja2's raw-begin rule strips after "-%}" but never trims a newline
            while (contentStart < src.length() && PyStrings.isSpace(src.charAt(contentStart))) {
                contentStart++;
            }
        }
        int search = contentStart;
        while (true) {
            int tag = src.indexOf("{%", search);
            if (tag < 0) {
                throw error(bodyStart, "missing end of raw directive");
            }
            int q = tag + 2;
            char sign = q < src.length() && (src.charAt(q) == '-' || src.charAt(q) == '+') ? src.charAt(q) : 0;
            if (sign != 0) {
                q++;
            }
            q = skipSpaces(q);
            if (src.startsWith("endraw", q)) {
                q = skipSpaces(q + 6);
                char endSign = src.startsWith("-%}", q) || src.startsWith("+%}", q) ? src.charAt(q) : 0;
                int end = endSign != 0 ? q + 3 : (src.startsWith("%}", q) ? q + 2 : -1);
                if (end > 0) {
                    lineStarting = contentStart > 0 && src.charAt(contentStart - 1) == '\n';
                    String content = stripBeforeTag(src.substring(contentStart, tag), '%', sign);
                    out.add(new Piece(Piece.Kind.RAW, content));
                    afterTag(end, endSign, true);
                    return;
                }
            }
            search = tag + 2;
        }
    }

    /** A block or variable tag: its end is the first end marker outside brackets and strings; rewrite, emit. */
    private void code(char kind, int bodyStart) {
        ExpressionLexer lexer = new ExpressionLexer(src, bodyStart);
        int depth = 0;
        for (ExpressionLexer.Token t = lexer.next(); t != null; t = lexer.next()) {
            int p = t.start();
            int endLength = depth > 0 ? 0 : kind == '%' ? blockEnd(p) : variableEnd(p);
            if (endLength > 0) {
                char sign = src.charAt(p) == '-' || src.charAt(p) == '+' ? src.charAt(p) : 0;
                String body = Expressions.toJinjava(src.substring(bodyStart, p));
                out.add(new Piece(kind == '%' ? Piece.Kind.BLOCK : Piece.Kind.VARIABLE, body.strip()));
                afterTag(p + endLength, sign, kind == '%');
                return;
            }
            if (t.kind() == ExpressionLexer.Kind.OPEN) {
                depth++;
            } else if (t.kind() == ExpressionLexer.Kind.CLOSE && depth > 0) {
                depth--;
            }
        }
        throw error(bodyStart, kind == '%' ? "missing end of block tag" : "missing end of variable tag");
    }

    private int blockEnd(int p) {
        if (src.startsWith("+%}", p) || src.startsWith("-%}", p)) {
            return 3;
        }
        return src.startsWith("%}", p) ? 2 : 0;
    }

    private int variableEnd(int p) {
        if (src.startsWith("-}}", p)) {
            return 3;
        }
        return src.startsWith("}}", p) ? 2 : 0;
    }

    private int skipSpaces(int p) {
        while (p < src.length() && PyStrings.isSpace(src.charAt(p))) {
            p++;
        }
        return p;
    }

    /** A lexed part of the template: text, raw text, or the (rewritten) code of a block or variable tag. */
    record Piece(Kind kind, String text) {
        enum Kind { TEXT, RAW, BLOCK, VARIABLE }
    }

    private BadInputException error(int at, String message) {
        int line = 1;
        for (int i = 0; i < at && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        return new BadInputException("chat template line " + line + ": " + message);
    }
}
