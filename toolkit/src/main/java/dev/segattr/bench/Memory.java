package dev.segattr.bench;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Structure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of this process. Native arrays live outside the Java heap, so the resident set (from /proc on Linux)
 * is the figure that shows a native leak; the heap is reported beside it.
 */
public final class Memory {

    private Memory() {
    }

    /** Resident set size now, in MiB, or -1 where /proc is not there. */
    public static double residentMb() {
        return procStatusMb("VmRSS:");
    }

    /** The largest resident set since the process started, in MiB, or -1. */
    public static double peakResidentMb() {
        return procStatusMb("VmHWM:");
    }

    /**
     * Starts a new peak-resident measurement: Linux resets VmHWM to the current resident set when "5" is written
     * to /proc/self/clear_refs. Returns false where that is not possible (the peak then counts from the start).
     */
    public static boolean resetPeakResident() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Peak use of all heap pools since start (or the last reset), in MiB. */
    public static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / 1048576.0;
    }

    public static void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /**
     * Bytes that the C allocator (glibc malloc) has handed out and not had back, in MiB: where libtorch's arrays
     * live. Unlike the resident set it does not move with the Java heap, so it is the figure a native leak test
     * watches. -1 where glibc's mallinfo2 is not there.
     */
    public static double nativeInUseMb() {
        try {
            MallInfo2 info = (MallInfo2) NativeLibrary.getInstance("c").getFunction("mallinfo2")
                    .invoke(MallInfo2.class, new Object[0]);
            return (info.uordblks + info.hblkhd) / 1048576.0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return -1;
        }
    }

    /** glibc's struct mallinfo2 (all size_t): in-use bytes are uordblks (heap) + hblkhd (mmapped blocks). */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static final class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    private static double procStatusMb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
