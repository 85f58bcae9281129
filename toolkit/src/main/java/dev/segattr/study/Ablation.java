package dev.segattr.study;

import dev.segattr.tokenizer.TraceLayout;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.attribution.AnswerTarget;
import dev.segattr.attribution.SegmentAblation;
import dev.segattr.stage.LoadedModel;
import dev.segattr.stage.ModelSource;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The second segment scorer of the study's scorer table: leave-one-segment-out ablation ({@link SegmentAblation}),
 * the drop in the answer's log-probability when a segment is removed, on the same training traces the attribution
 * scored. Forward passes only, so it runs beside the gradient work. Writes {@code id}, {@code segment_importance} and
 * {@code seconds} per trace.
 */
final class Ablation {

    private Ablation() {
    }

    static Path write(Path model, Path segmented, Path out) {
        if (Files.exists(out)) {
            return out;
        }
        List<ObjectNode> rows = new ArrayList<>();
        try (LoadedModel m = LoadedModel.load(ModelSource.of(model));
             Stream<JsonLines.Line> lines = JsonLines.read(segmented)) {
            SegmentAblation ablation = new SegmentAblation(m.lm());
            UnaryOperator<String> prompt = TraceLayout.promptOf(m.tokenizer());
            lines.forEach(l -> {
                Trace trace = Trace.fromJson(l);
                AnswerTarget target = AnswerTarget.of(m.tokenizer(), prompt, trace, trace.segments());
                SegmentAblation.Result r = ablation.score(target);
                ObjectNode row = JsonLines.MAPPER.createObjectNode().put("id", trace.id());
                ArrayNode importance = row.putArray("segment_importance");
                for (double v : r.importance()) {
                    importance.add(v);
                }
                row.put("seconds", r.seconds());
                rows.add(row);
            });
        }
        JsonLines.write(out, rows.stream());
        return out;
    }
}
