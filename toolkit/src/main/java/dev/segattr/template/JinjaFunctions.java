package dev.segattr.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The globals, filters and tags transformers adds to Jinja2 for chat templates, and our two helper filters. */
final class JinjaFunctions {

    private JinjaFunctions() {
    }

    static void register(Jinjava jinjava) {
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", JinjaFunctions.class,
                "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", JinjaFunctions.class,
                "strftimeNow", String.class));
        jinjava.registerFilter(new ToJson());
        jinjava.registerFilter(new Trim());
        jinjava.registerFilter(new Str());
        jinjava.registerFilter(new Slice());
        jinjava.registerTag(new Generation());
    }

    /** What raise_exception throws; the render reports its message as the template's own words. */
    static final class Raised extends RuntimeException {
        static final String PREFIX = "raise_exception:";

        Raised(String message) {
            super(PREFIX + " " + message);
        }

        @Override
        public String getMessage() {
            return super.getMessage().substring(PREFIX.length() + 1);
        }
    }

    public static Object raiseException(Object message) {
        throw new Raised(PyStrings.str(unwrap(message)));
    }

    /** strftime_now(format): the local time in Python's strftime format. */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format);
    }

    /** jinjava's wrappers (SafeString) back to plain values. */
    static Object unwrap(Object value) {
        return value instanceof SafeString safe ? safe.toString() : value;
    }

    /** transformers' tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False). */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.getOrDefault("indent", args.length > 1 ? args[1] : null);
            Object separators = kwargs.get("separators");
            String items = null;
            String keys = null;
            if (separators instanceof List<?> pair && pair.size() == 2) {
                items = PyStrings.str(pair.get(0));
                keys = PyStrings.str(pair.get(1));
            }
            boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            Integer spaces = indent == null ? null : PyStrings.toInt(indent);
            return PyStrings.jsonDumps(unwrap(var), spaces, items, keys, sortKeys);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    /** Jinja2's trim: Python's str.strip(chars). */
    static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object chars = args.length > 0 ? args[0] : kwargs.get("chars");
            return PyStrings.strip(PyStrings.str(unwrap(var)), chars == null ? null : PyStrings.str(chars));
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    /** Python's str() of what {{ }} prints. */
    static final class Str implements Filter {
        @Override
        public String getName() {
            return JinjaSource.STR_FILTER;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return PyStrings.str(unwrap(var));
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PyStrings.str(unwrap(var));
        }
    }

    /** seq[start:stop:step] with Python's rules (JinjaSource rewrites slices into this filter). */
    static final class Slice implements Filter {
        @Override
        public String getName() {
            return JinjaSource.SLICE_FILTER;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object seq = unwrap(var);
            if (seq instanceof Object[] array) {
                seq = Arrays.asList(array);
            }
            if (!(seq instanceof String) && !(seq instanceof List<?>)) {
                throw new IllegalArgumentException("cannot slice " + (seq == null ? "None" : seq.getClass().getSimpleName()));
            }
            return PyStrings.slice(seq, arg(args, 0), arg(args, 1), arg(args, 2));
        }

        private static Object arg(Object[] args, int i) {
            return i < args.length ? args[i] : null;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            throw new UnsupportedOperationException("slice needs its bounds as values");
        }
    }

    /** transformers' {% generation %} block (marks assistant text for masks): renders its body unchanged. */
    static final class Generation implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder b = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                b.append(child.render(interpreter).getValue());
            }
            return b.toString();
        }
    }
}
