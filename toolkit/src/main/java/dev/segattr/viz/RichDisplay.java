package dev.segattr.viz;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An object that can show itself in a notebook. The toolkit does not depend on any kernel: an object offers
 * its forms as a MIME bundle, and a kernel (segattr's, or any JShell-based one with a line of glue) picks
 * the richest form its front end understands. Jupyter shows {@code text/html} and {@code image/png} inline
 * and falls back to {@code text/plain}, so a bundle should always carry a plain-text form too.
 *
 * <p>Values: a {@link String} for text types ({@code text/plain}, {@code text/html}, {@code text/markdown},
 * {@code image/svg+xml}); a {@code byte[]} (raw bytes) or a base64 {@link String} for {@code image/png}.
 */
public interface RichDisplay {

    String TEXT_PLAIN = "text/plain";
    String TEXT_HTML = "text/html";
    String TEXT_MARKDOWN = "text/markdown";
    String IMAGE_PNG = "image/png";
    String IMAGE_SVG = "image/svg+xml";

    /** The forms of this object, MIME type to content, in order of preference. */
    Map<String, Object> mimeBundle();

    /** A fixed bundle (copied), e.g. {@code RichDisplay.of(Map.of("text/html", html, "text/plain", text))}. */
    static RichDisplay of(Map<String, Object> bundle) {
        Map<String, Object> copy = Collections.unmodifiableMap(new LinkedHashMap<>(bundle));
        return new RichDisplay() {
            @Override
            public Map<String, Object> mimeBundle() {
                return copy;
            }

            @Override
            public String toString() {
                Object plain = copy.get(TEXT_PLAIN);
                return plain != null ? plain.toString() : "RichDisplay" + copy.keySet();
            }
        };
    }

    /** HTML with a plain-text fallback. */
    static RichDisplay html(String html, String plainText) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_HTML, html);
        bundle.put(TEXT_PLAIN, plainText);
        return of(bundle);
    }

    /** Markdown; its source is the plain-text fallback. */
    static RichDisplay markdown(String markdown) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(TEXT_MARKDOWN, markdown);
        bundle.put(TEXT_PLAIN, markdown);
        return of(bundle);
    }

    /** A PNG image (the file's bytes) with a short description as the plain-text fallback. */
    static RichDisplay png(byte[] png, String description) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(IMAGE_PNG, png.clone());
        bundle.put(TEXT_PLAIN, description);
        return of(bundle);
    }

    /** An SVG image (its XML text) with a short description as the plain-text fallback. */
    static RichDisplay svg(String svg, String description) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(IMAGE_SVG, svg);
        bundle.put(TEXT_PLAIN, description);
        return of(bundle);
    }

    /**
     * The bundle as Jupyter's JSON wants it: binary image types base64-encoded, everything else as text.
     * Kernels call this; a {@code byte[]} under a text type is read as UTF-8.
     */
    static Map<String, String> encode(Map<String, Object> bundle) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : bundle.entrySet()) {
            String mime = e.getKey();
            Object value = e.getValue();
            if (value == null) {
                continue;
            }
            boolean binary = mime.startsWith("image/") && !mime.equals(IMAGE_SVG);
            if (value instanceof byte[]) {
                byte[] bytes = (byte[]) value;
                out.put(mime, binary ? Base64.getEncoder().encodeToString(bytes)
                        : new String(bytes, StandardCharsets.UTF_8));
            } else {
                out.put(mime, value.toString());
            }
        }
        return out;
    }
}
