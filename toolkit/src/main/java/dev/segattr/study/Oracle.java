package dev.segattr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.synth.Role;
import dev.segattr.trace.JsonLines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The oracle mask: the segments whose ground-truth role ({@code segment_roles}, which the synthetic benchmark
 * records and the method never sees) is essential or reflective, as a selection that {@code segattr train --mask
 * selective} reads. Nothing else is always kept: it is the ceiling a perfect selection would reach, and the
 * distance from it tells how much attribution leaves on the table.
 */
final class Oracle {

    private Oracle() {
    }

    /** Copies the selected records with {@code selected_segments} replaced by the important ones (written once). */
    static Path write(Path selected, Path out) {
        if (Files.exists(out)) {
            return out;
        }
        try (Stream<JsonLines.Line> lines = JsonLines.read(selected)) {
            JsonLines.write(out, lines.map(Oracle::select));
        }
        return out;
    }

    static ObjectNode select(JsonLines.Line line) {
        ObjectNode json = ((ObjectNode) line.json()).deepCopy();
        JsonNode roles = json.path("segment_roles");
        JsonNode segments = json.path("segments");
        if (!roles.isArray() || !segments.isArray() || roles.size() != segments.size()) {
            throw line.error("field 'segment_roles': the oracle method needs one ground-truth role per segment ("
                    + segments.size() + " segments, " + (roles.isArray() ? roles.size() + " roles" : "no roles") + ")");
        }
        ArrayNode chosen = JsonLines.MAPPER.createArrayNode();
        for (int i = 0; i < roles.size(); i++) {
            Role role;
            try {
                role = Role.parse(roles.get(i).asText());
            } catch (IllegalArgumentException e) {
                throw line.error("field 'segment_roles[" + i + "]': " + e.getMessage());
            }
            if (role.important()) {
                chosen.add(i);
            }
        }
        json.set("selected_segments", chosen);
        json.put("selection_policy", "oracle(essential + reflective)");
        json.remove("selected_tokens");
        return json;
    }
}
