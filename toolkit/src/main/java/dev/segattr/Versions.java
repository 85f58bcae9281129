package dev.segattr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions this build was made with (segattr, DJL, PyTorch), from the version.properties Maven filled in.
 * At the root of the package tree so that the command line's {@code --version} and the experiment record's
 * environment read the same figures without one depending on the other.
 */
public record Versions(String segattr, String djl, String pytorch) {

    private static final String RESOURCE = "/dev/segattr/version.properties";

    /** This build's versions; "?" for any the resource lacks (a build that skipped resource filtering). */
    public static Versions ofThisBuild() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Versions(p.getProperty("version", "?"), p.getProperty("djl", "?"), p.getProperty("pytorch", "?"));
    }
}
