package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.sft.FineTune;
import dev.segattr.sft.TrainConfig;
import dev.segattr.stage.TrainStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, resourceBundle = "dev.segattr.cli.Train",
        description = {"Fine-tune a model (all parameters, AdamW, warmup then cosine decay) on selected traces.",
                "Writes the fine-tuned model in the Hugging Face layout into DIR2, a checkpoint per epoch under DIR2/checkpoints, "
                        + "record.json and loss.png. Defaults follow the reference run (lr 3e-5, batch 2, warmup 5%%, seed 3407)."})
final class TrainCommand implements Callable<Integer> {

    private static final TrainConfig D = TrainConfig.defaults();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelIo io;

    @Mixin
    MaskOptions mask;

    @Option(names = "--epochs", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
    int epochs = D.epochs();

    @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr = D.learningRate();

    @Option(names = "--batch", paramLabel = "B", description = "examples per micro-batch (default: ${DEFAULT-VALUE})")
    int batch = D.batchSize();

    @Option(names = "--grad-accum", paramLabel = "K", description = "micro-batches per update (default: ${DEFAULT-VALUE})")
    int gradAccum = D.gradAccum();

    @Option(names = "--warmup", paramLabel = "R", description = "warmup as a share of all updates (default: ${DEFAULT-VALUE})")
    double warmup = D.warmupRatio();

    @Option(names = "--warmup-steps", paramLabel = "N", description = "warmup updates (overrides --warmup)")
    Integer warmupSteps;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW's decoupled weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = D.weightDecay();

    @Option(names = "--adam-betas", split = ",", paramLabel = "B1,B2", description = "(default: 0.9,0.999)")
    double[] betas = {D.beta1(), D.beta2()};

    @Option(names = "--adam-eps", paramLabel = "EPS", description = "(default: ${DEFAULT-VALUE})")
    double eps = D.eps();

    @Option(names = "--max-grad-norm", paramLabel = "X", description = "clip the gradients' global norm; 0 = no clipping (default: ${DEFAULT-VALUE})")
    double maxGradNorm = D.maxGradNorm();

    @Option(names = "--keep-checkpoints", paramLabel = "N", description = "keep only the latest N epoch checkpoints; 0 = all (default: ${DEFAULT-VALUE})")
    int keepCheckpoints = D.keepCheckpoints();

    @Option(names = "--no-shuffle", description = "keep the input order in every epoch")
    boolean noShuffle;

    @Option(names = "--resume", description = "continue from the latest checkpoint in DIR2 (same settings and data)")
    boolean resume;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (betas.length != 2) {
            throw new BadInputException("--adam-betas: expected two numbers B1,B2");
        }
        TrainConfig config;
        try {
            config = new TrainConfig(epochs, lr, batch, gradAccum, warmup, warmupSteps == null ? -1 : warmupSteps, weightDecay,
                    betas[0], betas[1], eps, maxGradNorm, mask.seed(), mask.maxLength(), !noShuffle, keepCheckpoints);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        var options = new TrainStage.Options(io.model(), config, mask.mask(), mask.answerLoss(), mask.answerTemplate(), resume, device.device);
        FineTune.Outcome outcome = TrainStage.run(io.in(), io.out(), options, new StderrReport(spec.commandLine().getErr(), "train"));
        PrintWriter o = spec.commandLine().getOut();
        o.println(outcome.result().summary(io.out()));
        o.flush();
        return 0;
    }
}
