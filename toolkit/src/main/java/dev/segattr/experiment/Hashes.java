package dev.segattr.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** SHA-256 of inputs, so that a record says exactly what data and weights produced it. */
public final class Hashes {

    private Hashes() {
    }

    public static String sha256(Path file) {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not hash " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** A file's hash, or for a folder (a checkpoint) every regular file's hash by relative path, sorted. */
    public static Map<String, String> of(Path fileOrFolder) {
        Map<String, String> hashes = new LinkedHashMap<>();
        if (Files.isDirectory(fileOrFolder)) {
            try (Stream<Path> files = Files.walk(fileOrFolder)) {
                List<Path> sorted = files.filter(Files::isRegularFile).sorted().toList();
                for (Path f : sorted) {
                    hashes.put(fileOrFolder.relativize(f).toString(), sha256(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            hashes.put(fileOrFolder.getFileName().toString(), sha256(fileOrFolder));
        }
        return hashes;
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
