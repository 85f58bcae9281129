package dev.segattr.cli;

import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.LogprobsStage;
import dev.segattr.stage.ModelSource;
import dev.segattr.stage.StageListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "logprobs", mixinStandardHelpOptions = true,
        description = {"Per-token log-probabilities (and entropies) of each record's text under a model.",
                "The text is the record's 'text' field, or else its trace rendered as attribute sees it: the chat "
                        + "prompt of the question, the reasoning, and \"</think> So, the final answer is \\boxed{ANSWER}\".",
                "Adds ids, logprobs (log p of token i given the tokens before it; the first is null) and entropies "
                        + "(nats, of the distribution that predicts token i; the first is null)."})
final class LogprobsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
    Path tokenizer;

    @Option(names = "--in", required = true, paramLabel = "F", description = "records, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "G", description = "where to write them")
    Path out;

    @Override
    public Integer call() {
        LogprobsStage.run(in, out, new LogprobsStage.Options(new ModelSource(model, tokenizer, ComputeDevice.CPU, Dtype.FLOAT32)),
                StageListener.NONE);
        return 0;
    }
}
