package dev.segattr.bench;

import java.util.Random;

/** Reproducible random token ids: the benchmark's input (speed does not depend on what the tokens say). */
final class RandomIds {

    private RandomIds() {
    }

    static long[] of(int length, int vocab, long seed) {
        Random random = new Random(seed);
        long[] ids = new long[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return ids;
    }
}
