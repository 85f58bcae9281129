package dev.segattr.cli;

import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "attribute", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Attribute",
        description = {"Integrated gradients of each trace's answer log-probability over its tokens, grouped by segment.",
                "Adds token_attributions (per segment, per token), target_logprob, baseline_logprob, convergence_delta, "
                        + "seconds, attribution_status (ok, large delta, empty answer, zero attribution, non-finite), "
                        + "attribution_reason, attribution_settings, segment_token_counts, token_logprobs and token_entropies "
                        + "(per segment), and segments when the record has none (reference segmenter).",
                "A sequence longer than the model's max_position_embeddings is attributed anyway, as the reference does "
                        + "(nothing is cut), with a warning and exceeds_max_positions: true in its record.",
                "Resumable: records go to OUT.partial as they are done; a rerun with the same options skips them, and "
                        + "OUT appears (atomically) when all are done. Records already in OUT are skipped too."})
final class AttributeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelIo io;

    @Mixin
    TokenizerFolder tokenizer;

    @Mixin
    AttributionOptions attribution;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        var options = attribution.options(new ModelSource(io.model(), tokenizer.tokenizer, device.device, attribution.dtype()));
        AttributeStage.run(io.in(), io.out(), options, new StderrReport(spec.commandLine().getErr(), "attribute"));
        return 0;
    }
}
