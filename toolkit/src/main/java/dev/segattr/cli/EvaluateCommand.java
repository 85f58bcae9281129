package dev.segattr.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.EvaluateStage;
import dev.segattr.stage.ModelSource;
import dev.segattr.trace.JsonLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

    @Mixin
    DecodingOptions decoding;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        ModelSource source = new ModelSource(io.model(), null, device.device, Dtype.FLOAT32);
        source.requireFolder();
        var options = new EvaluateStage.Options(source, decoding.settings());
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
}
