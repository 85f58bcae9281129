package dev.segattr.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;

import java.util.List;

/**
 * One record of the benchmark: a problem, its trace as segments, and each segment's ground-truth role.
 *
 * @param id       {@code synth-00042}: unique within a generated set
 * @param split    {@code train} or {@code test}
 * @param problem  the problem and its worked solution
 * @param segments the trace's segments, as the reference segmenter splits {@link #reasoning()}
 * @param moves    what each segment does; its {@link Move#role()} is the ground truth
 */
public record SynthTrace(String id, String split, Problem problem, List<String> segments, List<Move> moves) {

    public static final String TRAIN = "train";
    public static final String TEST = "test";

    public SynthTrace {
        segments = List.copyOf(segments);
        moves = List.copyOf(moves);
        if (segments.size() != moves.size()) {
            throw new IllegalArgumentException(id + ": " + segments.size() + " segments but " + moves.size() + " moves");
        }
    }

    /** The chain of thought: the segments joined. */
    public String reasoning() {
        return String.join("", segments);
    }

    public String question() {
        return problem.question();
    }

    public String answer() {
        return Integer.toString(problem.answer());
    }

    public List<Role> roles() {
        return moves.stream().map(Move::role).toList();
    }

    /**
     * The record in segattr's plain layout: {@code id, split, kind, template, question, reasoning, answer,
     * segments, segment_roles, segment_moves}.
     */
    public ObjectNode toJson() {
        ObjectNode r = JsonLines.MAPPER.createObjectNode();
        r.put("id", id);
        r.put("split", split);
        r.put("kind", problem.kind().jsonName());
        r.put("template", problem.template());
        r.put("question", question());
        r.put("reasoning", reasoning());
        r.put("answer", answer());
        ArrayNode texts = r.putArray("segments");
        segments.forEach(texts::add);
        ArrayNode roles = r.putArray(Roles.FIELD);
        moves.forEach(m -> roles.add(m.role().jsonName()));
        ArrayNode kinds = r.putArray("segment_moves");
        moves.forEach(m -> kinds.add(m.jsonName()));
        return r;
    }

    /** As a {@link Trace}, the form every other part of segattr reads. */
    public Trace toTrace() {
        ObjectNode json = toJson();
        return new Trace(id, question(), reasoning(), answer(), json);
    }
}
