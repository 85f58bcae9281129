package dev.segattr.cli;

import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.LogprobsStage;
import dev.segattr.stage.ModelSource;
import dev.segattr.stage.StageListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "logprobs", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Logprobs",
        description = {"Per-token log-probabilities (and entropies) of each record's text under a model.",
                "The text is the record's 'text' field, or else its trace rendered as attribute sees it: the chat "
                        + "prompt of the question, the reasoning, and \"</think> So, the final answer is \\boxed{ANSWER}\".",
                "Adds ids, logprobs (log p of token i given the tokens before it; the first is null) and entropies "
                        + "(nats, of the distribution that predicts token i; the first is null)."})
final class LogprobsCommand implements Callable<Integer> {

    @Mixin
    ModelIo io;

    @Mixin
    TokenizerFolder tokenizer;

    @Override
    public Integer call() {
        LogprobsStage.run(io.in(), io.out(), new LogprobsStage.Options(new ModelSource(io.model(), tokenizer.tokenizer, ComputeDevice.CPU, Dtype.FLOAT32)),
                StageListener.NONE);
        return 0;
    }
}
