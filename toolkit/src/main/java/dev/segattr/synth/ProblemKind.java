package dev.segattr.synth;

import java.util.Locale;

/** The families of word problems the benchmark draws from. */
public enum ProblemKind {
    /** Totals of items at a price, change from a bill, a coupon. */
    SHOPPING,
    /** Ages: older by, times as old, in some years, sums. */
    AGES,
    /** So much per hour for some hours: machines, trips, a baker's bags. */
    RATES,
    /** Sharing equally among friends (divisions that come out even). */
    SHARING,
    /** Money saved each week, spent, left. */
    SAVINGS;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ProblemKind parse(String name) {
        for (ProblemKind k : values()) {
            if (k.jsonName().equalsIgnoreCase(name.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown problem kind '" + name + "' (expected one of shopping, ages, rates, sharing, savings)");
    }
}
