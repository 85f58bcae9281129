package dev.segattr.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes the chain of thought of one problem as segments, each with its move (and so its role).
 *
 * <p>Layout: segment 0 understands the problem and does step 1; each further step has its own segment; the
 * last segment is the summary with {@code \boxed{N}}. The optional segments (reflective, redundant, truncated)
 * go into the gaps after the steps, before the summary. A reflective segment checks a step already done; when
 * it is the first segment after its step it may instead fix a slip: the step then wrote a wrong value, and only
 * the fix carries the right one on.
 *
 * <p>Texts never contain a newline: the only {@code "\n\n"} of a trace are those that open the segments 1..M-1
 * with a transition phrase, so the reference segmenter cuts exactly where the composer did.
 */
final class Composer {

    /** One segment as written. */
    record Piece(Move move, String text) {
    }

    private final Problem problem;
    private final Random rng;
    private final List<Step> steps;
    /** Results of steps and slips: numbers a redundant or truncated segment must not bring in. */
    private final Set<Integer> carried = new HashSet<>();
    /** The numbers the question states, in order (a problem's key may hold drawn numbers it does not state). */
    private final List<Integer> questionNumbers;
    /** Phrasings already used in this trace, per family: a trace does not say the same thing twice in a row. */
    private final Map<String, Set<Integer>> used = new HashMap<>();

    Composer(Problem problem, Random rng) {
        this.problem = problem;
        this.rng = rng;
        this.steps = problem.steps();
        steps.forEach(s -> carried.add(s.result()));
        this.questionNumbers = numbersIn(problem.question());
    }

    /** The trace in {@code total} segments (at least steps + 1). */
    List<Piece> compose(int total, RoleMix mix, double slipRate) {
        int k = steps.size();
        if (total < k + 1) {
            throw new IllegalArgumentException(problem.template() + " needs at least " + (k + 1) + " segments, asked for " + total);
        }
        // Gap g holds the optional segments written after step g (0-based), before step g + 1 or the summary.
        List<List<Role>> gaps = new ArrayList<>();
        for (int g = 0; g < k; g++) {
            gaps.add(new ArrayList<>());
        }
        for (int i = 0; i < total - (k + 1); i++) {
            gaps.get(rng.nextInt(k)).add(mix.draw(rng));
        }
        boolean[] slip = new boolean[k];
        for (int g = 0; g < k; g++) {
            List<Role> gap = gaps.get(g);
            Collections.shuffle(gap, rng);
            int reflective = gap.indexOf(Role.REFLECTIVE);
            if (reflective >= 0 && rng.nextDouble() < slipRate) {
                Collections.swap(gap, 0, reflective);
                slip[g] = true;
            }
        }
        int[] wrong = new int[k];
        for (int g = 0; g < k; g++) {
            if (slip[g]) {
                wrong[g] = slipValue(steps.get(g));
                carried.add(wrong[g]);
            }
        }

        List<Piece> pieces = new ArrayList<>();
        for (int g = 0; g < k; g++) {
            Step step = steps.get(g);
            int shown = slip[g] ? wrong[g] : step.result();
            if (g == 0) {
                pieces.add(new Piece(Move.UNDERSTAND, understand(step, shown)));
            } else {
                pieces.add(new Piece(Move.STEP, step(step, shown)));
            }
            List<Role> gap = gaps.get(g);
            for (int i = 0; i < gap.size(); i++) {
                pieces.add(switch (gap.get(i)) {
                    case REFLECTIVE -> i == 0 && slip[g]
                            ? new Piece(Move.FIX, fix(step, wrong[g]))
                            : new Piece(Move.CHECK, check(steps.get(variant("checked step", g + 1))));
                    case REDUNDANT -> new Piece(Move.RESTATE, restate(g));
                    case TRUNCATED -> new Piece(Move.EXPLORE, explore());
                    case ESSENTIAL -> throw new IllegalStateException("essential segments are not drawn");
                });
            }
        }
        pieces.add(new Piece(Move.SUMMARY, summary()));
        return pieces;
    }

    // --- essential ----------------------------------------------------------------------------------------

    private String understand(Step first, int shown) {
        String intro = rng.nextBoolean()
                ? "Okay, so I need to find " + problem.goal() + "."
                : "Alright, the question asks " + problem.goal() + ".";
        String work = rng.nextBoolean()
                ? "First, " + first.label() + " is " + first.expression() + ", which is " + first.resultText(shown) + "."
                : "Let me start with " + first.label() + ". " + first.expression() + " is " + first.resultText(shown) + ".";
        return intro + " " + work;
    }

