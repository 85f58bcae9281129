package dev.segattr.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segattr.BadInputException;
import dev.segattr.tokenizer.TokenizerFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chat templates rendered exactly as transformers' apply_chat_template(tokenize=False) renders them. */
class ChatTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static <T> T plain(JsonNode node) {
        return (T) JSON.convertValue(node, Object.class);
    }

    private static ChatTemplate template(String name, JsonNode specials) {
        String source = name.equals("qwen3")
                ? TokenizerFixtures.json("qwen3/tokenizer_config.json").get("chat_template").asText()
                : TokenizerFixtures.text(name + "/chat_template.jinja");
        return ChatTemplate.of(source, plain(specials.get(name)));
    }

    @Test
    void qwen3AndDeepSeekTemplatesMatchTransformers() {
        JsonNode fixture = TokenizerFixtures.json("chat_templates.json");
        Map<String, ChatTemplate> templates = Map.of(
                "qwen3", template("qwen3", fixture.get("special_tokens")),
                "deepseek_r1_distill_qwen", template("deepseek_r1_distill_qwen", fixture.get("special_tokens")));
        List<String> failures = new ArrayList<>();
        int count = 0;
        for (JsonNode c : fixture.get("cases")) {
            Map<String, Object> variables = plain(c.get("kwargs"));
            if (!c.get("tools").isNull()) {
                variables.put("tools", plain(c.get("tools")));
            }
            String rendered = templates.get(c.get("template").asText())
                    .render(plain(c.get("messages")), c.get("add_generation_prompt").asBoolean(), variables);
            String expected = c.get("rendered").asText();
            if (!expected.equals(rendered)) {
                failures.add(c.get("template").asText() + "/" + c.get("name").asText() + " gen="
                        + c.get("add_generation_prompt") + "\n--- expected\n" + expected + "\n--- got\n" + rendered);
            }
            count++;
        }
        assertTrue(count >= 30, "cases: " + count);
        assertTrue(failures.isEmpty(), failures.size() + " of " + count + " differ:\n" + String.join("\n\n", failures));
    }

    @Test
    void deepSeekGenerationPromptOpensTheThinkBlock() {
        ChatTemplate deepseek = ChatTemplate.of(TokenizerFixtures.text("deepseek_r1_distill_qwen/chat_template.jinja"),
                Map.of("bos_token", "<｜begin▁of▁sentence｜>", "eos_token", "<｜end▁of▁sentence｜>"));
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>What is 1+1?<｜Assistant｜><think>\n",
                deepseek.prompt("What is 1+1?"));
    }

    @Test
    void jinjaSemanticsMatchJinja2() {
        List<String> failures = new ArrayList<>();
        for (JsonNode c : TokenizerFixtures.json("jinja_cases.json").get("cases")) {
            String rendered;
            try {
                rendered = ChatTemplate.of(c.get("template").asText(), Map.of())
                        .render(List.of(), false, plain(c.get("context")));
            } catch (RuntimeException e) {
                rendered = "EXCEPTION " + e;
            }
            if (!c.get("rendered").asText().equals(rendered)) {
                failures.add(c.get("name").asText() + ": template " + c.get("template") + "\n  expected "
                        + c.get("rendered") + "\n  got      " + JSON.valueToTree(rendered));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void raiseExceptionReportsTheTemplatesMessage() {
        ChatTemplate strict = ChatTemplate.of(
                "{% for m in messages %}{% if m.role not in ['user', 'assistant'] %}"
                        + "{{ raise_exception('Unknown role: ' + m.role) }}{% endif %}{{ m.content }}{% endfor %}",
                Map.of());
        assertEquals("hi", strict.render(List.of(Map.of("role", "user", "content", "hi")), false));
        BadInputException e = assertThrows(BadInputException.class,
                () -> strict.render(List.of(Map.of("role", "robot", "content", "x")), false));
        assertEquals("chat template: Unknown role: robot", e.getMessage());
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplateCode() {
        ChatTemplate plainTemplate = ChatTemplate.of("{% for m in messages %}[{{ m.content }}]{% endfor %}", Map.of());
        String tricky = "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #} \\n";
        assertEquals("[" + tricky + "]", plainTemplate.render(List.of(Map.of("role", "user", "content", tricky)), false));
    }

    @Test
    void longTracesRenderWhole() {
        String trace = "Wait, let me check 12 + 30 = 42 again.\n\n".repeat(5000); // ~210k chars
        ChatTemplate qwen = template("qwen3", TokenizerFixtures.json("chat_templates.json").get("special_tokens"));
        String rendered = qwen.render(List.of(Map.of("role", "user", "content", "Q"),
                Map.of("role", "assistant", "content", "<think>\n" + trace + "</think>\n\n42")), false);
        assertTrue(rendered.contains(trace.strip()), "the trace is rendered whole");
    }

    @Test
    void noneAndUndefinedBothPrintNothing() {
        // The one known difference from Jinja2, which prints a None value as "None" (undefined prints "").
        ChatTemplate t = ChatTemplate.of("[{{ bos_token }}][{{ messages[0].content }}]", Map.of());
        java.util.HashMap<String, Object> toolCall = new java.util.HashMap<>();
        toolCall.put("role", "assistant");
        toolCall.put("content", null);
        assertEquals("[][]", t.render(List.of(toolCall), false));
    }

    @Test
    void unclosedTagIsBadInput() {
        BadInputException e = assertThrows(BadInputException.class, () -> ChatTemplate.of("a\n{{ x", Map.of()));
        assertTrue(e.getMessage().startsWith("chat template line 2"), e.getMessage());
    }
}
