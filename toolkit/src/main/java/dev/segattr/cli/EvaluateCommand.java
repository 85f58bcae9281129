package dev.segattr.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segattr.BadInputException;
import dev.segattr.sft.Evaluator;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.EvaluateStage;
import dev.segattr.stage.ModelSource;
import dev.segattr.trace.JsonLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Evaluate",
        description = {"Accuracy and output length of a model on questions with gold answers (question or problem, answer).",
                "Greedy by default; --samples N with --temperature gives pass@k (unbiased estimator). The answer is the last "
                        + "\\boxed{} of the output. Writes one JSON line per question to E and the experiment record beside it "
                        + "(E's name with .record.json); prints the figures as JSON."})
final class EvaluateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelIo io;

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

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        ModelSource source = new ModelSource(io.model(), null, device.device, Dtype.FLOAT32);
        source.requireFolder();
        var options = new EvaluateStage.Options(source, settings());
        EvaluateStage.Outcome outcome = EvaluateStage.run(io.in(), io.out(), options, new StderrReport(spec.commandLine().getErr(), "evaluate"));
        Map<String, Object> summary = new LinkedHashMap<>(outcome.result().metrics());
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
}
