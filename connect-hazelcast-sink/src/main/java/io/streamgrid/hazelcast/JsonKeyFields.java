package io.streamgrid.hazelcast;

import io.streamgrid.common.format.JsonMembers;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the PK fields of a JSON object text without building the whole object: the sink keys every record of an
 * IMAP and parsing the full value took half of the task's time. One allocation-free scan ({@link JsonMembers}) finds
 * the fields; a Jackson parser per record was the largest of the task's own allocations in case 2b (issue #31).
 * Values come out as the full parse gives them (strings, Long, Double, Boolean; the last of duplicate names wins).
 * Anything else, a missing or null field, a nested value, a whole number beyond a long or bad JSON, returns null so
 * the caller takes the full path and its precise errors.
 */
final class JsonKeyFields {

    private final List<String> names;

    /** {@code names}: top-level field names. */
    JsonKeyFields(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** The fields' values in the order of the names, or null when the full parse must decide. */
    Object[] read(Object value) {
        String text = value instanceof String s ? s
                : value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
        if (text == null) {
            return null;
        }
        Object[] found = new Object[names.size()];
        if (!JsonMembers.visit(text, new Reader(found))) {
            return null;
        }
        for (Object part : found) {
            if (part == null) {
                return null;
            }
        }
        return found;
    }

    /** Takes the values of the wanted members into {@code found}; null for one the full path must decide. */
    private final class Reader implements JsonMembers.Visitor {

        private final Object[] found;

        Reader(Object[] found) {
            this.found = found;
        }

        @Override
        public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind) {
            // told with the value's range below
        }

        @Override
        public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind, int valueStart,
                           int valueEnd) {
            int at = indexOf(text, nameStart, nameEnd);
            if (at >= 0) {
                found[at] = scalar(text, kind, valueStart, valueEnd);
            }
        }
    }

    private static Object scalar(String text, JsonMembers.Kind kind, int start, int end) {
        return switch (kind) {
            case STRING -> JsonMembers.name(text, start + 1, end - 1);
            case WHOLE -> Long.parseLong(text, start, end, 10);
            case NUMBER -> isWholeNumber(text, start, end) ? null // beyond a long: the full parse refuses it
                    : (Object) Double.parseDouble(text.substring(start, end));
            case BOOLEAN -> text.charAt(start) == 't';
            default -> null; // null, object, array: the full path decides
        };
    }

    private static boolean isWholeNumber(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
    }

    /** Which name the member has, compared in place; -1 for none. */
    private int indexOf(String text, int nameStart, int nameEnd) {
        for (int i = nameStart; i < nameEnd; i++) {
            if (text.charAt(i) == '\\') { // written with escapes: compare it decoded
                return names.indexOf(JsonMembers.name(text, nameStart, nameEnd));
            }
        }
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            if (name.length() == nameEnd - nameStart && text.startsWith(name, nameStart)) {
                return n;
            }
        }
        return -1;
    }
}
