package dev.segattr.synth;

import java.util.Locale;

/**
 * The finer kind of a synthetic segment, recorded beside its {@link Role} ({@code segment_moves}) so that an
 * analysis can, for example, leave out the segments the reference rule always keeps.
 */
public enum Move {
    /** Segment 0: what is asked, and the first computation step. */
    UNDERSTAND(Role.ESSENTIAL),
    /** One computation step (an intermediate result that the next steps use). */
    STEP(Role.ESSENTIAL),
    /** The last segment: the final result restated and {@code \boxed{N}}. */
    SUMMARY(Role.ESSENTIAL),
    /** Recomputes an earlier step another way (an inverse operation) and confirms it. */
    CHECK(Role.REFLECTIVE),
    /** Right after a step that wrote a wrong value: catches the slip and gives the right value. */
    FIX(Role.REFLECTIVE),
    /** Repeats the question's facts, its goal or the plan; no intermediate result. */
    RESTATE(Role.REDUNDANT),
    /** Starts another approach from the question's numbers and stops mid-sentence. */
    EXPLORE(Role.TRUNCATED);

    private final Role role;

    Move(Role role) {
        this.role = role;
    }

    public Role role() {
        return role;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
