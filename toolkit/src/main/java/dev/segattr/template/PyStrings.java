package dev.segattr.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's semantics for what chat templates do with values: str methods ({@code strip}, {@code split}...),
 * {@code str()} and {@code repr()} of values, slicing, and {@code json.dumps} as transformers' {@code tojson}
 * filter calls it (ensure_ascii=False). Java values stand for Python's: String, Boolean, Integer/Long, Double,
 * List, Map, null for None.
 */
final class PyStrings {

    private PyStrings() {
    }

    // ---- whitespace, as Python's str.isspace() and the regex \s

    static boolean isSpace(char c) {
        return switch (c) {
            case ' ', '\t', '\n', '\u000b', '\u000c', '\r', '\u001c', '\u001d', '\u001e', '\u001f', '\u0085', '\u00a0',
                    '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200a';
        };
    }

    static boolean allSpace(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strippable(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int i = s.length();
        while (i > 0 && strippable(s.charAt(i - 1), chars)) {
            i--;
        }
        return s.substring(0, i);
    }

    // ---- str methods

    /** str.split(sep, maxsplit): a literal separator keeps empty parts; sep None splits at whitespace runs. */
    static List<String> split(String s, String sep, int maxsplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    return parts;
                }
                if (maxsplit >= 0 && parts.size() == maxsplit) {
                    parts.add(rstrip(s.substring(i), null));
                    return parts;
                }
                int j = i;
                while (j < s.length() && !isSpace(s.charAt(j))) {
                    j++;
                }
                parts.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((maxsplit < 0 || parts.size() < maxsplit) && (at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** str.rsplit(sep, maxsplit): like split, but the at most maxsplit cuts are made from the right. */
    static List<String> rsplit(String s, String sep, int maxsplit) {
        if (maxsplit < 0) {
            return split(s, sep, -1);
        }
        if (sep == null) { // whitespace is symmetric: split the reversed text
            List<String> reversed = split(new StringBuilder(s).reverse().toString(), null, maxsplit);
            List<String> parts = new ArrayList<>();
            for (String r : reversed) {
                parts.add(0, new StringBuilder(r).reverse().toString());
            }
            return parts;
        }
        List<String> parts = new ArrayList<>();
        int to = s.length();
        int at;
        while (parts.size() < maxsplit && (at = s.lastIndexOf(sep, to - sep.length())) >= 0) {
            parts.add(0, s.substring(at + sep.length(), to));
            to = at;
        }
        parts.add(0, s.substring(0, to));
        return parts;
    }

    /** str.splitlines(): cut at every line boundary Python knows, no empty part after a final one. */
    static List<String> splitlines(String s) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u000b' || c == '\u000c' || c == '\u001c' || c == '\u001d'
                    || c == '\u001e' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                lines.add(s.substring(from, i));
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                from = i + 1;
            }
        }
        if (from < s.length()) {
            lines.add(s.substring(from));
        }
        return lines;
    }

