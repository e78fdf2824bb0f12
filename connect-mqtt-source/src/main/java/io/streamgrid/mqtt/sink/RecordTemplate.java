package io.streamgrid.mqtt.sink;

import io.streamgrid.common.format.Buffers;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * A text with parts taken from each record ({@code devices/${device_id}/cmd}, {@code ${_key}},
 * {@code ${_header.name}}, {@code ${_topic}}): an MQTT topic or an MQTT 5 property. A reference whose value is
 * missing or empty, or that is not a plain value, is bad data: the record is never published with a text it does not
 * give. For an MQTT topic each value must also stay within one topic level: a '/' would move the message to another
 * topic, a '+' or '#' makes a name no broker takes.
 */
final class RecordTemplate {

    private final String what;
    private final NameTemplate template;
    private final List<FieldPath> paths;
    private final boolean topicLevels;
    /** The top-level value fields the template reads, when it reads no other kind: JSON text is then only scanned. */
    private final Set<String> topLevelFields;

    /**
     * @param what        what the text is, for messages ("the MQTT topic", "the response topic")
     * @param topicLevels whether each value must be one MQTT topic level
     */
    private RecordTemplate(String what, NameTemplate template, boolean topicLevels) {
        this.what = what;
        this.template = template;
        this.paths = template.references().stream().map(FieldPath::parse).toList();
        this.topicLevels = topicLevels;
        boolean onlyTopLevel = paths.stream().allMatch(p -> p.kind() == FieldKind.VALUE && p.segments().size() == 1);
        this.topLevelFields = onlyTopLevel ? paths.stream().map(p -> p.segments().get(0)).collect(Collectors.toSet())
                : Set.of();
    }

    /** Reads a template; a malformed one is an IllegalArgumentException saying why. */
    static RecordTemplate parse(String what, String written, boolean topicLevels) {
        NameTemplate template = NameTemplate.parse(written);
        for (String reference : template.references()) {
            FieldPath.parse(reference);
        }
        return new RecordTemplate(what, template, topicLevels);
    }

    NameTemplate template() {
        return template;
    }

    /** The field each reference reads, in order. */
    List<FieldPath> paths() {
        return paths;
    }

    boolean isConstant() {
        return template.isConstant();
    }

    /** The top-level value fields the template reads when it reads only such fields (a JSON scan gives them), else none. */
    Set<String> topLevelFields() {
        return topLevelFields;
    }

    /**
     * The text for one record; a value it cannot give is a DataException naming the record and the reference.
     * {@code scan}: the record's value scanned for {@link #topLevelFields}, or null.
     */
    String resolve(RecordView record, RecordFields fields, JsonScan scan) {
        if (template.isConstant()) {
            return template.toString();
        }
        Map<String, Object> scanned = scan == null || topLevelFields.isEmpty() ? null : scan.values();
        try {
            return template.resolve(reference -> value(record, fields, scanned, reference));
        } catch (IllegalArgumentException e) {
            throw new DataException("Record " + record.describe() + " cannot give " + what + " '" + template + "': "
                    + e.getMessage(), e);
        }
    }

    private String value(RecordView record, RecordFields fields, Map<String, Object> scanned, String reference) {
        FieldPath path = paths.get(template.references().indexOf(reference));
        Object value = scanned != null ? scanned.get(path.segments().get(0)) : fields.read(record, path);
        if (value == null) {
            return null; // NameTemplate names the reference that has no value
        }
        if (value instanceof Struct || value instanceof Map || value instanceof Collection) {
            throw new IllegalArgumentException("'${" + reference + "}' is a " + value.getClass().getSimpleName()
                    + ", not a value a name can hold");
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : value instanceof ByteBuffer buffer ? new String(Buffers.toArray(buffer), StandardCharsets.UTF_8)
                : String.valueOf(value);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("'${" + reference + "}' is empty");
        }
        if (topicLevels) {
            for (char forbidden : new char[] {'/', '+', '#', '\u0000'}) {
                if (text.indexOf(forbidden) >= 0) {
                    throw new IllegalArgumentException("'${" + reference + "}' is '" + text + "', which holds '"
                            + (forbidden == 0 ? "\\u0000" : String.valueOf(forbidden)) + "': a value is one topic "
                            + "level, without '/', '+' or '#'");
                }
            }
        }
        return text;
    }

    @Override
    public String toString() {
        return template.toString();
    }
}
