package dev.segattr.synth;

import dev.segattr.BadInputException;
import dev.segattr.trace.JsonLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The synthetic long-reasoning benchmark: seeded word problems (shopping, ages, rates, remainders, savings; 2 to 5
 * steps, small whole numbers) with chains of thought written the way reasoning models write them, joined by
 * the reference transition phrases, each segment labelled with a ground-truth {@link Role} that the method
 * never sees.
 *
 * <p>The roles, and why they look as they do:
 * <ul>
 *   <li><b>essential</b>: segment 0 (what is asked, and step 1), one segment per further step, and the closing
 *       summary with {@code \boxed{N}}. Each step writes an intermediate result that the next step or the answer
 *       uses, so the information the answer depends on really flows through these segments.</li>
 *   <li><b>reflective</b>: a check that does an earlier step backwards (12 divided by 3 is 4) and confirms it; or,
 *       right after a step that wrote a wrong value (a slip: off by one, two or ten), the fix that gives the right
 *       value. A fix is the only place the right value of its step appears before it is used, so the answer
 *       depends on it, as in real traces where the "wait, that is wrong" segment matters.</li>
 *   <li><b>redundant</b>: a restatement of the question's facts, its goal, or the names of what was found so far,
 *       never an intermediate value; it repeats what the prompt or the trace already said.</li>
 *   <li><b>truncated</b>: another approach begun from two of the question's numbers and cut off mid-sentence;
 *       its numbers are never results that the solution needs, and nothing later uses it.</li>
 * </ul>
 * So essential and reflective segments carry what the answer needs and redundant and truncated ones do not:
 * attribution has something real to find. All roles share the transition phrases ("Wait" opens segments of
 * every role), so the phrase alone does not give the role away.
 *
 * <p>Guarantees: {@code Segmenter.reference().split(reasoning)} gives back exactly the generated segments (no
 * newline inside a segment; every later segment opens with "\n\n" and a reference phrase; segment 0 does not);
 * problems are distinct by template and numbers, so train and test never share one; the same
 * {@link SynthConfig} gives the same records.
 *
 * <p>Sizes suit a tiny model: a trace is 6 to 12 short segments by default, question and trace together about
 * 150 to 400 word pieces (words, digits one by one, punctuation) from a closed vocabulary of about 250 words.
 */
public final class Synth {

    private Synth() {
    }

    /** The problems and traces of a configuration, in id order, each marked train or test. */
    public static List<SynthTrace> generate(SynthConfig config) {
        List<Problem> problems = problems(config);
        Set<Integer> test = testIndices(config);
        int width = Math.max(5, Integer.toString(config.n() - 1).length());
        List<SynthTrace> traces = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            // One stream per trace, so that changing how one trace is written does not move the others.
            Random rng = new Random(config.seed() * 0x9E3779B97F4A7C15L + 31L * i + 7);
            int essentials = p.steps().size() + 1;
            int lo = Math.max(config.minSegments(), essentials);
            int total = config.style() == Style.CONCISE ? essentials : lo + rng.nextInt(config.maxSegments() - lo + 1);
            List<Composer.Piece> pieces = new Composer(p, rng).compose(total, config.mix(), config.slipRate());
            String id = String.format("synth-%0" + width + "d", i);
            traces.add(new SynthTrace(id, test.contains(i) ? SynthTrace.TEST : SynthTrace.TRAIN, p,
                    pieces.stream().map(Composer.Piece::text).toList(),
                    pieces.stream().map(Composer.Piece::move).toList()));
        }
        return traces;
    }

    /** {@code n} distinct problems (by template and numbers), kinds drawn uniformly, then a template of the kind. */
    static List<Problem> problems(SynthConfig config) {
        List<ProblemKind> kinds = Arrays.stream(ProblemKind.values())
                .filter(k -> config.kinds().contains(k) && !config.templates(k).isEmpty()).toList();
        if (kinds.isEmpty()) {
            throw new BadInputException("no problem of kinds " + config.kinds() + " fits in " + config.maxSegments() + " segments");
        }
        Random rng = new Random(config.seed());
        Set<String> seen = new HashSet<>();
        List<Problem> problems = new ArrayList<>(config.n());
        long attempts = 0, limit = 10_000L + 100L * config.n();
        while (problems.size() < config.n()) {
            if (++attempts > limit) {
                throw new BadInputException("only " + problems.size() + " distinct problems found for n = " + config.n()
                        + " with these kinds and segment limits; ask for fewer");
            }
            ProblemKind kind = kinds.get(rng.nextInt(kinds.size()));
            List<Templates.Template> templates = config.templates(kind);
            Problem p = templates.get(rng.nextInt(templates.size())).draw(rng);
            if (p != null && seen.add(p.key())) {
                problems.add(p);
            }
        }
        return problems;
    }

    /** Which indices are test problems: a seeded shuffle, exactly {@link SynthConfig#testCount()} of them. */
    private static Set<Integer> testIndices(SynthConfig config) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, config.n()).boxed().toList());
        Collections.shuffle(order, new Random(config.seed() ^ 0x5EED5EEDL));
        return new HashSet<>(order.subList(0, config.testCount()));
    }

    /** Writes records as JSON Lines, atomically. */
    public static void write(List<SynthTrace> traces, Path file) {
        JsonLines.write(file, traces.stream().map(SynthTrace::toJson));
    }
}
