package dev.segattr.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AnswerDependenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theLastSegmentIsARowOfItsOwnAndTheRestGoByRole() throws IOException {
        Path ablation = tmp.resolve("ablation.jsonl");
        Files.write(ablation, List.of(
                "{\"id\":\"a\",\"segment_importance\":[0.5,-0.25,12.0]}",
                "{\"id\":\"b\",\"segment_importance\":[0.1,0.002,0.001,8.0]}",
                "{\"id\":\"unknown\",\"segment_importance\":[1.0,2.0]}"));
        Map<String, JsonNode> roles = Map.of(
                "a", JSON.readTree("[\"essential\",\"redundant\",\"essential\"]"),
                "b", JSON.readTree("[\"essential\",\"truncated\",\"redundant\",\"essential\"]"));

        List<AnswerDependence> rows = AnswerDependence.of(ablation, roles);

        // last: 12 and 8 -> mean 10, median |.| (8 + 12) / 2 = 10, largest 12; "unknown" has no roles and is left out.
        assertEquals(new AnswerDependence("last segment", 2, 10.0, 10.0, 12.0), rows.get(0));
        // essential, not last: 0.5 and 0.1 -> mean 0.3, median 0.3, largest 0.5.
        assertEquals("essential (not last)", rows.get(1).segments());
        assertEquals(0.3, rows.get(1).meanDrop(), 1e-12);
        assertEquals(0.3, rows.get(1).medianAbsDrop(), 1e-12);
        assertEquals(0.5, rows.get(1).largestAbsDrop(), 1e-12);
        // redundant: -0.25 and 0.001 -> mean -0.1245; the median and largest are of magnitudes: (0.001 + 0.25) / 2, 0.25.
        assertEquals(new AnswerDependence("redundant (not last)", 2, -0.1245, 0.1255, 0.25), rows.get(2));
        assertEquals(new AnswerDependence("truncated (not last)", 1, 0.002, 0.002, 0.002), rows.get(3));
        assertEquals(4, rows.size(), "no reflective segment, no row");
    }
}
