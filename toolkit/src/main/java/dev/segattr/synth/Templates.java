package dev.segattr.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The problem templates: each draws its numbers, writes the question and its steps (2 to 4). Numbers stay
 * where a model of about a million parameters can compute with them, digit by digit: products of two one-digit
 * numbers, sums and differences of two-digit numbers, divisions that come out even, every result from 1 to 99.
 * The words come from a small closed vocabulary, so a small tokenizer has a token for each.
 */
final class Templates {

    /** The largest result of any step. */
    static final int MAX_RESULT = 99;

    /** A template: its family, its number of steps, and how to draw one problem (null: draw again). */
    record Template(String id, ProblemKind kind, int steps, Function<Draw, Problem> make) {
        Problem draw(Random rng) {
            Problem p = make.apply(new Draw(rng));
            if (p == null) {
                return null;
            }
            if (p.steps().size() != steps) {
                throw new IllegalStateException(id + " made " + p.steps().size() + " steps, not " + steps);
            }
            // Every result a whole number from 1 to 99: two digits at most, which a tiny model can compute.
            boolean ok = p.steps().stream().allMatch(s -> s.result() >= 1 && s.result() <= MAX_RESULT);
            return ok ? p : null;
        }
    }

    record Person(String name, String he, String his) {
        String He() {
            return capitalize(he);
        }
    }

    static final List<Person> PEOPLE = List.of(
            new Person("Tom", "he", "his"), new Person("Ann", "she", "her"), new Person("Sam", "he", "his"),
            new Person("Mia", "she", "her"), new Person("Ben", "he", "his"), new Person("Lily", "she", "her"));
    static final List<String> ITEMS = List.of("pens", "books", "cups", "balls", "cards", "hats");
    static final List<String> PARENTS = List.of("mother", "father", "aunt", "uncle");
    static final List<String> SIBLINGS = List.of("brother", "sister");
    static final List<String> VEHICLES = List.of("car", "bus", "train");

    /** Draws numbers (remembered, in order: they identify the problem) and words (not remembered). */
    static final class Draw {
        final Random rng;
        final List<Integer> numbers = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();

        Draw(Random rng) {
            this.rng = rng;
        }

        int num(int lo, int hi) {
            int v = lo + rng.nextInt(hi - lo + 1);
            numbers.add(v);
            return v;
        }

        /** A number the question states that follows from the drawn ones (it identifies the problem too). */
        int derived(int v) {
            numbers.add(v);
            return v;
        }

        int oneOf(int... choices) {
            int v = choices[rng.nextInt(choices.length)];
            numbers.add(v);
            return v;
        }

        <T> T pick(List<T> options) {
            return options.get(rng.nextInt(options.size()));
        }

        /** Two different words. */
        List<String> pickTwo(List<String> options) {
            String a = pick(options);
            String b;
            do {
                b = pick(options);
            } while (b.equals(a));
            return List.of(a, b);
        }

        int step(String label, int a, Op op, int b, String unit) {
            Step s = Step.of(label, a, op, b, unit);
            steps.add(s);
            return s.result();
        }

        Problem done(ProblemKind kind, String template, List<String> facts, String ask, String goal) {
            return new Problem(kind, template, facts, ask, goal, numbers, steps);
        }
    }