    private String step(Step s, int shown) {
        String is = " is " + s.expression() + ", which is " + s.resultText(shown) + ".";
        return switch (variant("step", 6)) {
            case 0 -> "\n\nWait, I still need " + s.label() + ". " + s.expression() + " is " + s.resultText(shown) + ".";
            case 1 -> "\n\nAnother step: " + s.label() + is;
            case 2 -> "\n\nHowever, that is not all. " + cap(s.label()) + is;
            case 3 -> "\n\nGoing back to the problem, " + s.label() + is;
            case 4 -> "\n\nBut wait, there is more. " + cap(s.label()) + is;
            default -> "\n\nWait, so next, " + s.label() + is;
        };
    }

    private String summary() {
        Step last = steps.get(steps.size() - 1);
        int answer = last.result();
        String boxed = "\\boxed{" + answer + "}.";
        String result = cap(last.label()) + " is " + last.resultText() + ".";
        return switch (rng.nextInt(4)) {
            case 0 -> "\n\nWait, so " + last.label() + " is " + last.resultText() + ". That means the answer is " + boxed;
            case 1 -> "\n\nGoing back to the question, " + last.label() + " is " + last.resultText() + ". So the final answer is " + boxed;
            case 2 -> "\n\nBut wait, let me put it together. " + result + " The answer is " + boxed;
            default -> "\n\nHowever, I think I have it now. " + result + " So the answer is " + boxed;
        };
    }

    // --- reflective ---------------------------------------------------------------------------------------

    /** Recomputes a step by its inverse and confirms the value. */
    private String check(Step s) {
        String opener = switch (variant("check", 6)) {
            case 0 -> "\n\nWait, let me check " + s.label() + ". ";
            case 1 -> "\n\nBut wait, is " + s.label() + " really " + s.result() + "? ";
            case 2 -> "\n\nBut just to be sure, let me check " + s.label() + ". ";
            case 3 -> "\n\nNot sure about " + s.label() + ". Let me check. ";
            case 4 -> "\n\nBacktrack a bit and check " + s.label() + ". ";
            default -> "\n\nAlternatively, I can check " + s.label() + " another way. ";
        };
        String closer = switch (variant("closer", 3)) {
            case 0 -> " So it is right.";
            case 1 -> " So that checks out.";
            default -> " Yes, " + s.result() + " is right.";
        };
        return opener + inverse(s) + closer;
    }

    /** The step done backwards: the sentence a careful solver writes to confirm it. */
    private static String inverse(Step s) {
        int a = s.left(), b = s.right(), c = s.result();
        return switch (s.op()) {
            case ADD -> c + " minus " + b + " is " + a + ".";
            case SUB -> c + " plus " + b + " is " + a + ".";
            case MUL -> b == 0 ? b + " times " + a + " is also " + c + "." : c + " divided by " + b + " is " + a + ".";
            case DIV -> b + " times " + c + " is " + (b * c) + ", and " + b + " times " + (c + 1) + " is " + (b * (c + 1))
                    + ", which is more than " + a + ".";
        };
    }

    /** Catches the slip of the step just written and gives the right value. */
    private String fix(Step s, int wrong) {
        String opener = switch (variant("fix", 5)) {
            case 0 -> "\n\nWait, that is not right. ";
            case 1 -> "\n\nBut wait, I made a mistake. ";
            case 2 -> "\n\nHowever, " + wrong + " looks wrong. ";
            case 3 -> "\n\nNot sure that is right. ";
            default -> "\n\nWait, let me check that. ";
        };
        return opener + s.expression() + " is not " + wrong + ", it is " + s.result() + ". " + inverse(s) + " So "
                + s.label() + " is " + s.resultText() + ", not " + wrong + ".";
    }

    /** A plausible wrong value for a step: off by one, two or ten, never negative, never the right one. */
    private int slipValue(Step s) {
        int[] deltas = s.op() == Op.DIV ? new int[] {-1, 1} : new int[] {-2, -1, 1, 2, 10, -10};
        for (int attempt = 0; attempt < 20; attempt++) {
            int w = s.result() + deltas[rng.nextInt(deltas.length)];
            if (w >= 0 && w != s.result()) {
                return w;
            }
        }
        return s.result() + 1;
    }

    // --- redundant ----------------------------------------------------------------------------------------

