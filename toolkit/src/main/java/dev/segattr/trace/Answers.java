package dev.segattr.trace;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Final answers: taking them out of {@code \boxed{}} and deciding whether two are the same.
 *
 * <p>What counts as equal, after both sides are normalised:
 * <ol>
 *   <li>Surrounding {@code $...$}, {@code \(...\)}, {@code \[...\]}, white space and a final period are dropped.</li>
 *   <li>{@code \dfrac} and {@code \tfrac} are {@code \frac}; {@code \left}, {@code \right}, thin spaces
 *       ({@code \, \; \! \:}) and {@code \displaystyle} are dropped.</li>
 *   <li>Units and words in {@code \text{}}/{@code \mbox{}}/{@code \mathrm{}} after a number are dropped
 *       ({@code 5\text{ cm}} = {@code 5}); a whole answer in {@code \text{}} is unwrapped.</li>
 *   <li>Degrees ({@code ^\circ}, {@code ^{\circ}}) and a trailing percent sign ({@code \%}, {@code %}) are dropped.</li>
 *   <li>A leading {@code x =} (one letter and an equals sign) is dropped.</li>
 *   <li>Numbers compare as exact rationals: integers, decimals, thousands separators ({@code 1,000}),
 *       fractions {@code a/b}, {@code \frac{a}{b}}, {@code \frac ab}, with a sign; so
 *       {@code \frac{1}{2}} = {@code 1/2} = {@code 0.5} = {@code .50}, but {@code 0.33} ≠ {@code 1/3}.</li>
 *   <li>Anything else compares as text with all white space removed ({@code \sqrt{2}} = {@code \sqrt2}).</li>
 * </ol>
 * Not attempted: algebraic equivalence ({@code 2\sqrt{2}} vs {@code \sqrt{8}}), intervals, sets in another order.
 */
public final class Answers {

    private static final Pattern BOX = Pattern.compile("\\\\(?:boxed|fbox)\\s*\\{");
    private static final Pattern TEXT_AFTER_NUMBER = Pattern.compile("(?<=[0-9}.])\\s*\\\\(?:text|mbox|mathrm)\\s*\\{[^{}]*}\\s*$");
    private static final Pattern WHOLE_TEXT = Pattern.compile("^\\\\(?:text|mbox|mathrm)\\s*\\{([^{}]*)}$");
    private static final Pattern FRAC_BRACED = Pattern.compile("\\\\frac\\s*\\{([^{}]*)}\\s*\\{([^{}]*)}");
    private static final Pattern FRAC_SHORT = Pattern.compile("\\\\frac\\s*([0-9a-zA-Z])\\s*([0-9a-zA-Z])");
    private static final Pattern SQRT_SHORT = Pattern.compile("\\\\sqrt\\s*([0-9a-zA-Z])");
    private static final Pattern THOUSANDS = Pattern.compile("^[+-]?\\d{1,3}(,\\d{3})+(\\.\\d*)?$");
    private static final Pattern DECIMAL = Pattern.compile("^[+-]?(\\d+\\.?\\d*|\\.\\d+)$");
    private static final Pattern FRACTION = Pattern.compile("^([+-]?)\\(?([+-]?(?:\\d+\\.?\\d*|\\.\\d+))\\)?/\\(?([+-]?(?:\\d+\\.?\\d*|\\.\\d+))\\)?$");

    private Answers() {
    }

