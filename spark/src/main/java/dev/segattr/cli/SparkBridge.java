package dev.segattr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.attribution.EmbeddingModel;
import dev.segattr.attribution.IntegratedGradients;
import dev.segattr.model.Tokenizer;
import dev.segattr.select.SelectionPolicy;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Segment;
import dev.segattr.trace.Trace;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * TEMPORARY: the CLI's per-record work, reached from the Spark module until the stage API (branch stages) is
 * merged; then the Spark jobs call AttributeStage, LogprobsStage, SelectStage... and this class goes.
 */
public final class SparkBridge {

    private SparkBridge() {
    }

    public static ObjectNode attribute(Trace trace, Tokenizer tok, EmbeddingModel em, IntegratedGradients ig,
                                       UnaryOperator<String> prompt, String settings) {
        return AttributeCommand.attribute(trace, tok, em, ig, prompt, settings);
    }

    public static List<Segment> segmentsOf(Trace trace) {
        return AttributeCommand.segmentsOf(trace);
    }

    public static ObjectNode logprobs(JsonLines.Line line, Tokenizer tok, EmbeddingModel em, UnaryOperator<String> prompt) {
        return LogprobsCommand.score(line, tok, em, prompt);
    }

    public static ObjectNode select(JsonLines.Line line, SelectionPolicy policy) {
        return SelectCommand.select(line, policy, null);
    }
}
