package dev.segattr.template;

import java.beans.FeatureDescriptor;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's str methods ({@code content.startswith('<tool_response>')}, {@code .split('</think>')},
 * {@code .strip('\n')}...) and {@code dict.get(key, default)} for jinjava, which otherwise finds only Java's
 * methods (Java's {@code split} takes a regex and drops trailing empty parts). Placed before jinjava's own
 * resolvers: calls it does not know it leaves unresolved.
 */
final class PythonMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (base instanceof CharSequence text) {
            result = stringMethod(text.toString(), method.toString(), args);
        } else if (base instanceof Map<?, ?> map && method.toString().equals("get") && args.length == 2) {
            result = map.containsKey(args[0]) ? map.get(args[0]) : args[1];
        } else {
            return null;
        }
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object stringMethod(String s, String name, Object[] a) {
        return switch (name) {
            case "startswith" -> affix(s, a, true);
            case "endswith" -> affix(s, a, false);
            case "strip" -> PyStrings.strip(s, chars(a));
            case "lstrip" -> PyStrings.lstrip(s, chars(a));
            case "rstrip" -> PyStrings.rstrip(s, chars(a));
            case "split" -> PyStrings.split(s, arg(a, 0), count(a, 1));
            case "rsplit" -> PyStrings.rsplit(s, arg(a, 0), count(a, 1));
            case "splitlines" -> PyStrings.splitlines(s);
            case "upper" -> s.toUpperCase();
            case "lower" -> s.toLowerCase();
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "replace" -> PyStrings.replace(s, str(a[0]), str(a[1]), count(a, 2));
            case "find" -> s.indexOf(str(a[0]));
            case "rfind" -> s.lastIndexOf(str(a[0]));
            case "count" -> count(s, str(a[0]));
            case "join" -> join(s, a[0]);
            case "removeprefix" -> s.startsWith(str(a[0])) ? s.substring(str(a[0]).length()) : s;
            case "removesuffix" -> s.endsWith(str(a[0])) && !str(a[0]).isEmpty()
                    ? s.substring(0, s.length() - str(a[0]).length()) : s;
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && PyStrings.allSpace(s, 0, s.length());
            case "isupper" -> s.chars().anyMatch(Character::isUpperCase) && s.chars().noneMatch(Character::isLowerCase);
            case "islower" -> s.chars().anyMatch(Character::isLowerCase) && s.chars().noneMatch(Character::isUpperCase);
            default -> NOT_HANDLED;
        };
    }

    /** startswith/endswith(prefix or tuple of prefixes[, start[, end]]). */
    private static boolean affix(String s, Object[] a, boolean start) {
        String part = s.substring(
                a.length > 1 ? clamp(PyStrings.toInt(a[1]), s.length()) : 0,
                a.length > 2 ? Math.max(clamp(PyStrings.toInt(a[2]), s.length()), a.length > 1
                        ? clamp(PyStrings.toInt(a[1]), s.length()) : 0) : s.length());
        Collection<?> options = a[0] instanceof Collection<?> c ? c : List.of(str(a[0]));
        for (Object o : options) {
            if (start ? part.startsWith(str(o)) : part.endsWith(str(o))) {
                return true;
            }
        }
        return false;
    }

    private static int clamp(int index, int length) {
        return Math.max(0, Math.min(length, index < 0 ? index + length : index));
    }

    private static String chars(Object[] a) {
        return a.length > 0 && a[0] != null ? str(a[0]) : null;
    }

    private static String arg(Object[] a, int i) {
        return a.length > i && a[i] != null ? str(a[i]) : null;
    }

    private static int count(Object[] a, int i) {
        return a.length > i && a[i] != null ? PyStrings.toInt(a[i]) : -1;
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String separator, Object items) {
        Iterable<?> iterable = items instanceof Iterable<?> it ? it
                : items instanceof Object[] array ? List.of(array) : List.of(str(items).split(""));
        StringBuilder b = new StringBuilder();
        Iterator<?> it = iterable.iterator();
        while (it.hasNext()) {
            b.append(str(it.next()));
            if (it.hasNext()) {
                b.append(separator);
            }
        }
        return b.toString();
    }

    private static String str(Object o) {
        return PyStrings.str(o);
    }

    // ---- not a property resolver: leave every lookup to jinjava's own resolvers

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
