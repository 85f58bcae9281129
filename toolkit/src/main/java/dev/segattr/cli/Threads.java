package dev.segattr.cli;

/**
 * Thread settings for the commands that run the embedded tiny model, and for studies whose workers share the
 * cores. Its matrices are so small that PyTorch's
 * intra-op threads cost more in hand-offs than they gain: on 2 cores one thread ran the walkthrough several
 * times faster than two (and two threads spin against each other on a busy machine). Set before the engine
 * starts; a user's own {@code -Dai.djl.pytorch.num_threads=N} wins.
 */
final class Threads {

    private Threads() {
    }

    static void oneUnlessSet() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
