package dev.segattr.synth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;
import dev.segattr.trace.Trace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RolesTest {

    @Test
    void aSyntheticRecordReadsBackAsATraceWithItsRoles() {
        SynthTrace generated = Synth.generate(SynthConfig.defaults().withN(3).withSeed(9)).get(0);
        ObjectNode json = generated.toJson();
        Trace trace = Trace.fromJson(new JsonLines.Line(Path.of("synth.jsonl"), 1, json));
        assertEquals(generated.id(), trace.id());
        assertEquals(generated.reasoning(), trace.reasoning());
        assertEquals(generated.answer(), trace.answer());
        assertEquals(generated.segments(), trace.segmentsField());
        assertTrue(Roles.present(trace));
        assertEquals(generated.roles(), Roles.of(trace));
        assertEquals(json.get("segment_moves").size(), generated.segments().size());
        assertEquals(generated.problem().kind().jsonName(), json.get("kind").asText());
        assertEquals("train", json.get("split").asText());
    }

    @Test
    void importantMeansEssentialOrReflective() {
        assertArrayEquals(new boolean[] {true, true, false, false},
                Roles.important(List.of(Role.ESSENTIAL, Role.REFLECTIVE, Role.REDUNDANT, Role.TRUNCATED)));
        assertEquals(Role.TRUNCATED, Role.parse("Truncated"));
    }

    @Test
    void badRolesAreNamedWithTheirRecordAndPlace() {
        Trace plain = Trace.of("q7", "What is 1 plus 1?", "1 plus 1 is 2.", "2");
        assertFalse(Roles.present(plain));
        assertTrue(assertThrows(BadInputException.class, () -> Roles.of(plain)).getMessage().contains("record q7: field 'segment_roles' is missing"));

        ObjectNode json = plain.copyOfRecord();
        json.putArray("segments").add("1 plus 1 is 2.");
        json.putArray("segment_roles").add("essential").add("shallow");
        Trace bad = new Trace("q7", plain.question(), plain.reasoning(), plain.answer(), json);
        String message = assertThrows(BadInputException.class, () -> Roles.of(bad)).getMessage();
        assertTrue(message.contains("segment_roles'[1]: unknown role 'shallow'"), message);

        json.putArray("segment_roles").add("essential").add("redundant");
        Trace mismatched = new Trace("q7", plain.question(), plain.reasoning(), plain.answer(), json);
        assertTrue(assertThrows(BadInputException.class, () -> Roles.of(mismatched)).getMessage().contains("2 roles for 1 segments"));
    }
}
