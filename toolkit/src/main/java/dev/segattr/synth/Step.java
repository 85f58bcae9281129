package dev.segattr.synth;

/**
 * One computation step of a word problem: {@code result = left op right}.
 *
 * @param label  what the result is, as a noun phrase in lower case ("the cost of the pens")
 * @param left   the left operand (a number of the question or an earlier result)
 * @param op     the operation
 * @param right  the right operand
 * @param result {@code op.apply(left, right)}
 * @param unit   the unit of the result ("dollars", "years"), or empty
 */
public record Step(String label, int left, Op op, int right, int result, String unit) {

    public Step {
        if (op == Op.DIV && right == 0) {
            throw new IllegalArgumentException("division by zero in step '" + label + "'");
        }
        if (result != op.apply(left, right)) {
            throw new IllegalArgumentException("step '" + label + "': " + left + " " + op.word() + " " + right + " is not " + result);
        }
    }

    public static Step of(String label, int left, Op op, int right, String unit) {
        return new Step(label, left, op, right, op.apply(left, right), unit);
    }

    /** "3 times 4". */
    public String expression() {
        return left + " " + op.word() + " " + right;
    }

    /** "12 dollars"; for a division with a remainder "7 bags, with some left over". */
    public String resultText(int value) {
        String text = unit.isEmpty() ? Integer.toString(value) : value + " " + unit;
        return op == Op.DIV && left % right != 0 ? text + ", with some left over" : text;
    }

    public String resultText() {
        return resultText(result);
    }
}