    static final List<Template> ALL = List.of(
            new Template("shopping-one-change", ProblemKind.SHOPPING, 2, Templates::shoppingOneChange),
            new Template("shopping-two-total", ProblemKind.SHOPPING, 3, Templates::shoppingTwoTotal),
            new Template("shopping-coupon", ProblemKind.SHOPPING, 3, Templates::shoppingCoupon),
            new Template("shopping-two-change", ProblemKind.SHOPPING, 4, Templates::shoppingTwoChange),
            new Template("ages-times", ProblemKind.AGES, 2, Templates::agesTimes),
            new Template("ages-future", ProblemKind.AGES, 3, Templates::agesFuture),
            new Template("ages-born", ProblemKind.AGES, 3, Templates::agesBorn),
            new Template("ages-sum", ProblemKind.AGES, 4, Templates::agesSum),
            new Template("rates-machine", ProblemKind.RATES, 2, Templates::ratesMachine),
            new Template("rates-trip", ProblemKind.RATES, 3, Templates::ratesTrip),
            new Template("rates-baker", ProblemKind.RATES, 3, Templates::ratesBaker),
            new Template("sharing-boxes", ProblemKind.SHARING, 2, Templates::sharingBoxes),
            new Template("sharing-keep", ProblemKind.SHARING, 3, Templates::sharingKeep),
            new Template("sharing-two-boxes", ProblemKind.SHARING, 4, Templates::sharingTwoBoxes),
            new Template("savings-weeks", ProblemKind.SAVINGS, 2, Templates::savingsWeeks),
            new Template("savings-spend", ProblemKind.SAVINGS, 3, Templates::savingsSpend),
            new Template("savings-buy", ProblemKind.SAVINGS, 4, Templates::savingsBuy));

    private Templates() {
    }

    // --- shopping -------------------------------------------------------------------------------------

    static Problem shoppingOneChange(Draw d) {
        Person p = d.pick(PEOPLE);
        String it = d.pick(ITEMS);
        int a = d.num(2, 9), price = d.num(2, 9), bill = d.oneOf(20, 50, 100);
        int cost = d.step("the cost of the " + it, a, Op.MUL, price, "dollars");
        if (bill <= cost) {
            return null;
        }
        d.step("the change", bill, Op.SUB, cost, "dollars");
        return d.done(ProblemKind.SHOPPING, "shopping-one-change",
                List.of(p.name() + " buys " + a + " " + it + " at " + price + " dollars each.",
                        p.He() + " pays with " + bill + " dollars."),
                "How much change does " + p.name() + " get?", "how much change " + p.name() + " gets");
    }

    private static String twoItems(Person p, List<String> it, int a, int price, int b, int price2) {
        return p.name() + " buys " + a + " " + it.get(0) + " at " + price + " dollars each and "
                + b + " " + it.get(1) + " at " + price2 + " dollars each.";
    }

    static Problem shoppingTwoTotal(Draw d) {
        Person p = d.pick(PEOPLE);
        List<String> it = d.pickTwo(ITEMS);
        int a = d.num(2, 9), price = d.num(2, 9), b = d.num(2, 9), price2 = d.num(2, 9);
        int c1 = d.step("the cost of the " + it.get(0), a, Op.MUL, price, "dollars");
        int c2 = d.step("the cost of the " + it.get(1), b, Op.MUL, price2, "dollars");
        d.step("the total", c1, Op.ADD, c2, "dollars");
        return d.done(ProblemKind.SHOPPING, "shopping-two-total", List.of(twoItems(p, it, a, price, b, price2)),
                "How much does " + p.name() + " pay in all?", "how much " + p.name() + " pays in all");
    }

    static Problem shoppingCoupon(Draw d) {
        Person p = d.pick(PEOPLE);
        String it = d.pick(ITEMS);
        int a = d.num(2, 9), price = d.num(2, 9), off = d.num(2, 9), bill = d.oneOf(50, 100);
        int cost = d.step("the cost of the " + it, a, Op.MUL, price, "dollars");
        if (cost <= off) {
            return null;
        }
        int pay = d.step("the price after the coupon", cost, Op.SUB, off, "dollars");
        if (bill <= pay) {
            return null;
        }
        d.step("the change", bill, Op.SUB, pay, "dollars");
        return d.done(ProblemKind.SHOPPING, "shopping-coupon",
                List.of(p.name() + " buys " + a + " " + it + " at " + price + " dollars each.",
                        p.He() + " has a coupon for " + off + " dollars off.",
                        p.He() + " pays with " + bill + " dollars."),
                "How much change does " + p.name() + " get?", "how much change " + p.name() + " gets");
    }

