package dev.segattr.cli;

import dev.segattr.model.CheckpointWriter;
import dev.segattr.BadInputException;
import dev.segattr.bench.Bench;
import dev.segattr.bench.BenchOptions;
import dev.segattr.bench.BenchReport;
import dev.segattr.bench.NativeAllocator;
import dev.segattr.bench.Section;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.model.AttentionKernel;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure attribution, generation and training throughput, their share of this machine's "
                + "matrix-product peak (measured in the same run) and their memory; print JSON.",
                "Without --model, a randomly initialised Qwen3 of --hidden/--layers/--vocab is measured. "
                        + "The defaults take about 20 s on an idle 2-core machine (longer when other jobs share it).",
                "Figures from a shared machine are pessimistic: compare runs made side by side, and use --threads 1 "
                        + "when the cores are busy."})
final class BenchCommand implements Callable<Integer> {

    private static final BenchOptions D = BenchOptions.defaults();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face checkpoint folder (default: a random Qwen3)")
    Path model;

    @Option(names = "--hidden", paramLabel = "H", description = "hidden size of the random model (default: ${DEFAULT-VALUE})")
    int hidden = 256;

    @Option(names = "--layers", paramLabel = "L", description = "layers of the random model (default: ${DEFAULT-VALUE})")
    int layers = 4;

    @Option(names = "--vocab", paramLabel = "V", description = "vocabulary of the random model (default: ${DEFAULT-VALUE})")
    int vocab = 1024;

    @Option(names = "--seq-len", paramLabel = "T", description = "tokens per attributed sequence and per training example (default: ${DEFAULT-VALUE})")
    int seqLen = D.seqLen();

    @Option(names = "--steps", paramLabel = "J", description = "integrated-gradients path points (default: ${DEFAULT-VALUE})")
    int steps = D.steps();

    @Option(names = "--batch", paramLabel = "auto|K", converter = Converters.Batch.class, defaultValue = "auto",
            description = "path points per forward+backward pass; auto: as attribute chooses them (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--repeats", paramLabel = "N", description = "timed repetitions after a warm-up (default: ${DEFAULT-VALUE})")
    int repeats = D.repeats();

    @Option(names = "--train-batch", paramLabel = "B", description = "examples per training update (default: ${DEFAULT-VALUE})")
    int trainBatch = D.trainBatch();

    @Option(names = "--train-steps", paramLabel = "N", description = "timed training updates (default: ${DEFAULT-VALUE})")
    int trainSteps = D.trainSteps();

    @Option(names = "--prompt-tokens", paramLabel = "P", description = "prompt length for generation (default: ${DEFAULT-VALUE})")
    int promptTokens = D.promptTokens();

    @Option(names = "--new-tokens", paramLabel = "N", description = "tokens generated per run (default: ${DEFAULT-VALUE})")
    int newTokens = D.newTokens();

    @Option(names = "--sections", paramLabel = "LIST", description = "comma-separated: attribution,convergence,generation,training (default: all)")
    String sections;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch intra-op threads (default: PyTorch's choice)")
    Integer threads;

    @Option(names = "--keep-freed-memory",
            description = "let glibc keep freed native memory for reuse instead of returning it (fewer page faults)")
    boolean keepFreedMemory;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the random model and ids (default: ${DEFAULT-VALUE})")
    long seed = D.seed();

    @Option(names = "--save-model", paramLabel = "DIR",
            description = "also save the random model here (Hugging Face layout), to measure other tools on it")
    Path saveModel;

    @Option(names = "--attention", paramLabel = "fused|explicit",
            description = "attention kernel: PyTorch's fused scaled_dot_product_attention or the explicit NDArray one (default: ${DEFAULT-VALUE})")
    String attention = "fused";

    @Option(names = "--trace", paramLabel = "F",
            description = "the convergence section attributes a trace of this JSON Lines file (tokenized with "
                    + "--model's tokenizer) instead of random ids")
    Path trace;

    @Option(names = "--trace-index", paramLabel = "I", description = "which trace of --trace, from 0 (default: ${DEFAULT-VALUE})")
    int traceIndex = 0;

    @Option(names = "--out", paramLabel = "F", description = "write the JSON here instead of to stdout")
    Path out;

    @Override
    public Integer call() {
        BenchOptions options;
        Set<Section> chosen;
        try {
            chosen = Section.parseList(sections);
            options = new BenchOptions(seqLen, steps, batch, Math.min(D.answerTokens(), seqLen - 1), repeats,
                    trainBatch, trainSteps, promptTokens, newTokens, D.peakSize(), chosen, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        if (keepFreedMemory && !NativeAllocator.keepFreedMemory()) {
            throw new BadInputException("--keep-freed-memory: glibc's mallopt is not available here");
        }
        if (threads != null) {
            if (threads < 1) {
                throw new BadInputException("--threads must be at least 1, got " + threads);
            }
            Bench.setThreads(threads);
        }
        if (model != null && saveModel != null) {
            throw new BadInputException("--save-model saves the random model: it cannot go with --model");
        }
        if (model != null && !Files.isDirectory(model)) {
            throw new BadInputException("--model " + model + ": no such folder");
        }
        BenchReport report;
        try (CausalLM lm = model != null ? CausalLM.load(model) : initModel()) {
            if (lm.config().maxPositionEmbeddings() < Math.max(seqLen, promptTokens + newTokens)) {
                throw new BadInputException("--seq-len " + seqLen + " (or prompt + new tokens) exceeds the model's "
                        + "max_position_embeddings " + lm.config().maxPositionEmbeddings());
            }
            lm.attention(attentionKernel());
            if (saveModel != null) {
                CheckpointWriter.save(lm, saveModel);
            }
            if (trace != null) {
                if (model == null) {
                    throw new BadInputException("--trace needs --model (its tokenizer)");
                }
                try (Tokenizer tok = Tokenizer.load(model)) {
                    Trace first = TraceReader.readAll(trace).stream().skip(Math.max(0, traceIndex)).findFirst()
                            .orElseThrow(() -> new BadInputException(trace + ": no trace at index " + traceIndex));
                    report = Bench.run(lm, model.toString(), options, tok, first);
                }
            } else {
                report = Bench.run(lm, model != null ? model.toString() : "init", options);
            }
        }
        String json = report.toJson();
        if (out != null) {
            AtomicFile.writeString(out, json + "\n");
        } else {
            PrintWriter o = spec.commandLine().getOut();
            o.println(json);
            o.flush();
        }
        return 0;
    }

    private AttentionKernel attentionKernel() {
        return switch (attention) {
            case "fused" -> AttentionKernel.FUSED;
            case "explicit" -> AttentionKernel.EXPLICIT;
            default -> throw new BadInputException("--attention must be fused or explicit, got '" + attention + "'");
        };
    }

    private CausalLM initModel() {
        try {
            return Bench.initModel(hidden, layers, vocab, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