    /** The content of the last {@code \boxed{...}} (or {@code \fbox{}}) in a text, nested braces kept whole. */
    public static Optional<String> lastBoxed(String text) {
        Matcher m = BOX.matcher(text);
        int open = -1;
        while (m.find()) {
            open = m.end();
        }
        if (open < 0) {
            return Optional.empty();
        }
        int depth = 1;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                i++; // an escaped brace \{ does not open or close anything
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return Optional.of(text.substring(open, i).strip());
            }
        }
        return Optional.empty(); // an unclosed box is no answer
    }

    /** Whether two answers are the same by the rules in the class comment. */
    public static boolean equivalent(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        String x = normalise(a);
        String y = normalise(b);
        if (x.equals(y)) {
            return true;
        }
        Optional<Rational> p = Rational.parse(x);
        Optional<Rational> q = Rational.parse(y);
        return p.isPresent() && q.isPresent() && p.get().equals(q.get());
    }

    /** The normal form used for comparison (white space removed). */
    public static String normalise(String answer) {
        String s = answer.strip();
        s = unwrap(s);
        s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
                .replace("\\left", "").replace("\\right", "").replace("\\displaystyle", "")
                .replace("\\,", "").replace("\\;", "").replace("\\!", "").replace("\\:", "").replace("\\ ", " ");
        s = s.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        Matcher whole = WHOLE_TEXT.matcher(s);
        if (whole.matches()) {
            s = whole.group(1).strip();
        }
        s = TEXT_AFTER_NUMBER.matcher(s).replaceAll("");
        s = s.replace("^{\\circ}", "").replace("^\\circ", "").replace("\\circ", "");
        if (s.endsWith("\\%")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1);
        }
        s = s.strip().replaceFirst("^[a-zA-Z]\\s*=\\s*(?=\\S)", "");
        s = FRAC_BRACED.matcher(s).replaceAll(r -> fraction(r.group(1), r.group(2)));
        s = FRAC_SHORT.matcher(s).replaceAll(r -> fraction(r.group(1), r.group(2)));
        s = SQRT_SHORT.matcher(s).replaceAll("\\\\sqrt{$1}");
        s = s.replaceAll("\\s+", "");
        if (THOUSANDS.matcher(s).matches()) {
            s = s.replace(",", "");
        }
        return s;
    }

    private static String fraction(String numerator, String denominator) {
        String n = numerator.strip();
        String d = denominator.strip();
        boolean simple = n.matches("[+-]?[0-9.]+") && d.matches("[+-]?[0-9.]+");
        return Matcher.quoteReplacement(simple ? n + "/" + d : "(" + n + ")/(" + d + ")");
    }

    private static String unwrap(String s) {
        boolean changed = true;
        while (changed) {
            changed = false;
            s = s.strip();
            for (String[] pair : new String[][] {{"$$", "$$"}, {"$", "$"}, {"\\(", "\\)"}, {"\\[", "\\]"}}) {
                if (s.length() >= pair[0].length() + pair[1].length() && s.startsWith(pair[0]) && s.endsWith(pair[1])) {
                    s = s.substring(pair[0].length(), s.length() - pair[1].length());
                    changed = true;
                    break;
                }
            }
        }
        return s;
    }

    /** An exact rational number, so that 0.5 and 1/2 are the same and no rounding decides anything. */
    record Rational(BigInteger numerator, BigInteger denominator) {

        static Optional<Rational> parse(String s) {
            if (DECIMAL.matcher(s).matches()) {
                return Optional.of(of(new BigDecimal(s)));
            }
            Matcher m = FRACTION.matcher(s);
            if (m.matches()) {
                BigDecimal n = new BigDecimal(m.group(2));
                BigDecimal d = new BigDecimal(m.group(3));
                if (d.signum() == 0) {
                    return Optional.empty();
                }
                Rational r = of(n).divide(of(d));
                return Optional.of(m.group(1).equals("-") ? r.negate() : r);
            }
            return Optional.empty();
        }

        static Rational of(BigDecimal d) {
            BigDecimal stripped = d.stripTrailingZeros();
            int scale = stripped.scale();
            return scale <= 0
                    ? reduce(stripped.toBigIntegerExact(), BigInteger.ONE)
                    : reduce(stripped.unscaledValue(), BigInteger.TEN.pow(scale));
        }

        static Rational reduce(BigInteger n, BigInteger d) {
            if (d.signum() < 0) {
                n = n.negate();
                d = d.negate();
            }
            BigInteger g = n.gcd(d);
            return g.signum() == 0 ? new Rational(BigInteger.ZERO, BigInteger.ONE) : new Rational(n.divide(g), d.divide(g));
        }

        Rational divide(Rational other) {
            return reduce(numerator.multiply(other.denominator), denominator.multiply(other.numerator));
        }

        Rational negate() {
            return new Rational(numerator.negate(), denominator);
        }
    }
}
