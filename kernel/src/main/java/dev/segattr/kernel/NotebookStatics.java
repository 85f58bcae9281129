package dev.segattr.kernel;

/**
 * What cells can call without a prefix ({@code import static dev.segattr.kernel.NotebookStatics.*} is part of
 * the kernel's start-up). The last expression of a cell is shown by itself; these show more from one cell.
 */
public final class NotebookStatics {

    private NotebookStatics() {
    }

    /** Shows a value in the cell's output, in its richest form (HTML table, PNG chart, ...). */
    public static void display(Object value) {
        Kernel.current().show(value, null, false);
    }

    /**
     * Shows a value under a display id of your choice; {@link #updateDisplay} with the same id replaces it
     * in place (a counter, a chart redrawn as training goes).
     */
    public static void display(Object value, String displayId) {
        Kernel.current().show(value, displayId, false);
    }

    /** Replaces what was shown under {@code displayId}. */
    public static void updateDisplay(String displayId, Object value) {
        Kernel.current().show(value, displayId, true);
    }
}
