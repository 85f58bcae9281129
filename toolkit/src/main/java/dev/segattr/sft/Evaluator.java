package dev.segattr.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import dev.segattr.model.CausalLM;
import dev.segattr.model.Generation;
import dev.segattr.model.GenerationConfig;
import dev.segattr.model.Generator;
import dev.segattr.model.Tokenizer;
import dev.segattr.trace.Answers;
import dev.segattr.trace.JsonLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Accuracy and output length of a model on questions with known answers (METHOD.md section 6): greedy decoding,
 * or n samples per question with pass@k (unbiased estimator). The answer is the last {@code \boxed{}} of the
 * output, compared with {@link Answers#equivalent}.
 *
 * <pre>{@code
 * Evaluator.Result r = new Evaluator(model, tokenizer, ChatFormat.reference(tokenizer))
 *         .evaluate(Evaluator.readItems(path), Evaluator.Settings.greedy(4096));
 * r.accuracy(); r.meanOutputTokens(); r.hitLimit();
 * }</pre>
 */
public final class Evaluator {

    /** A question with its gold answer. */
    public record Item(String id, String question, String answer) {
    }

    /**
     * @param maxNewTokens the length limit of an output
     * @param samples      outputs per question (1 for greedy)
     * @param temperature  0 for greedy decoding
     * @param topP         nucleus sampling
     * @param seed         of the sampler
     * @param batchSize    prompts decoded together
     */
    public record Settings(int maxNewTokens, int samples, double temperature, double topP, long seed, int batchSize) {

        public Settings {
            if (maxNewTokens < 1 || samples < 1 || batchSize < 1) {
                throw new IllegalArgumentException("max new tokens, samples and batch size must be at least 1");
            }
            if (temperature == 0 && samples > 1) {
                throw new IllegalArgumentException("greedy decoding gives one output per question; sampling needs a temperature > 0");
            }
        }

        public static Settings greedy(int maxNewTokens) {
            return new Settings(maxNewTokens, 1, 0, 1, 0, 8);
        }

        public static Settings sampling(int maxNewTokens, int samples, double temperature, double topP, long seed) {
            return new Settings(maxNewTokens, samples, temperature, topP, seed, 8);
        }

        public Settings withBatchSize(int b) {
            return new Settings(maxNewTokens, samples, temperature, topP, seed, b);
        }

        public boolean greedy() {
            return temperature == 0;
        }
    }

    /** One output. */
    public record Output(String text, String extracted, boolean correct, int tokens, boolean hitLimit) {
    }

    /** One question's outputs and scores. */
    public record Prediction(Item item, List<Output> outputs, Map<Integer, Double> passAtK) {

        public int correct() {
            return (int) outputs.stream().filter(Output::correct).count();
        }

        public ObjectNode toJson() {
            ObjectNode json = JsonLines.MAPPER.createObjectNode();
            json.put("id", item.id()).put("question", item.question()).put("answer", item.answer());
            ArrayNode outs = json.putArray("outputs");
            for (Output o : outputs) {
                outs.addObject().put("text", o.text()).put("extracted", o.extracted()).put("correct", o.correct())
                        .put("tokens", o.tokens()).put("hit_limit", o.hitLimit());
            }
            json.put("correct", correct()).put("samples", outputs.size());
            ObjectNode pass = json.putObject("pass_at_k");
            passAtK.forEach((k, v) -> pass.put(Integer.toString(k), v));
            return json;
        }
    }

    /**
     * @param accuracy         mean over questions of the share of correct outputs (greedy: the share of questions
     *                         answered correctly; sampled: mean@n, the estimate of pass@1)
     * @param passAtK          mean over questions of the unbiased pass@k, for k = 1, 2, 4, ... up to n
     * @param meanOutputTokens mean generated tokens per output (a final end token not counted)
     * @param hitLimit         outputs that reached the length limit without ending
     */
    public record Result(int questions, int samples, double accuracy, Map<Integer, Double> passAtK, double meanOutputTokens,
                         int hitLimit, int outputs, double seconds, List<Prediction> predictions) {

        /** The figures without the per-question predictions (for records). */
        public EvaluationMetrics figures() {
            Map<String, Double> pass = new LinkedHashMap<>();
            passAtK.forEach((k, v) -> pass.put("pass@" + k, v));
            return new EvaluationMetrics(questions, samples, accuracy, pass, meanOutputTokens, hitLimit, outputs, seconds);
        }

        /** {@link #figures()} as a map, field by field. */
        public Map<String, Object> metrics() {
            return JsonLines.MAPPER.convertValue(figures(), new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        }
    }

    private final CausalLM model;
    private final Tokenizer tokenizer;
    private final ChatFormat format;
    private Consumer<Prediction> onPrediction = p -> { };

    public Evaluator(CausalLM model, Tokenizer tokenizer, ChatFormat format) {
        this.model = Objects.requireNonNull(model);
        this.tokenizer = Objects.requireNonNull(tokenizer);
        this.format = Objects.requireNonNull(format);
        tokenizer.checkFits(model.config().vocabSize());
    }

    /** Called after each question (progress). */
    public Evaluator onPrediction(Consumer<Prediction> listener) {
        this.onPrediction = Objects.requireNonNull(listener);
        return this;
    }

    public Result evaluate(List<Item> items, Settings settings) {
        long started = System.nanoTime();
        List<long[]> prompts = new ArrayList<>(items.size());
        for (Item item : items) {
            prompts.add(tokenizer.encode(format.prompt(item.question())).ids());
        }
        List<Long> stops = Arrays.stream(tokenizer.eosIds()).boxed().toList();
        Generator generator = new Generator(model);
        // (question, sample) pairs in order, decoded batchSize at a time; each batch's sampler seeded from the
        // seed and the batch's place, so results do not depend on anything else.
        int n = settings.samples();
        List<List<Output>> outputs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            outputs.add(new ArrayList<>());
        }
        List<Prediction> predictions = new ArrayList<>();
        int total = items.size() * n;
        int nextToReport = 0;
        for (int from = 0, batch = 0; from < total; from += settings.batchSize(), batch++) {
            int to = Math.min(total, from + settings.batchSize());
            List<long[]> batchPrompts = new ArrayList<>();
            for (int j = from; j < to; j++) {
                batchPrompts.add(prompts.get(j / n));
            }
            GenerationConfig config = (settings.greedy() ? GenerationConfig.greedy(settings.maxNewTokens())
                    : GenerationConfig.sampling(settings.maxNewTokens(), settings.temperature(), settings.topP(),
                    Trainer.mix(settings.seed() * 0x9E3779B97F4A7C15L + batch))).withStopIds(stops);
            Generation g = generator.generate(batchPrompts, config);
            for (int j = from; j < to; j++) {
                int q = j / n;
                outputs.get(q).add(output(items.get(q), g.tokens().get(j - from), g.stopped().get(j - from), stops));
            }
            while (nextToReport < items.size() && outputs.get(nextToReport).size() == n) {
                Prediction p = prediction(items.get(nextToReport), outputs.get(nextToReport));
                predictions.add(p);
                onPrediction.accept(p);
                nextToReport++;
            }
        }
        return summarise(predictions, n, (System.nanoTime() - started) / 1e9);
    }

    private Output output(Item item, long[] tokens, boolean stopped, List<Long> stops) {
        int length = tokens.length;
        if (stopped && length > 0 && stops.contains(tokens[length - 1])) {
            length--; // the end token is not output
        }
        String text = tokenizer.decode(Arrays.copyOf(tokens, length), true);
        Optional<String> extracted = Answers.lastBoxed(text);
        boolean correct = extracted.isPresent() && Answers.equivalent(extracted.get(), item.answer());
        return new Output(text, extracted.orElse(null), correct, length, !stopped);
    }

    private static Prediction prediction(Item item, List<Output> outputs) {
        Map<Integer, Double> pass = new LinkedHashMap<>();
        int n = outputs.size();
        int c = (int) outputs.stream().filter(Output::correct).count();
        for (int k : ks(n)) {
            pass.put(k, PassAtK.estimate(n, c, k));
        }
        return new Prediction(item, List.copyOf(outputs), pass);
    }

    /** k = 1, 2, 4, ... up to n, and n itself. */
    static List<Integer> ks(int n) {
        List<Integer> ks = new ArrayList<>();
        for (int k = 1; k < n; k *= 2) {
            ks.add(k);
        }
        ks.add(n);
        return ks;
    }

    private static Result summarise(List<Prediction> predictions, int n, double seconds) {
        int questions = predictions.size();
        double accuracy = predictions.stream().mapToDouble(p -> (double) p.correct() / n).average().orElse(Double.NaN);
        Map<Integer, Double> pass = new LinkedHashMap<>();
        for (int k : ks(n)) {
            pass.put(k, predictions.stream().mapToDouble(p -> p.passAtK().get(k)).average().orElse(Double.NaN));
        }
        List<Output> all = predictions.stream().flatMap(p -> p.outputs().stream()).toList();
        double meanTokens = all.stream().mapToInt(Output::tokens).average().orElse(Double.NaN);
        int hit = (int) all.stream().filter(Output::hitLimit).count();
        return new Result(questions, n, accuracy, pass, meanTokens, hit, all.size(), seconds, List.copyOf(predictions));
    }

    /** Writes one JSON line per question (atomically). */
    public static void writePredictions(Path file, Result result) {
        JsonLines.write(file, result.predictions().stream().map(Prediction::toJson));
    }

    /** One record's question and answer ({@code question} or {@code problem}; {@code id} defaults to the line number). */
    public static Item itemOf(JsonLines.Line line) {
        JsonNode json = line.json();
        JsonNode id = json.get("id");
        String itemId = id == null || id.isNull() ? Long.toString(line.number()) : id.asText();
        JsonNode question = json.has("question") ? json.get("question") : json.get("problem");
        if (question == null || !question.isTextual() || question.asText().isBlank()) {
            throw line.error("field 'question' (or 'problem'): expected a non-empty string");
        }
        JsonNode answer = json.get("answer");
        if (answer == null || !(answer.isTextual() || answer.isNumber()) || answer.asText().isBlank()) {
            throw line.error("field 'answer': expected a non-empty string or a number");
        }
        return new Item(itemId, question.asText(), answer.asText());
    }

    /**
     * Reads questions: each record needs {@code question} (or {@code problem}) and {@code answer} (a string or a
     * number); {@code id} defaults to the line number. Reasoning, if present, is ignored.
     */
    public static List<Item> readItems(Path file) {
        List<Item> items = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        try (Stream<JsonLines.Line> lines = JsonLines.read(file)) {
            lines.forEach(line -> {
                Item item = itemOf(line);
                if (!ids.add(item.id())) {
                    throw line.error("field 'id': duplicate id '" + item.id() + "'");
                }
                items.add(item);
            });
        }
        if (items.isEmpty()) {
            throw new BadInputException(file + ": no questions");
        }
        return items;
    }
}
