package dev.segattr.synth;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A word problem with its worked solution.
 *
 * @param kind     the family
 * @param template which template of the family made it ("shopping-two-change")
 * @param facts    the question's statements, one sentence each ("Tom buys 3 pens at 4 dollars each.")
 * @param ask      the question's last sentence ("How much change does Tom get?")
 * @param goal     what is asked, as a clause ("how much change Tom gets")
 * @param numbers  the numbers the template drew, in order: with the template they identify the problem
 * @param steps    the computation, in order; the last step's result is the answer
 */
public record Problem(ProblemKind kind, String template, List<String> facts, String ask, String goal,
                      List<Integer> numbers, List<Step> steps) {

    public Problem {
        facts = List.copyOf(facts);
        numbers = List.copyOf(numbers);
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(template + ": a problem needs at least one step");
        }
    }

    /** The question as the user asks it. */
    public String question() {
        return String.join(" ", facts) + " " + ask;
    }

    public int answer() {
        return steps.get(steps.size() - 1).result();
    }

    /**
     * What makes two problems the same one: the template and the numbers. Names and items do not count, so
     * "Tom buys 3 pens at 4 dollars" and "Ann buys 3 cups at 4 dollars" are one problem.
     */
    public String key() {
        return template + ":" + numbers.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
