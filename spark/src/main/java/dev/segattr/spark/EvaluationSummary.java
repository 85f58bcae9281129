package dev.segattr.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.trace.JsonLines;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures {@code segattr evaluate} prints, from the prediction lines of the job's output folder: questions,
 * accuracy (mean share of correct outputs), pass@k (means of the per-question estimates), mean output tokens, outputs
 * that hit the length limit.
 */
final class EvaluationSummary {

    private EvaluationSummary() {
    }

    static ObjectNode of(List<String> predictionLines) {
        int questions = 0;
        int outputs = 0;
        int hit = 0;
        long tokens = 0;
        double share = 0;
        Map<Integer, Double> pass = new TreeMap<>();
        int samples = 0;
        for (String line : predictionLines) {
            JsonNode p = JsonLines.parse(java.nio.file.Path.of("predictions"), questions + 1, line);
            questions++;
            samples = p.path("samples").asInt();
            share += p.path("correct").asDouble() / Math.max(1, samples);
            for (JsonNode o : p.path("outputs")) {
                outputs++;
                tokens += o.path("tokens").asLong();
                hit += o.path("hit_limit").asBoolean() ? 1 : 0;
            }
            p.path("pass_at_k").fields().forEachRemaining(e -> pass.merge(Integer.parseInt(e.getKey()), e.getValue().asDouble(), Double::sum));
        }
        ObjectNode m = JsonLines.MAPPER.createObjectNode();
        m.put("questions", questions);
        m.put("samples_per_question", samples);
        m.put("accuracy", questions == 0 ? Double.NaN : share / questions);
        ObjectNode passAtK = m.putObject("pass_at_k");
        int q = questions;
        pass.forEach((k, v) -> passAtK.put("pass@" + k, v / q));
        m.put("mean_output_tokens", outputs == 0 ? Double.NaN : (double) tokens / outputs);
        m.put("hit_length_limit", hit);
        m.put("outputs", outputs);
        return m;
    }
}
