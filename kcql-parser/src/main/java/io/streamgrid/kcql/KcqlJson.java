package io.streamgrid.kcql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Writes statements as JSON whose keys are the model's own names, for the checker's output. */
public final class KcqlJson {

    private KcqlJson() {
    }

    public static String write(List<KcqlStatement> statements) {
        List<Object> list = new ArrayList<>();
        statements.forEach(s -> list.add(toTree(s)));
        StringBuilder out = new StringBuilder();
        writeValue(out, list, 0);
        return out.toString();
    }

    static Map<String, Object> toTree(KcqlStatement s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("writeMode", s.writeMode().name());
        m.put("target", s.target());
        m.put("source", s.source());
        m.put("fields", s.fields().stream().map(KcqlJson::field).toList());
        m.put("ignore", s.ignore().stream().map(KcqlJson::path).toList());
        m.put("primaryKeys", s.primaryKeys().stream().map(KcqlJson::path).toList());
        m.put("format", s.format().map(Enum::name).orElse(null));
        m.put("storeAs", s.storeAs().map(KcqlJson::storeAs).orElse(null));
        m.put("keyFields", s.keyFields().stream().map(KcqlJson::path).toList());
        m.put("keyDelimiter", unwrap(s.keyDelimiter()));
        m.put("converter", unwrap(s.converter()));
        m.put("regex", unwrap(s.regex()));
        m.put("ttl", unwrap(s.ttl()));
        m.put("batch", unwrap(s.batch()));
        m.put("limit", unwrap(s.limit()));
        m.put("properties", s.properties());
        m.put("withType", unwrap(s.withType()));
        m.put("where", s.where().map(Condition::toString).orElse(null));
        return m;
    }

    private static Map<String, Object> field(SelectedField f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path(f.path()));
        m.put("wildcard", f.wildcard());
        m.put("alias", f.alias());
        return m;
    }

    private static Map<String, Object> path(FieldPath p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", p.kind().name());
        m.put("segments", p.segments());
        return m;
    }

    private static Map<String, Object> storeAs(StoreAs s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", s.type());
        m.put("parameters", s.parameters());
        return m;
    }

    private static Object unwrap(Optional<String> value) {
        return value.orElse(null);
    }

    private static Object unwrap(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static Object unwrap(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static void writeValue(StringBuilder out, Object value, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(out, s);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",").append('\n').append("  ".repeat(indent + 1));
                writeString(out, String.valueOf(e.getKey()));
                out.append(": ");
                writeValue(out, e.getValue(), indent + 1);
                first = false;
            }
            out.append('\n').append("  ".repeat(indent)).append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",").append('\n').append("  ".repeat(indent + 1));
                writeValue(out, list.get(i), indent + 1);
            }
            out.append('\n').append("  ".repeat(indent)).append(']');
        } else {
            writeString(out, value.toString());
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
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