    /** Repeats the question, its goal, which things were found, or the results found so far: nothing new. */
    private String restate(int doneUpTo) {
        List<String> facts = problem.facts();
        return switch (variant("restate", 7)) {
            case 0 -> "\n\nWait, let me read the problem again. " + facts.get(rng.nextInt(facts.size())) + " " + problem.ask();
            case 1 -> "\n\nGoing back to the question, it asks " + problem.goal() + ".";
            case 2 -> "\n\nHowever, I should keep the goal in mind. I need to find " + problem.goal() + ".";
            case 3 -> "\n\nAnother thing to note. " + facts.get(rng.nextInt(facts.size()));
            case 4 -> "\n\nBut wait, what does the problem ask? It asks " + problem.goal() + ". Okay, that is what I am doing.";
            case 5 -> {
                List<String> found = steps.subList(0, doneUpTo + 1).stream().map(Step::label).toList();
                yield "\n\nWait, so far I have found " + joinAnd(found) + ".";
            }
            default -> {
                // Earlier results said again: the values are already in the trace (the right ones, after a fix).
                List<String> found = steps.subList(0, doneUpTo + 1).stream()
                        .map(s -> s.label() + " is " + s.resultText()).toList();
                yield "\n\nGoing back to what I have so far, " + joinAnd(found) + ".";
            }
        };
    }

    // --- truncated ----------------------------------------------------------------------------------------

    /** Starts another way from two of the question's numbers and stops mid-sentence; nothing later uses it. */
    private String explore() {
        List<Integer> numbers = questionNumbers;
        int phrasing = variant("explore", 4);
        String full = null;
        for (int attempt = 0; attempt < 10 && full == null && numbers.size() >= 2; attempt++) {
            int i = rng.nextInt(numbers.size()), j = rng.nextInt(numbers.size());
            int x = numbers.get(i), y = numbers.get(j);
            if (i == j) {
                continue;
            }
            Op op = rng.nextBoolean() ? Op.ADD : x > y ? Op.SUB : x * y <= 150 ? Op.MUL : Op.ADD;
            int z = op.apply(x, y);
            if (carried.contains(z) && !questionNumbers.contains(z)) {
                continue; // would repeat a result the solution needs
            }
            String e = x + " " + op.word() + " " + y;
            full = switch (phrasing) {
                case 0 -> "\n\nAlternatively, maybe I could start from " + x + " and " + y + ". " + e + " is " + z
                        + ", and then I would use that for the rest of the problem";
                case 1 -> "\n\nBut alternatively, what if I use " + e + " first? That is " + z
                        + ", so then the next thing would be to see how it fits with the other numbers";
                case 2 -> "\n\nWait, maybe there is a faster way. If I take " + e + ", that gives " + z
                        + ", and then I could go on from there to the answer";
                default -> "\n\nAnother way to see it is to put " + x + " and " + y + " together, " + e + " is " + z
                        + ", and then look at what is left to find";
            };
        }
        if (full == null) {
            full = rng.nextBoolean()
                    ? "\n\nAnother way to do this is to start from the end and work back, so if I know the answer then the step before it would be"
                    : "\n\nBut alternatively, maybe I should draw a table with a row for each part of the problem and a column for what I know about it";
        }
        return cutMidway(full);
    }

    /** Cuts a sentence at a word in its second half, never right after a period or a question mark. */
    private String cutMidway(String text) {
        List<Integer> cuts = new ArrayList<>();
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                words++;
                char before = text.charAt(i - 1);
                if (words >= 6 && before != '.' && before != '?' && before != ':') {
                    cuts.add(i);
                }
            }
        }
        List<Integer> late = cuts.subList(cuts.size() / 2, cuts.size());
        return text.substring(0, late.get(rng.nextInt(late.size())));
    }

    /** One of {@code count} phrasings of a family, preferring those this trace has not used yet. */
    private int variant(String family, int count) {
        Set<Integer> seen = used.computeIfAbsent(family, f -> new HashSet<>());
        if (seen.size() >= count) {
            seen.clear();
        }
        int v;
        do {
            v = rng.nextInt(count);
        } while (seen.contains(v));
        seen.add(v);
        return v;
    }

    private static List<Integer> numbersIn(String text) {
        List<Integer> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(text);
        while (m.find()) {
            out.add(Integer.parseInt(m.group()));
        }
        return out;
    }

    // --- words --------------------------------------------------------------------------------------------

    static String cap(String s) {
        return Templates.capitalize(s);
    }

    private static String joinAnd(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
