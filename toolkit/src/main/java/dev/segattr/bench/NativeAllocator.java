package dev.segattr.bench;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * glibc's allocator settings, changed at run time (mallopt through JNA, which DJL already brings).
 *
 * <p>Why: a pass of attribution or training allocates and frees many arrays of tens of megabytes. By default
 * glibc serves large blocks with fresh mappings and gives freed memory back to the system, so every pass
 * touches new pages again; on virtual machines a page fault is expensive and this can cost more than the
 * arithmetic. {@link #keepFreedMemory()} makes glibc keep freed memory for reuse (no mmap for large blocks, no
 * trimming): the resident set then stays at its peak instead of shrinking between passes. The same effect
 * from outside the process: {@code GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2147483647}.
 */
public final class NativeAllocator {

    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;

    private static volatile boolean kept;

    private NativeAllocator() {
    }

    /** Whether {@link #keepFreedMemory()} was applied in this process. */
    public static boolean keepsFreedMemory() {
        return kept;
    }

    /** Applies the settings; false where glibc's mallopt is not there (not Linux/glibc) or refused them. */
    public static boolean keepFreedMemory() {
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            boolean ok = mallopt.invokeInt(new Object[] {M_MMAP_MAX, 0}) == 1;
            ok &= mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, Integer.MAX_VALUE}) == 1;
            ok &= mallopt.invokeInt(new Object[] {M_TOP_PAD, 64 << 20}) == 1;
            kept |= ok;
            return ok;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