    static Problem shoppingTwoChange(Draw d) {
        Person p = d.pick(PEOPLE);
        List<String> it = d.pickTwo(ITEMS);
        int a = d.num(2, 9), price = d.num(2, 9), b = d.num(2, 9), price2 = d.num(2, 9), bill = d.oneOf(50, 100);
        int c1 = d.step("the cost of the " + it.get(0), a, Op.MUL, price, "dollars");
        int c2 = d.step("the cost of the " + it.get(1), b, Op.MUL, price2, "dollars");
        int total = d.step("the total", c1, Op.ADD, c2, "dollars");
        if (bill <= total) {
            return null;
        }
        d.step("the change", bill, Op.SUB, total, "dollars");
        return d.done(ProblemKind.SHOPPING, "shopping-two-change",
                List.of(twoItems(p, it, a, price, b, price2), p.He() + " pays with " + bill + " dollars."),
                "How much change does " + p.name() + " get?", "how much change " + p.name() + " gets");
    }

    // --- ages -----------------------------------------------------------------------------------------

    static Problem agesTimes(Draw d) {
        Person p = d.pick(PEOPLE);
        String rel = d.pick(PARENTS);
        int x = d.num(2, 9), k = d.num(3, 9), y = d.num(2, 19);
        int now = d.step("the " + rel + "'s age now", x, Op.MUL, k, "years");
        d.step("the " + rel + "'s age in " + y + " years", now, Op.ADD, y, "years");
        return d.done(ProblemKind.AGES, "ages-times",
                List.of(p.name() + " is " + x + " years old.", p.name() + "'s " + rel + " is " + k + " times as old."),
                "How old will the " + rel + " be in " + y + " years?", "how old the " + rel + " will be in " + y + " years");
    }

    /** Facts shared by the three-person age problems: the first two steps (sibling, parent) by addition. */
    private static List<String> family(Draw d, Person p, String sib, String parent, int[] ages) {
        int x = d.num(2, 12), older = d.num(2, 9), gap = d.num(18, 35);
        int s = d.step("the " + sib + "'s age", x, Op.ADD, older, "years");
        int m = d.step("the " + parent + "'s age", s, Op.ADD, gap, "years");
        ages[0] = x;
        ages[1] = s;
        ages[2] = m;
        return List.of(p.name() + " is " + x + " years old.",
                p.name() + "'s " + sib + " is " + older + " years older than " + p.name() + ".",
                "Their " + parent + " is " + gap + " years older than the " + sib + ".");
    }

    static Problem agesFuture(Draw d) {
        Person p = d.pick(PEOPLE);
        String sib = d.pick(SIBLINGS), parent = d.pick(PARENTS);
        int[] ages = new int[3];
        List<String> facts = family(d, p, sib, parent, ages);
        int y = d.num(2, 19);
        d.step("the " + parent + "'s age in " + y + " years", ages[2], Op.ADD, y, "years");
        return d.done(ProblemKind.AGES, "ages-future", facts,
                "How old will the " + parent + " be in " + y + " years?", "how old the " + parent + " will be in " + y + " years");
    }

    static Problem agesBorn(Draw d) {
        Person p = d.pick(PEOPLE);
        String sib = d.pick(SIBLINGS), parent = d.pick(PARENTS);
        int x = d.num(2, 9), older = d.num(2, 9), k = d.num(3, 9);
        int s = d.step("the " + sib + "'s age", x, Op.ADD, older, "years");
        int m = d.step("the " + parent + "'s age", x, Op.MUL, k, "years");
        if (m <= s) {
            return null;
        }
        d.step("the " + parent + "'s age when the " + sib + " was born", m, Op.SUB, s, "years");
        return d.done(ProblemKind.AGES, "ages-born",
                List.of(p.name() + " is " + x + " years old.",
                        p.name() + "'s " + sib + " is " + older + " years older than " + p.name() + ".",
                        "Their " + parent + " is " + k + " times as old as " + p.name() + "."),
                "How old was the " + parent + " when the " + sib + " was born?",
                "how old the " + parent + " was when the " + sib + " was born");
    }

