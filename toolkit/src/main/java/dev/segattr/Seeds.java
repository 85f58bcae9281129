package dev.segattr;

/**
 * Seeds for the generators of a run, derived from its one seed, so that every random choice (the shuffle of an
 * epoch, the sampler of a batch, the random segments of a trace) can be redone alone and none depends on what
 * ran before it.
 */
public final class Seeds {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** SplitMix64's finaliser: neighbouring inputs give unrelated seeds. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The seed of stream {@code index} (an epoch, a batch) of a run seeded with {@code seed}. */
    public static long stream(long seed, long index) {
        return mix(seed * GOLDEN_GAMMA + index);
    }

    /** The seed of the item named {@code key} (a trace's id) of a run seeded with {@code seed}. */
    public static long item(long seed, String key) {
        return mix(seed ^ mix(key.hashCode()));
    }
}
