package dev.segattr.notebook;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Masked training data written for another trainer (TRL's SFTTrainer and kin): one JSON line per trace with
 * {@code input_ids} and {@code labels} (-100 where no loss), as {@code segattr export} writes it.
 *
 * @param file       the JSON Lines file
 * @param examples   traces written
 * @param skipped    traces left out (no supervised token), with the reason
 * @param tokens     tokens in all
 * @param supervised tokens that carry loss
 * @param supervisedFraction supervised share of the reasoning and answer tokens
 */
public record Exported(Path file, int examples, java.util.List<String> skipped, long tokens, long supervised, double supervisedFraction) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d examples (%d skipped), %d tokens, %d supervised (%.1f%% of the reasoning and answer)",
                file, examples, skipped.size(), tokens, supervised, 100 * supervisedFraction);
    }
}