    static Problem agesSum(Draw d) {
        Person p = d.pick(PEOPLE);
        String sib = d.pick(SIBLINGS), parent = d.pick(PARENTS);
        int[] ages = new int[3];
        List<String> facts = family(d, p, sib, parent, ages);
        int two = d.step("the sum of " + p.name() + "'s and the " + sib + "'s ages", ages[0], Op.ADD, ages[1], "years");
        d.step("the sum of all three ages", two, Op.ADD, ages[2], "years");
        return d.done(ProblemKind.AGES, "ages-sum", facts,
                "What is the sum of the ages of all three?", "the sum of the ages of all three");
    }

    // --- rates ----------------------------------------------------------------------------------------

    static Problem ratesMachine(Draw d) {
        String it = d.pick(ITEMS);
        int r = d.num(2, 9), h1 = d.num(1, 8), h2 = d.num(1, 8);
        int h = d.step("the hours of work", h1, Op.ADD, h2, "hours");
        if (h > 9) {
            return null;
        }
        d.step("the number of " + it, r, Op.MUL, h, it);
        return d.done(ProblemKind.RATES, "rates-machine",
                List.of("A machine makes " + r + " " + it + " each hour.",
                        "It works " + h1 + " hours in the morning and " + h2 + " hours in the afternoon."),
                "How many " + it + " does it make in all?", "how many " + it + " the machine makes in all");
    }

    static Problem ratesTrip(Draw d) {
        String v = d.pick(VEHICLES);
        int r1 = d.num(2, 9), h1 = d.num(2, 9), r2 = d.num(2, 9), h2 = d.num(2, 9);
        int first = d.step("the first part of the trip", r1, Op.MUL, h1, "miles");
        int second = d.step("the second part of the trip", r2, Op.MUL, h2, "miles");
        d.step("the whole trip", first, Op.ADD, second, "miles");
        return d.done(ProblemKind.RATES, "rates-trip",
                List.of("A " + v + " goes " + r1 + " miles each hour for " + h1 + " hours.",
                        "Then it goes " + r2 + " miles each hour for " + h2 + " hours."),
                "How far does the " + v + " go in all?", "how far the " + v + " goes in all");
    }

    static Problem ratesBaker(Draw d) {
        int r = d.num(2, 9), h = d.num(2, 9), g = d.num(2, 9), bags = d.num(2, 9);
        // The rest fills whole bags: the question states a sale that leaves a multiple of the bag size.
        int made = r * h, rest = g * bags;
        if (made <= rest) {
            return null;
        }
        int sold = d.derived(made - rest);
        d.step("the number of buns made", r, Op.MUL, h, "buns");
        d.step("the number of buns left", made, Op.SUB, sold, "buns");
        d.step("the number of bags", rest, Op.DIV, g, "bags");
        return d.done(ProblemKind.RATES, "rates-baker",
                List.of("A baker makes " + r + " buns each hour for " + h + " hours.",
                        "She sells " + sold + " buns.", "She puts the rest in bags of " + g + "."),
                "How many bags does she fill?", "how many bags the baker fills");
    }

    // --- sharing --------------------------------------------------------------------------------------

    static Problem sharingBoxes(Draw d) {
        Person p = d.pick(PEOPLE);
        String it = d.pick(ITEMS);
        int a = d.num(2, 9), b = d.num(2, 9), k = d.num(2, 9);
        int all = d.step("the number of " + it, a, Op.MUL, b, it);
        if (all % k != 0) {
            return null;
        }
        d.step("the number of " + it + " each friend gets", all, Op.DIV, k, it);
        return d.done(ProblemKind.SHARING, "sharing-boxes",
                List.of(p.name() + " has " + a + " boxes with " + b + " " + it + " in each box.",
                        p.He() + " shares them equally among " + k + " friends."),
                "How many " + it + " does each friend get?", "how many " + it + " each friend gets");
    }

    static Problem sharingKeep(Draw d) {
        Person p = d.pick(PEOPLE);
        String it = d.pick(ITEMS);
        int a = d.num(2, 9), b = d.num(2, 9), keep = d.num(1, 9), k = d.num(2, 9);
        int all = d.step("the number of " + it, a, Op.MUL, b, it);
        if (all <= keep || (all - keep) % k != 0) {
            return null;
        }
        int rest = d.step("the number of " + it + " to share", all, Op.SUB, keep, it);
        d.step("the number of " + it + " each friend gets", rest, Op.DIV, k, it);
        return d.done(ProblemKind.SHARING, "sharing-keep",
                List.of(p.name() + " has " + a + " boxes with " + b + " " + it + " in each box.",
                        p.He() + " keeps " + keep + " " + it + " and shares the rest equally among " + k + " friends."),
                "How many " + it + " does each friend get?", "how many " + it + " each friend gets");
    }

