package io.streamgrid.mqtt.sink;

import io.streamgrid.common.format.JsonMembers;
import io.streamgrid.common.projection.RecordFields;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A record value that is JSON text, scanned once per record with {@link JsonMembers} (allocating only the values it
 * keeps): whether it is one whole JSON object, so a JSON payload can be the text as it is, and the top-level fields
 * the statement's templates read, with the values {@link RecordFields} would give (strings; whole numbers as longs
 * and other numbers as BigDecimal, which print as the Integer, Long, BigInteger and BigDecimal of Jackson's map;
 * booleans; null or missing: absent). A field that holds an object or array is marked, so that RecordFields reads
 * the record and says what it holds.
 */
final class JsonScan implements JsonMembers.Visitor {

    private final Set<String> wanted;
    private final Map<String, Object> values = new HashMap<>();
    private boolean structured;

    private JsonScan(Set<String> wanted) {
        this.wanted = wanted;
    }

    /** The scan of a value, or null when the value is no JSON object text. */
    static JsonScan of(Object value, Set<String> wanted) {
        if (!(value instanceof String text) || !text.stripLeading().startsWith("{")) {
            return null;
        }
        JsonScan scan = new JsonScan(wanted);
        return JsonMembers.visit(text, scan) ? scan : null;
    }

    /** The top-level values read, or null when one of them holds an object or array. */
    Map<String, Object> values() {
        return structured ? null : values;
    }

    @Override
    public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind) {
        // told with the value's range below
    }

    @Override
    public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind, int valueStart, int valueEnd) {
        String name = wanted(text, nameStart, nameEnd);
        if (name == null) {
            return;
        }
        switch (kind) {
            case STRING -> values.put(name, JsonMembers.name(text, valueStart + 1, valueEnd - 1));
            case WHOLE -> values.put(name, Long.parseLong(text, valueStart, valueEnd, 10));
            case NUMBER -> values.put(name, new BigDecimal(text.substring(valueStart, valueEnd)));
            case BOOLEAN -> values.put(name, text.charAt(valueStart) == 't');
            case NULL -> values.remove(name);
            default -> structured = true;
        }
    }

    /** The member's name when a template reads it, else null; compared in place, without a copy. */
    private String wanted(String text, int nameStart, int nameEnd) {
        for (String field : wanted) {
            if (field.length() == nameEnd - nameStart && text.startsWith(field, nameStart)) {
                return field;
            }
        }
        for (int i = nameStart; i < nameEnd; i++) {
            if (text.charAt(i) == '\\') { // written with escapes: compare it decoded
                String name = JsonMembers.name(text, nameStart, nameEnd);
                return wanted.contains(name) ? name : null;
            }
        }
        return null;
    }
}
