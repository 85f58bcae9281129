package dev.segattr.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.sft.TrainConfig;
import dev.segattr.stage.ExportStage;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.RecordStage;
import dev.segattr.sft.MaskedExample;
import dev.segattr.sft.TrainingData;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code export}: the masked training data for other trainers, through {@link ExportStage}. It needs the tokenizer
 * only, loaded once per executor; a trace with no supervised token gives no line, as in the file run.
 */
final class ExportJob extends RecordJob {

    private final ModelSpec tokenizer;
    private final TrainingData.MaskMode mask;
    private final long seed;
    private final int maxLength;
    private final boolean superviseAnswer;
    private final String answerTemplate;

    ExportJob(ModelSpec tokenizer, TrainingData.MaskMode mask, long seed, int maxLength, boolean superviseAnswer, String answerTemplate) {
        this.tokenizer = tokenizer;
        this.mask = mask;
        this.seed = seed;
        this.maxLength = maxLength;
        this.superviseAnswer = superviseAnswer;
        this.answerTemplate = answerTemplate;
    }

    private ExportStage.Options options() {
        return new ExportStage.Options(Path.of(tokenizer.dir()), mask, seed, maxLength, superviseAnswer, answerTemplate);
    }

    @Override
    String modelFolder() {
        return tokenizer.dir();
    }

    @Override
    String command() {
        return ExportStage.NAME;
    }

    @Override
    void validate() {
        try {
            TrainConfig.defaults().withSeed(seed).withMaxLength(maxLength);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** The file run refuses two traces with one id. */
    @Override
    boolean uniqueIds() {
        return true;
    }

    @Override
    long length(JsonLines.Line line) {
        Trace trace = Trace.fromJson(line);
        return ModelCache.tokenizer(tokenizer).encode(trace.question() + trace.reasoning()).ids().length;
    }

    @Override
    Work open(LoadedModel none) {
        RecordStage<TraceRecord, Optional<MaskedExample>> stage = ExportStage.open(options(), ModelCache.tokenizer(tokenizer));
        return records -> {
            List<ObjectNode> out = new ArrayList<>();
            for (TraceRecord r : records) {
                stage.apply(r).ifPresentOrElse(e -> out.add(TrainingData.toJson(e)),
                        () -> System.err.println("segattr export: skipped " + r.id() + ": no supervised token"));
            }
            return out;
        };
    }
}
