package org.busline.test.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small writer of deterministic JSON: objects are {@code Map}s written with their keys sorted, arrays are
 * iterables written in their own order, one element per line; strings are escaped as RFC 8259 requires.
 */
public final class Json {
    private Json() {
    }

    /** Writes a value (a map, an iterable, a string, a number, a boolean or null), with a final newline. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text, out);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            object(map, out, indent);
        } else if (value instanceof Iterable<?> items) {
            array(items, out, indent);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void object(Map<?, ?> map, StringBuilder out, String indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((key, value) -> sorted.put((String) key, value));
        boolean flat = sorted.values().stream().noneMatch(v -> v instanceof Map || v instanceof Iterable);
        if (flat) {    // a small object of scalars stays on one line, so arrays of them diff line by line
            out.append('{');
            Iterator<Map.Entry<String, Object>> entries = sorted.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<String, Object> entry = entries.next();
                string(entry.getKey(), out);
                out.append(": ");
                write(entry.getValue(), out, indent);
                out.append(entries.hasNext() ? ", " : "");
            }
            out.append('}');
            return;
        }
        String inner = indent + "  ";
        out.append("{\n");
        Iterator<Map.Entry<String, Object>> entries = sorted.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Object> entry = entries.next();
            out.append(inner);
            string(entry.getKey(), out);
            out.append(": ");
            write(entry.getValue(), out, inner);
            out.append(entries.hasNext() ? ",\n" : "\n");
        }
        out.append(indent).append('}');
    }

    private static void array(Iterable<?> items, StringBuilder out, String indent) {
        Iterator<?> iterator = items.iterator();
        if (!iterator.hasNext()) {
            out.append("[]");
            return;
        }
        String inner = indent + "  ";
        out.append("[\n");
        while (iterator.hasNext()) {
            out.append(inner);
            write(iterator.next(), out, inner);
            out.append(iterator.hasNext() ? ",\n" : "\n");
        }
        out.append(indent).append(']');
    }

    static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
