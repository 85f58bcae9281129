package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.sft.Evaluator;
import picocli.CommandLine.Option;

/**
 * The decoding options of {@code segattr evaluate}, a mixin so that every front end that evaluates (the command line,
 * segattr-spark's {@code evaluate}) reads them alike: greedy by default, {@code --samples N} with a temperature for
 * pass@k.
 */
public final class DecodingOptions {

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "length limit of an output (default: ${DEFAULT-VALUE})")
    int maxNewTokens = 4096;

    @Option(names = "--greedy", description = "greedy decoding, one output per question (the default)")
    boolean greedy;

    @Option(names = "--samples", paramLabel = "N", description = "outputs per question, sampled (needs --temperature > 0)")
    Integer samples;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature (default with --samples: 0.6)")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling (default: ${DEFAULT-VALUE})")
    double topP = 0.95;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the sampler (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--batch", paramLabel = "B", description = "prompts decoded together (default: ${DEFAULT-VALUE})")
    int batch = 8;

    /** The evaluator's settings these flags ask for; a contradiction or a value out of range is bad input. */
    public Evaluator.Settings settings() {
        boolean sampling = samples != null || (temperature != null && temperature > 0);
        if (greedy && sampling) {
            throw new BadInputException("--greedy cannot be combined with --samples or --temperature");
        }
        try {
            if (!sampling) {
                return new Evaluator.Settings(maxNewTokens, 1, 0, 1, seed, batch);
            }
            double t = temperature == null ? 0.6 : temperature;
            if (!(t > 0)) {
                throw new BadInputException("--temperature must be > 0 when sampling, got " + t);
            }
            return new Evaluator.Settings(maxNewTokens, samples == null ? 1 : samples, t, topP, seed, batch);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