    static Problem sharingTwoBoxes(Draw d) {
        Person p = d.pick(PEOPLE);
        String it = d.pick(ITEMS);
        int a = d.num(2, 9), b = d.num(2, 9), c = d.num(2, 9), e = d.num(2, 9), k = d.num(2, 9);
        int first = d.step("the number of " + it + " in the big boxes", a, Op.MUL, b, it);
        int second = d.step("the number of " + it + " in the small boxes", c, Op.MUL, e, it);
        int all = d.step("the number of " + it, first, Op.ADD, second, it);
        if (all > MAX_RESULT || all % k != 0) {
            return null;
        }
        d.step("the number of " + it + " each friend gets", all, Op.DIV, k, it);
        return d.done(ProblemKind.SHARING, "sharing-two-boxes",
                List.of(p.name() + " has " + a + " big boxes with " + b + " " + it + " in each box and "
                                + c + " small boxes with " + e + " " + it + " in each box.",
                        p.He() + " shares them equally among " + k + " friends."),
                "How many " + it + " does each friend get?", "how many " + it + " each friend gets");
    }

    // --- savings --------------------------------------------------------------------------------------

    static Problem savingsWeeks(Draw d) {
        Person p = d.pick(PEOPLE);
        int m = d.num(2, 30), s = d.num(2, 9), w = d.num(2, 9);
        int saved = d.step("the money saved", s, Op.MUL, w, "dollars");
        d.step("the money " + p.name() + " has then", m, Op.ADD, saved, "dollars");
        return d.done(ProblemKind.SAVINGS, "savings-weeks",
                List.of(p.name() + " has " + m + " dollars.", p.He() + " saves " + s + " dollars each week for " + w + " weeks."),
                "How much money does " + p.name() + " have then?", "how much money " + p.name() + " has then");
    }

    static Problem savingsSpend(Draw d) {
        Person p = d.pick(PEOPLE);
        int m = d.num(2, 30), s = d.num(2, 9), w = d.num(2, 9), spent = d.num(2, 30);
        int saved = d.step("the money saved", s, Op.MUL, w, "dollars");
        int before = d.step("the money before spending", m, Op.ADD, saved, "dollars");
        if (before <= spent) {
            return null;
        }
        d.step("the money left", before, Op.SUB, spent, "dollars");
        return d.done(ProblemKind.SAVINGS, "savings-spend",
                List.of(p.name() + " has " + m + " dollars.", p.He() + " saves " + s + " dollars each week for " + w + " weeks.",
                        "Then " + p.he() + " spends " + spent + " dollars."),
                "How much money does " + p.name() + " have left?", "how much money " + p.name() + " has left");
    }

    static Problem savingsBuy(Draw d) {
        Person p = d.pick(PEOPLE);
        String it = d.pick(ITEMS);
        int m = d.num(2, 30), s = d.num(2, 9), w = d.num(2, 9), a = d.num(2, 9), price = d.num(2, 9);
        int saved = d.step("the money saved", s, Op.MUL, w, "dollars");
        int before = d.step("the money before shopping", m, Op.ADD, saved, "dollars");
        int cost = d.step("the cost of the " + it, a, Op.MUL, price, "dollars");
        if (before <= cost) {
            return null;
        }
        d.step("the money left", before, Op.SUB, cost, "dollars");
        return d.done(ProblemKind.SAVINGS, "savings-buy",
                List.of(p.name() + " has " + m + " dollars.", p.He() + " saves " + s + " dollars each week for " + w + " weeks.",
                        "Then " + p.he() + " buys " + a + " " + it + " at " + price + " dollars each."),
                "How much money does " + p.name() + " have left?", "how much money " + p.name() + " has left");
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
