package dev.segattr.study;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a study run needs, as one JSON file: which model and data, and the settings of each stage.
 * Paths are relative to the configuration file's folder. A run's record carries this configuration, so a
 * run can be repeated from its record ({@code segattr run --config RUN/record.json}).
 *
 * <p>{@code methods}: full, selective (the configured selection), random (random segments at the selection's token
 * budget), strength (strength only: the smallest top-k reaching tau, no consistency filter), oracle (the records'
 * ground-truth essential and reflective segments, {@code segment_roles}), top-tokens. Each is fine-tuned once per
 * entry of {@code seeds} (default: {@code [seed]}); {@code workers} fine-tunes and evaluations run side by side,
 * one PyTorch thread each (default 1). {@code ablation} true also scores the training segments by leaving each out
 * (the scorer table's second row; default false).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record StudyConfig(
        String name,
        String model,
        String train,
        String test,
        @JsonProperty("train_limit") int trainLimit,
        @JsonProperty("test_limit") int testLimit,
        Attribution attribution,
        Selection selection,
        List<String> methods,
        Training training,
        Evaluation evaluation,
        long seed,
        List<Long> seeds,
        Integer workers,
        Boolean ablation) {

    /** A study that fine-tunes each method once (with {@code seed}), on one worker, without the ablation scorer. */
    public StudyConfig(String name, String model, String train, String test, int trainLimit, int testLimit,
                       Attribution attribution, Selection selection, List<String> methods, Training training,
                       Evaluation evaluation, long seed) {
        this(name, model, train, test, trainLimit, testLimit, attribution, selection, methods, training, evaluation, seed,
                null, null, null);
    }

    /** The methods a study can compare, besides the starting model. */
    public static final List<String> METHODS = List.of("full", "selective", "random", "strength", "oracle", "top-tokens");

    /** {@code segattr attribute}'s settings; batch 0 = auto (points per pass chosen per trace). */
    public record Attribution(int steps, String points, int batch, String baseline) {
    }

    /** {@code segattr select}'s settings. */
    public record Selection(String policy, double tau, double beta) {
    }

    /** {@code segattr train}'s settings, shared by every method compared. */
    public record Training(int epochs, double lr, int batch, @JsonProperty("grad_accum") int gradAccum, double warmup,
                           @JsonProperty("weight_decay") double weightDecay, @JsonProperty("max_length") int maxLength) {
    }

    /** {@code segattr evaluate}'s settings. */
    public record Evaluation(@JsonProperty("max_new_tokens") int maxNewTokens, int batch) {
    }

    public StudyConfig {
        if (model == null || train == null || test == null) {
            throw new BadInputException("study configuration: 'model', 'train' and 'test' are required");
        }
        if (attribution == null || selection == null || training == null || evaluation == null || methods == null || methods.isEmpty()) {
            throw new BadInputException("study configuration: 'attribution', 'selection', 'methods', 'training' and 'evaluation' are required");
        }
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw new BadInputException("study configuration: field 'methods': unknown method '" + m
                        + "' (" + String.join(", ", METHODS) + ")");
            }
        }
        if (seeds == null || seeds.isEmpty()) {
            seeds = List.of(seed); // one fine-tune per method, with the study's seed
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new BadInputException("study configuration: field 'seeds': each seed once, got " + seeds);
        }
        if (workers == null) {
            workers = 1;
        }
        if (ablation == null) {
            ablation = false;
        }
        if (workers < 1) {
            throw new BadInputException("study configuration: field 'workers': at least 1, got " + workers);
        }
        if (trainLimit < 0 || testLimit < 0) {
            throw new BadInputException("study configuration: train_limit and test_limit must be >= 0 (0 = all)");
        }
    }

    /** Reads a configuration, or the {@code config} of a run's record. */
    public static StudyConfig read(Path file) {
        try {
            var tree = JsonLines.MAPPER.readTree(file.toFile());
            if (tree != null && tree.has("kind") && tree.has("config")) {
                tree = tree.get("config"); // a run record: repeat that run
            }
            return JsonLines.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .treeToValue(tree, StudyConfig.class);
        } catch (BadInputException e) {
            throw new BadInputException(file + ": " + e.getMessage());
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            if (e.getCause() instanceof BadInputException bad) {
                throw new BadInputException(file + ": " + bad.getMessage()); // the constructor's own check, unwrapped
            }
            throw new BadInputException(file + ": not a study configuration (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            String first = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new BadInputException(file + ": not a study configuration (" + first + ")");
        }
    }
}
