package dev.segattr.synth;

/** The four operations of the word problems, with the words the traces use for them. Division is whole-number. */
public enum Op {
    ADD("plus"), SUB("minus"), MUL("times"), DIV("divided by");

    private final String word;

    Op(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** {@code a op b}; division rounds down (the remainder problems ask for the rest separately). */
    public int apply(int a, int b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }
}
