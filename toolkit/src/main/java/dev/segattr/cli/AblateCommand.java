package dev.segattr.cli;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.SegmentAblation;
import dev.segattr.attribution.TokenScores;
import dev.segattr.experiment.AtomicFile;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.ModelSource;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;
import dev.segattr.trace.TraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "ablate", mixinStandardHelpOptions = true,
        description = {"Leave-one-segment-out importance of each segment (as PIR / SPIRIT define it): the drop in the "
                + "answer's log-probability when the segment is removed from the trace. N + 1 forward passes per trace, "
                + "batched, no backward.",
                "The answer is scored as attribute scores it (the chat prompt, the reasoning, \"</think> So, the final "
                        + "answer is \\boxed{ANSWER}\"). Adds segment_ablation (one number per segment), "
                        + "ablation_logprob (F of the whole trace), ablation_seconds, token_logprobs and token_entropies "
                        + "(per segment), and segments when the record has none; select --policy ablation reads them.",
                "The output appears atomically when every trace is done."})
final class AblateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint folder")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "tokenizer folder, if not the model's")
    Path tokenizer;

    @Option(names = "--in", required = true, paramLabel = "F", description = "traces, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "G", description = "where to write the scored traces")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(in)) {
            throw new BadInputException(in + ": no such file");
        }
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new BadInputException("--out must not be the input file");
        }
        List<Trace> traces = TraceReader.readAll(in);
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(model, tokenizer, ComputeDevice.CPU, Dtype.FLOAT32))) {
            SegmentAblation ablation = new SegmentAblation(loaded.lm());
            var prompt = TraceLayout.promptOf(loaded.tokenizer());
            StringBuilder lines = new StringBuilder();
            int done = 0;
            for (Trace trace : traces) {
                List<Segment> segments = AttributeStage.segmentsOf(trace);
                AnswerTarget target = AnswerTarget.of(loaded.tokenizer(), prompt, trace, segments);
                SegmentAblation.Result r = ablation.score(target);
                TokenScores scores = TokenScores.compute(loaded.embeddings(), target.ids());
                ObjectNode record = trace.copyOfRecord();
                if (!record.has("id")) {
                    record.put("id", trace.id());
                }
                if (!record.has("segments")) {
                    ArrayNode texts = record.putArray("segments");
                    segments.forEach(s -> texts.add(s.text()));
                }
                ArrayNode values = record.putArray("segment_ablation");
                for (double v : r.importance()) {
                    values.add(v);
                }
                record.put("ablation_logprob", r.full());
                record.put("ablation_seconds", Math.round(r.seconds() * 1000) / 1000.0);
                record.set("token_logprobs", AttributeStage.perSegment(target, scores.logprobs()));
                record.set("token_entropies", AttributeStage.perSegment(target, scores.entropies()));
                lines.append(JsonLines.MAPPER.writeValueAsString(record)).append('\n');
                spec.commandLine().getErr().printf(Locale.ROOT, "segattr ablate: %d/%d (%s: %d segments, %.2fs)%n",
                        ++done, traces.size(), trace.id(), segments.size(), r.seconds());
            }
            AtomicFile.write(out, stream -> {
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                w.write(lines.toString());
                w.flush();
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }
}
