package dev.segattr.study;

import dev.segattr.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped study configurations read, and the walkthrough has the power issue 12 asks for. */
class StudyConfigTest {

    /** Surefire runs in toolkit/; the embedded default's configurations are in the repository's data/. */
    static final Path DATA = Path.of("..", "data");

    /** The walkthrough (README command 1) is the study at issue 12's power: every method and control. */
    @Test
    void theWalkthroughComparesEveryMethodWithThreeSeedsOnFiveHundredProblems() {
        StudyConfig c = StudyConfig.read(DATA.resolve("walkthrough.json"));
        assertEquals(List.of("full", "selective", "random", "strength", "oracle"), c.methods());
        assertTrue(c.seeds().size() >= 3, "at least 3 fine-tuning seeds per method: " + c.seeds());
        assertTrue(c.testLimit() >= 500, "at least 500 held-out problems: " + c.testLimit());
        assertEquals(2, c.workers(), "both cores");
    }

    @Test
    void theQuickStudyStaysSmall() {
        StudyConfig c = StudyConfig.read(DATA.resolve("walkthrough-quick.json"));
        assertTrue(c.trainLimit() <= 16 && c.testLimit() <= 16, c.toString());
        assertTrue(c.methods().contains("oracle") && c.methods().contains("strength"), c.methods().toString());
    }

    @Test
    void seedsAndWorkersDefaultAndAreChecked(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("c.json");
        String common = "\"model\": \"m\", \"train\": \"t\", \"test\": \"t\", \"train_limit\": 1, \"test_limit\": 1,"
                + " \"attribution\": {\"steps\": 2, \"points\": \"gauss-legendre\", \"batch\": 2, \"baseline\": \"pad\"},"
                + " \"selection\": {\"policy\": \"reference\", \"tau\": 0.7, \"beta\": 0.8}, \"methods\": [\"full\"],"
                + " \"training\": {\"epochs\": 1, \"lr\": 0.001, \"batch\": 1, \"grad_accum\": 1, \"warmup\": 0, \"weight_decay\": 0, \"max_length\": 64},"
                + " \"evaluation\": {\"max_new_tokens\": 4, \"batch\": 1}, \"seed\": 7";
        Files.writeString(config, "{" + common + "}");
        StudyConfig c = StudyConfig.read(config);
        // no seeds: one fine-tune with the study's seed; no workers: one; no ablation: off
        assertEquals(List.of(7L), c.seeds());
        assertEquals(1, c.workers());
        assertEquals(false, c.ablation());
        Files.writeString(config, "{" + common + ", \"seeds\": [1, 1]}");
        BadInputException twice = assertThrows(BadInputException.class, () -> StudyConfig.read(config));
        assertEquals(config + ": study configuration: field 'seeds': each seed once, got [1, 1]", twice.getMessage());
        Files.writeString(config, "{" + common + ", \"workers\": 0}");
        BadInputException none = assertThrows(BadInputException.class, () -> StudyConfig.read(config));
        assertEquals(config + ": study configuration: field 'workers': at least 1, got 0", none.getMessage());
    }
}