    /** str.title(): upper-case a cased letter that follows an uncased character, lower-case the others. */
    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean cased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
            b.appendCodePoint(cased ? (previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp)) : cp);
            previousCased = cased;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** str.capitalize(): the first character upper-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first)).append(s.substring(n).toLowerCase())
                .toString();
    }

    /** str.replace(old, new, count); count < 0 replaces all. An empty old inserts between characters. */
    static String replace(String s, String old, String replacement, int count) {
        StringBuilder b = new StringBuilder();
        int done = 0;
        if (old.isEmpty()) {
            for (int i = 0; i <= s.length(); i++) {
                if (count < 0 || done < count) {
                    b.append(replacement);
                    done++;
                }
                if (i < s.length()) {
                    b.append(s.charAt(i));
                }
            }
            return b.toString();
        }
        int from = 0;
        int at;
        while ((count < 0 || done < count) && (at = s.indexOf(old, from)) >= 0) {
            b.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
        }
        return b.append(s, from, s.length()).toString();
    }

    // ---- slicing

    /** seq[start:stop:step] on a String or a List, with Python's rules for None, negatives and steps. */
    static Object slice(Object seq, Object start, Object stop, Object step) {
        int length = seq instanceof String s ? s.length() : ((List<?>) seq).size();
        int st = step == null ? 1 : toInt(step);
        if (st == 0) {
            throw new IllegalArgumentException("slice step cannot be zero");
        }
        int lo;
        int hi;
        if (st > 0) {
            lo = start == null ? 0 : clampIndex(toInt(start), length, 0, length);
            hi = stop == null ? length : clampIndex(toInt(stop), length, 0, length);
        } else {
            lo = start == null ? length - 1 : clampIndex(toInt(start), length, -1, length - 1);
            hi = stop == null ? -1 : clampIndex(toInt(stop), length, -1, length - 1);
        }
        List<Integer> indices = new ArrayList<>();
        for (int i = lo; st > 0 ? i < hi : i > hi; i += st) {
            indices.add(i);
        }
        if (seq instanceof String s) {
            StringBuilder b = new StringBuilder();
            indices.forEach(i -> b.append(s.charAt(i)));
            return b.toString();
        }
        List<?> list = (List<?>) seq;
        List<Object> out = new ArrayList<>();
        indices.forEach(i -> out.add(list.get(i)));
        return out;
    }

    private static int clampIndex(int index, int length, int min, int max) {
        int i = index < 0 ? index + length : index;
        return Math.max(min, Math.min(max, i));
    }

    static int toInt(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException("slice indices must be integers, got " + o);
    }

    // ---- str() and repr()

    /** Python's str(value): what {{ value }} prints (null prints nothing, as an undefined value does). */
    static String str(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof CharSequence s) {
            return s.toString();
        }
        return repr(value);
    }

    static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            return floatRepr(((Number) value).doubleValue());
        }
        if (value instanceof Number n) {
            return n instanceof BigDecimal d ? d.toPlainString() : n.toString();
        }
        if (value instanceof CharSequence s) {
            return stringRepr(s.toString());
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("{");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                b.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            return b.append('}').toString();
        }
        if (value instanceof Collection<?> || value instanceof Object[]) {
            Collection<?> items = value instanceof Object[] a ? List.of(a) : (Collection<?>) value;
            StringBuilder b = new StringBuilder("[");
            Iterator<?> it = items.iterator();
            while (it.hasNext()) {
                b.append(repr(it.next()));
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            return b.append(']').toString();
        }
        return value.toString();
    }

    /** repr(str): single quotes unless the text has ' and no ", escapes for control characters. */
    private static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == quote) {
                        b.append('\\').append(c);
                    } else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == '\u00ad') {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append(quote).toString();
    }

    /** repr(float): shortest digits, scientific notation below 1e-4 and from 1e16 on, as Python prints it. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = exact.precision() - exact.scale() - 1; // decimal exponent of the leading digit
        if (exponent < -4 || exponent >= 16) {
            String digits = exact.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + String.format("%02d", Math.abs(exponent));
        }
        String plain = exact.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    // ---- json.dumps(value, ensure_ascii=False, indent=..., separators=..., sort_keys=...)

    static String jsonDumps(Object value, Integer indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        String items = itemSeparator != null ? itemSeparator : (indent == null ? ", " : ",");
        String keys = keySeparator != null ? keySeparator : ": ";
        StringBuilder b = new StringBuilder();
        dump(value, indent, items, keys, sortKeys, 0, b);
        return b.toString();
    }

    private static void dump(Object v, Integer indent, String items, String keys, boolean sort, int level,
            StringBuilder b) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean bool) {
            b.append(bool ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            b.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
                    : floatRepr(d));
        } else if (v instanceof Number n) {
            b.append(n instanceof BigDecimal d ? d.toPlainString() : n.toString());
        } else if (v instanceof CharSequence s) {
            jsonString(s.toString(), b);
        } else if (v instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            if (sort) {
                entries.sort((x, y) -> String.valueOf(x.getKey()).compareTo(String.valueOf(y.getKey())));
            }
            if (entries.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append('{');
            for (int i = 0; i < entries.size(); i++) {
                b.append(i == 0 ? "" : items);
                newline(indent, level + 1, b);
                Object key = entries.get(i).getKey();
                jsonString(key instanceof CharSequence ? key.toString() : jsonKey(key), b);
                b.append(keys);
                dump(entries.get(i).getValue(), indent, items, keys, sort, level + 1, b);
            }
            newline(indent, level, b);
            b.append('}');
        } else if (v instanceof Collection<?> || v instanceof Object[]) {
            List<?> list = v instanceof Object[] a ? List.of(a) : new ArrayList<>((Collection<?>) v);
            if (list.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                b.append(i == 0 ? "" : items);
                newline(indent, level + 1, b);
                dump(list.get(i), indent, items, keys, sort, level + 1, b);
            }
            newline(indent, level, b);
            b.append(']');
        } else {
            jsonString(v.toString(), b);
        }
    }

    /** json.dumps turns non-string keys into strings: True -> "true", None -> "null", 1.5 -> "1.5". */
    private static String jsonKey(Object key) {
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        return key instanceof Double d ? floatRepr(d) : key.toString();
    }

    private static void newline(Integer indent, int level, StringBuilder b) {
        if (indent != null) {
            b.append('\n').append(" ".repeat(indent * level));
        }
    }

    private static void jsonString(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
