package dev.segattr.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.segattr.BadInputException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template (the Jinja {@code chat_template} of tokenizer_config.json), rendered with
 * jinjava to the same text as transformers' {@code apply_chat_template(messages, tokenize=False,
 * add_generation_prompt=...)}.
 *
 * <p>The template sees what transformers passes: {@code messages}, {@code add_generation_prompt},
 * {@code tools} and {@code documents} (None unless given), the tokenizer's named special tokens
 * ({@code bos_token}, {@code eos_token}, {@code pad_token}...), extra variables (e.g. {@code enable_thinking}),
 * and the globals {@code raise_exception} and {@code strftime_now}. What jinjava lacks or reads otherwise is
 * supplied: Jinja2's whitespace rules ({@link JinjaSource}), Python str methods and {@code dict.get(k, d)}
 * ({@link PythonMethods}), slices with a step, Python's precedence of unary {@code not} and of tests after
 * filters, keyword arguments holding filters ({@link Expressions}), loop filters and for-else ({@link JinjavaWriter}),
 * {@code tojson} as json.dumps, {@code trim} as str.strip, the {@code generation} block, and Python's way of
 * printing values (True, lists as ['a', 1]).
 *
 * <p>Known differences: printing a None value ({@code {{ x }}} with x None) gives "" where Jinja2 writes
 * "None" (jinjava cannot tell None from undefined, and undefined, e.g. a bos_token the tokenizer lacks, must
 * print ""); recursive loops are refused. Errors in a template, and its own {@code raise_exception}, are
 * BadInputException.
 */
public final class ChatTemplate {

    private final String source;
    private final String jinjavaSource;
    private final Map<String, Object> specialTokens;

    private ChatTemplate(String source, Map<String, ?> specialTokens) {
        this.source = source;
        this.jinjavaSource = JinjaSource.toJinjava(source);
        this.specialTokens = Map.copyOf(specialTokens);
    }

    /**
     * A template from its Jinja source and the tokenizer's named special tokens ({"bos_token": "...", ...}).
     * Throws BadInputException when the source does not lex (an unclosed tag).
     */
    public static ChatTemplate of(String source, Map<String, ?> specialTokens) {
        return new ChatTemplate(source, specialTokens);
    }

    /** The template as written in tokenizer_config.json. */
    public String source() {
        return source;
    }

    /** The conversation as text; {@code addGenerationPrompt} appends the opening of the assistant's turn. */
    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * As {@link #render(List, boolean)} with further template variables: {@code tools} (list of JSON schemas),
     * {@code documents}, {@code enable_thinking} and whatever else a template reads. They override the
     * special tokens, as transformers' keyword arguments do.
     */
    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt,
            Map<String, ?> variables) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.put("messages", messages);
        context.put("tools", null);
        context.put("documents", null);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.putAll(variables);
        RenderResult result = Engine.JINJAVA.renderForResult(jinjavaSource, context);
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new BadInputException(describe(error));
            }
        }
        return result.getOutput();
    }

    /** The one-turn prompt of the method: a user message and the generation prompt. */
    public String prompt(String userMessage) {
        return render(List.of(Map.of("role", "user", "content", userMessage)), true);
    }

    private static String describe(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof JinjaFunctions.Raised raised) {
                return "chat template: " + raised.getMessage();
            }
        }
        String message = error.getMessage();
        int raisedAt = message == null ? -1 : message.indexOf(JinjaFunctions.Raised.PREFIX);
        if (raisedAt >= 0) { // jinjava kept only the message of the exception raise_exception threw
            return "chat template: " + message.substring(raisedAt + JinjaFunctions.Raised.PREFIX.length()).trim();
        }
        return "chat template line " + error.getLineno() + ": " + message;
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + source.length() + " chars, specials " + specialTokens.keySet() + "]";
    }

    /** One configured jinjava for all templates (jinjava renders concurrently from one instance). */
    private static final class Engine {
        static final Jinjava JINJAVA = create();

        private static Jinjava create() {
            CompositeELResolver resolver = new CompositeELResolver();
            resolver.add(new PythonMethods());
            resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
            JinjavaConfig config = JinjavaConfig.newBuilder()
                    .withTrimBlocks(false)          // whitespace is resolved beforehand, as Jinja2 does it
                    .withLstripBlocks(false)
                    .withNestedInterpretationEnabled(false) // a message containing "{{" stays text
                    .withElResolver(resolver)
                    .withLegacyOverrides(LegacyOverrides.newBuilder()
                            .withIterateOverMapKeys(true)
                            .withEvaluateMapKeys(true)
                            .withKeepNullableLoopValues(true)
                            .withUsePyishObjectMapper(true)
                            .build())
                    .build();
            Jinjava jinjava = new Jinjava(config);
            JinjaFunctions.register(jinjava);
            return jinjava;
        }
    }
}
