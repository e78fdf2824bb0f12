package io.streamgrid.hazelcast.state;

import io.streamgrid.common.format.JsonMembers;
import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.hazelcast.member.JsonForm;
import io.streamgrid.hazelcast.member.StateForm;
import io.streamgrid.hazelcast.member.Versions;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/**
 * Device state as JSON objects, stored as strings or, with {@code jsonValue = true}, as HazelcastJsonValue. A record's
 * document is its JSON text, checked to be one object and read for its version with {@link JsonMembers}' scan, which
 * allocates nothing: a parse per record into Hazelcast's JSON objects was most of the task's work keyed by device
 * (issue #31). A batch's texts of one key fold by the same scan ({@link #fold}); what a merge with the stored value
 * needs parsed, {@link JsonForm} parses.
 */
public final class JsonStateValues implements StateValues {

    private final JsonValueFormat json = new JsonValueFormat();
    private final JsonForm form;

    public JsonStateValues(boolean jsonValue) {
        this.form = new JsonForm(jsonValue).withTextFold(JsonStateValues::fold);
    }

    @Override
    public Object document(SchemaAndValue projected) {
        String text = json.encode(projected.schema(), projected.value());
        if (JsonMembers.visit(text, (t, nameStart, nameEnd, kind) -> { })) {
            return text;
        }
        try {
            return JsonForm.parseObject(text); // says what is wrong with it
        } catch (JsonForm.NotAnObjectException e) {
            throw new DataException("a merged or versioned value is a JSON object, not " + JsonForm.abbreviate(text));
        } catch (IllegalArgumentException e) {
            throw new DataException("not JSON: " + e.getMessage());
        }
    }

    @Override
    public StateForm form() {
        return form;
    }

    @Override
    public BigDecimal version(Object document, String field, Supplier<String> where) {
        if (!(document instanceof String text)) {
            return form.version(document, field, where);
        }
        VersionField found = new VersionField(field);
        JsonMembers.visit(text, found);
        if (found.kind == null || found.kind == JsonMembers.Kind.NULL) {
            return null;
        }
        String value = text.substring(found.valueStart, found.valueEnd);
        return switch (found.kind) {
            case WHOLE, NUMBER -> Versions.ofNumber(value, where);
            case STRING -> Versions.of(JsonMembers.name(text, found.valueStart + 1, found.valueEnd - 1), where);
            default -> throw new IllegalArgumentException(where.get() + " is " + value + ", not a number, a timestamp "
                    + "or an ISO-8601 string");
        };
    }

    /** Where the last member of one name lies, as JSON reads a duplicate name. */
    private static final class VersionField implements JsonMembers.Visitor {

        private final String name;
        private JsonMembers.Kind kind;
        private int valueStart;
        private int valueEnd;

        VersionField(String name) {
            this.name = name;
        }

        @Override
        public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind) {
            // told with the value's range below
        }

        @Override
        public void member(String text, int nameStart, int nameEnd, JsonMembers.Kind kind, int valueStart,
                           int valueEnd) {
            if (JsonMembers.name(text, nameStart, nameEnd).equals(name)) {
                this.kind = kind;
                this.valueStart = valueStart;
                this.valueEnd = valueEnd;
            }
        }
    }

    /**
     * JSON object texts merged into one: each top-level member where it first appears, with the value of the last
     * text that has it, as {@link JsonForm#fold} merges parsed objects; names and values as written.
     */
    static String fold(List<String> texts) {
        Map<String, String[]> members = new LinkedHashMap<>();
        for (String text : texts) {
            JsonMembers.visit(text, new JsonMembers.Visitor() {
                @Override
                public void member(String t, int nameStart, int nameEnd, JsonMembers.Kind kind) {
                    // told with the value's range below
                }

                @Override
                public void member(String t, int nameStart, int nameEnd, JsonMembers.Kind kind, int valueStart,
                                   int valueEnd) {
                    String value = t.substring(valueStart, valueEnd);
                    String[] member = members.get(JsonMembers.name(t, nameStart, nameEnd));
                    if (member != null) {
                        member[1] = value;
                    } else {
                        members.put(JsonMembers.name(t, nameStart, nameEnd),
                                new String[] {t.substring(nameStart - 1, nameEnd + 1), value});
                    }
                }
            });
        }
        StringBuilder folded = new StringBuilder(texts.get(texts.size() - 1).length() * 2).append('{');
        for (String[] member : members.values()) {
            if (folded.length() > 1) {
                folded.append(',');
            }
            folded.append(member[0]).append(':').append(member[1]);
        }
        return folded.append('}').toString();
    }
}
