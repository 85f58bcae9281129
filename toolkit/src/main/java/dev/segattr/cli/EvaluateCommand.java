package dev.segattr.cli;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segattr.BadInputException;
import dev.segattr.experiment.RunRecord;
import dev.segattr.model.CausalLM;
import dev.segattr.tokenizer.Tokenizer;
import dev.segattr.sft.ChatFormat;
import dev.segattr.sft.Evaluator;
import dev.segattr.trace.JsonLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Accuracy and output length of a model on questions with gold answers (question or problem, answer).",
                "Greedy by default; --samples N with --temperature gives pass@k (unbiased estimator). The answer is the last "
                        + "\\boxed{} of the output. Writes one JSON line per question to E and the experiment record beside it "
                        + "(E's name with .record.json); prints the figures as JSON."})
final class EvaluateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder with its tokenizer")
    Path model;

    @Option(names = "--in", required = true, paramLabel = "F", description = "questions with answers, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "E", description = "per-question predictions, JSON Lines")
    Path out;

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

    @Option(names = "--device", paramLabel = "D", description = "cpu or gpu (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw new BadInputException("--model " + model + ": no such folder");
        }
        Evaluator.Settings settings = settings();
        List<Evaluator.Item> items = Evaluator.readItems(in);
        RunRecord record = RunRecord.start("evaluate", Map.of("model", model.toString(), "in", in.toString(), "settings", settings));
        record.seed("sampling", seed).input("questions", in).input("model", model);
        Evaluator.Result result;
        PrintWriter err = spec.commandLine().getErr();
        try (Tokenizer tokenizer = Tokenizer.load(model);
             CausalLM lm = CausalLM.load(model, CausalLM.device(device), DataType.FLOAT32)) {
            int[] done = {0};
            result = new Evaluator(lm, tokenizer, ChatFormat.reference(tokenizer))
                    .onPrediction(p -> {
                        err.printf("segattr evaluate: %d/%d %s: %d/%d correct%n", ++done[0], items.size(), p.item().id(),
                                p.correct(), p.outputs().size());
                        err.flush();
                    })
                    .evaluate(items, settings);
        }
        Evaluator.writePredictions(out, result);
        result.metrics().forEach(record::metric);
        record.timing("evaluate", Duration.ofNanos((long) (result.seconds() * 1e9)));
        record.finish().write(recordPath(out));
        Map<String, Object> summary = new LinkedHashMap<>(result.metrics());
        try {
            spec.commandLine().getOut().println(JsonLines.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Evaluator.Settings settings() {
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

    static Path recordPath(Path predictions) {
        String name = predictions.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
        return predictions.resolveSibling(stem + ".record.json");
    }
}
