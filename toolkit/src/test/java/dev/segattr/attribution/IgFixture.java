package dev.segattr.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segattr.tokenizer.TraceLayout;
import dev.segattr.trace.Segmenter;
import dev.segattr.trace.Trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The golden integrated-gradients case written by toolkit/src/test/python/make_ig_fixtures.py. */
final class IgFixture {

    final Path dir;
    final JsonNode json;

    private IgFixture(Path dir, JsonNode json) {
        this.dir = dir;
        this.json = json;
    }

    static IgFixture load() {
        try {
            Path dir = Path.of(IgFixture.class.getResource("/fixtures/attribution/ig_qwen3").toURI());
            return new IgFixture(dir, new ObjectMapper().readTree(dir.resolve("case.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    Trace trace() {
        return Trace.of("golden", json.get("question").asText(), json.get("reasoning").asText(), json.get("answer").asText());
    }

    AnswerTarget target(dev.segattr.tokenizer.Tokenizer tokenizer) {
        Trace t = trace();
        return AnswerTarget.of(tokenizer, TraceLayout.promptOf(tokenizer), t, Segmenter.reference().split(t.reasoning()));
    }

    /** U as transformers' apply_chat_template rendered it. */
    String prompt() {
        return json.get("prompt").asText();
    }

    long[] ids() {
        return longs(json.get("ids"));
    }

    double[] doubles(String field) {
        JsonNode n = json.get(field);
        double[] d = new double[n.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = n.get(i).isNull() ? Double.NaN : n.get(i).asDouble();
        }
        return d;
    }

    static long[] longs(JsonNode n) {
        long[] l = new long[n.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = n.get(i).asLong();
        }
        return l;
    }

    /** ||got - want|| / ||want||. */
    static double relativeL2(double[] got, double[] want) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            num += (got[i] - want[i]) * (got[i] - want[i]);
            den += want[i] * want[i];
        }
        return Math.sqrt(num / den);
    }
}
