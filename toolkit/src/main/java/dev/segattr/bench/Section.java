package dev.segattr.bench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The parts of {@code segattr bench} that can be chosen with {@code --sections}. */
public enum Section {
    ATTRIBUTION, CONVERGENCE, GENERATION, TRAINING;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Section parse(String text) {
        for (Section s : values()) {
            if (s.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown section '" + text + "' (attribution, convergence, generation, training)");
    }

    /** "attribution,training" -> the set; blank means all. */
    public static Set<Section> parseList(String text) {
        if (text == null || text.isBlank()) {
            return EnumSet.allOf(Section.class);
        }
        Set<Section> set = EnumSet.noneOf(Section.class);
        for (String part : text.split(",")) {
            set.add(parse(part));
        }
        return set;
    }
}
