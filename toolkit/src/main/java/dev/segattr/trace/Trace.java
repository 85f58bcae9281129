package dev.segattr.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;

import java.util.List;
import java.util.Objects;

/**
 * One question with the long chain of thought a model wrote for it and the gold answer.
 *
 * @param id        unique within a file: the record's {@code id}, or its line number when it has none
 * @param question  the problem as the user asked it
 * @param reasoning the chain of thought (what a reasoning model writes between {@code <think>} and
 *                  {@code </think>}); never empty
 * @param answer    the gold answer, as it would stand inside {@code \boxed{}}
 * @param record    the whole record as it came, every field kept; commands add their fields to a copy
 */
public record Trace(String id, String question, String reasoning, String answer, ObjectNode record) {

    /** The segments' texts, as {@code segattr segment} (or attribute, when there were none) writes them. */
    public static final String SEGMENTS = "segments";
    /** The known roles of the segments (synthetic data). */
    public static final String SEGMENT_ROLES = "segment_roles";

    /** The layouts of the common reasoning data sets. */
    public enum Layout {
        /** {@code question}, {@code reasoning}, {@code answer}: segattr's own. */
        PLAIN,
        /** {@code question}, {@code solution}, {@code answer}: LIMO and its kin. */
        LIMO,
        /** {@code messages}: a user turn and an assistant turn holding {@code <think>...</think>} then the answer. */
        CHAT
    }

    public Trace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(record, "record");
    }

    /** A trace made in code, with a plain-layout record. */
    public static Trace of(String id, String question, String reasoning, String answer) {
        ObjectNode record = JsonLines.MAPPER.createObjectNode()
                .put("id", id).put("question", question).put("reasoning", reasoning).put("answer", answer);
        return new Trace(id, question, reasoning, answer, record);
    }

    /** Reads a trace from a record of any known layout; complaints name the line and the field. */
    public static Trace fromJson(JsonLines.Line line) {
        ObjectNode json = line.json();
        String id = idOf(line);
        return switch (layoutOf(line)) {
            case PLAIN -> new Trace(id, text(line, "question"), reasoning(line, "reasoning"), answer(line), json);
            case LIMO -> new Trace(id, text(line, "question"), reasoning(line, "solution"), answer(line), json);
            case CHAT -> fromChat(line, id);
        };
    }

    public static Layout layoutOf(JsonLines.Line line) {
        ObjectNode json = line.json();
        if (json.has("reasoning")) {
            return Layout.PLAIN;
        }
        if (json.has("solution")) {
            return Layout.LIMO;
        }
        if (json.has("messages")) {
            return Layout.CHAT;
        }
        throw line.error("no reasoning: expected a 'reasoning', 'solution' or 'messages' field");
    }

    /** A copy of the record to which a command adds its fields. */
    public ObjectNode copyOfRecord() {
        return record.deepCopy();
    }

    /** The record's extra field, or null: fields that earlier commands added ({@code segments}, ...). */
    public JsonNode field(String name) {
        return record.get(name);
    }

    private static String idOf(JsonLines.Line line) {
        JsonNode id = line.json().get("id");
        if (id == null || id.isNull()) {
            return Long.toString(line.number());
        }
        if (id.isTextual() || id.isIntegralNumber()) {
            return id.asText();
        }
        throw line.error("field 'id': expected a string or an integer, got " + kind(id));
    }

    static String text(JsonLines.Line line, String field) {
        JsonNode node = line.json().get(field);
        if (node == null || node.isNull()) {
            throw line.error("field '" + field + "' is missing");
        }
        if (!node.isTextual()) {
            throw line.error("field '" + field + "': expected a string, got " + kind(node));
        }
        return node.asText();
    }

    private static String reasoning(JsonLines.Line line, String field) {
        String reasoning = text(line, field);
        if (reasoning.isBlank()) {
            throw line.error("field '" + field + "' is empty");
        }
        return reasoning;
    }

    private static String answer(JsonLines.Line line) {
        JsonNode node = line.json().get("answer");
        if (node == null || node.isNull()) {
            throw line.error("field 'answer' is missing");
        }
        if (node.isNumber()) {
            return node.asText();
        }
        if (!node.isTextual()) {
            throw line.error("field 'answer': expected a string or a number, got " + kind(node));
        }
        if (node.asText().isBlank()) {
            throw line.error("field 'answer' is empty");
        }
        return node.asText();
    }

    private static Trace fromChat(JsonLines.Line line, String id) {
        JsonNode messages = line.json().get("messages");
        if (!(messages instanceof ArrayNode turns)) {
            throw line.error("field 'messages': expected an array, got " + kind(messages));
        }
        String question = null;
        JsonNode assistant = null;
        for (int i = 0; i < turns.size(); i++) {
            JsonNode turn = turns.get(i);
            String where = "messages[" + i + "]";
            if (!turn.isObject() || !turn.path("role").isTextual() || !turn.path("content").isTextual()) {
                throw line.error("field '" + where + "': expected {\"role\": string, \"content\": string}");
            }
            String role = turn.get("role").asText();
            if (role.equals("user") && question == null) {
                question = turn.get("content").asText();
            } else if (role.equals("assistant")) {
                assistant = turn;
            }
        }
        if (question == null) {
            throw line.error("field 'messages': no user turn");
        }
        if (assistant == null) {
            throw line.error("field 'messages': no assistant turn");
        }
        String content = assistant.get("content").asText();
        String reasoning;
        String after;
        JsonNode separate = assistant.get("reasoning_content");
        if (separate != null && separate.isTextual()) {
            reasoning = separate.asText();
            after = content;
        } else {
            int close = content.indexOf("</think>");
            if (close < 0) {
                throw line.error("field 'messages': the assistant turn has no </think>");
            }
            int open = content.lastIndexOf("<think>", close);
            reasoning = content.substring(open < 0 ? 0 : open + "<think>".length(), close);
            after = content.substring(close + "</think>".length());
        }
        reasoning = stripOneNewline(reasoning);
        if (reasoning.isBlank()) {
            throw line.error("field 'messages': the assistant turn's reasoning is empty");
        }
        String answer;
        if (line.json().has("answer")) {
            answer = answer(line);
        } else {
            answer = Answers.lastBoxed(after).or(() -> Answers.lastBoxed(content)).orElseThrow(() -> line.error(
                    "no answer: no 'answer' field and no \\boxed{} in the assistant turn"));
        }
        return new Trace(id, question, reasoning, answer, line.json());
    }

    /** {@code <think>\n...\n</think>}: the newlines belong to the markup, not to the reasoning. */
    private static String stripOneNewline(String s) {
        int from = s.startsWith("\n") ? 1 : 0;
        int to = s.endsWith("\n") && s.length() > from ? s.length() - 1 : s.length();
        return s.substring(from, to);
    }

    static String kind(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().toString().toLowerCase();
    }

    /** The record's {@code segments}, if a {@code segment} run added them. */
    public List<String> segmentsField() {
        JsonNode node = record.get(SEGMENTS);
        if (node == null || !node.isArray()) {
            return null;
        }
        return java.util.stream.StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).toList();
    }

    /**
     * The segments attribution and training use: the record's {@code segments} when a {@code segment} run added
     * them (whatever segmenter it used), else the reference split.
     *
     * @throws IllegalArgumentException if the recorded segments do not tile the reasoning
     */
    public List<Segment> segments() {
        List<String> texts = segmentsField();
        return texts == null ? Segmenter.reference().split(reasoning()) : Segmenter.fromTexts(reasoning(), texts);
    }
}
