package dev.segattr.select;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which parts of a trace a policy supervises.
 *
 * @param policy    the policy's description (name and settings)
 * @param level     whether whole segments or single tokens were chosen
 * @param segments  sorted indices of the chosen segments, the always-kept ones included; for a token-level
 *                  policy, the segments that hold at least one chosen token
 * @param tokenMask one array per segment, true for every supervised token (for a segment-level policy, all
 *                  tokens of the chosen segments)
 * @param note      empty, or why the choice is degenerate (e.g. "zero total attribution: ...")
 */
public record Selection(String policy, Level level, int[] segments, List<boolean[]> tokenMask, String note) {

    public enum Level { SEGMENT, TOKEN }

    public Selection {
        segments = segments.clone();
        tokenMask = List.copyOf(tokenMask);
        note = note == null ? "" : note;
    }

    /** A segment-level selection; the token mask follows from the chosen segments. */
    static Selection ofSegments(String policy, int[] tokenCounts, java.util.SortedSet<Integer> chosen, String note) {
        List<boolean[]> mask = new ArrayList<>(tokenCounts.length);
        for (int s = 0; s < tokenCounts.length; s++) {
            boolean[] m = new boolean[tokenCounts[s]];
            Arrays.fill(m, chosen.contains(s));
            mask.add(m);
        }
        return new Selection(policy, Level.SEGMENT, chosen.stream().mapToInt(Integer::intValue).toArray(), mask, note);
    }

    /** A token-level selection; its segments are those holding a chosen token. */
    static Selection ofTokens(String policy, List<boolean[]> mask, String note) {
        List<Integer> segments = new ArrayList<>();
        for (int s = 0; s < mask.size(); s++) {
            for (boolean b : mask.get(s)) {
                if (b) {
                    segments.add(s);
                    break;
                }
            }
        }
        return new Selection(policy, Level.TOKEN, segments.stream().mapToInt(Integer::intValue).toArray(), mask, note);
    }

    @Override
    public int[] segments() {
        return segments.clone();
    }

    public boolean isSelected(int segment) {
        return Arrays.binarySearch(segments, segment) >= 0;
    }

    /** Number of supervised tokens. */
    public int supervisedTokens() {
        int n = 0;
        for (boolean[] m : tokenMask) {
            for (boolean b : m) {
                n += b ? 1 : 0;
            }
        }
        return n;
    }

    public int totalTokens() {
        return tokenMask.stream().mapToInt(m -> m.length).sum();
    }

    /** Supervised share of the trace's tokens (0 for a trace without tokens). */
    public double tokenRatio() {
        int total = totalTokens();
        return total == 0 ? 0 : (double) supervisedTokens() / total;
    }

    /** For each segment, the indices (within the segment) of its supervised tokens. */
    public List<int[]> selectedTokenIndices() {
        List<int[]> result = new ArrayList<>(tokenMask.size());
        for (boolean[] m : tokenMask) {
            int[] idx = new int[m.length];
            int k = 0;
            for (int n = 0; n < m.length; n++) {
                if (m[n]) {
                    idx[k++] = n;
                }
            }
            result.add(Arrays.copyOf(idx, k));
        }
        return result;
    }

    @Override
    public String toString() {
        return "Selection(" + policy + ", segments=" + Arrays.toString(segments) + ", tokens "
                + supervisedTokens() + "/" + totalTokens() + (note.isEmpty() ? "" : ", " + note) + ")";
    }
}
