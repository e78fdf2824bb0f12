package io.streamgrid.hazelcast;

import io.streamgrid.common.format.Buffers;
import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.SelectedField;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * The key of a map-like entry: the values of the PK fields (several joined with KEYDELIMITER, default
 * '.'), else the record key, else {@code topic-partition-offset}. A single PK value keeps its type;
 * structured keys become JSON text, since Hazelcast cannot store a Connect Struct as a key.
 */
final class KeyMaker {

    static final String DEFAULT_DELIMITER = ".";

    private final List<FieldPath> primaryKeys;
    private final FieldProjection projection;
    private final String delimiter;
    private final JsonValueFormat json = new JsonValueFormat();
    /** For PK fields that are all top-level value fields: read from JSON text without parsing all of it. */
    private final JsonKeyFields jsonFields;

    KeyMaker(KcqlStatement statement) {
        this.primaryKeys = statement.primaryKeys();
        List<SelectedField> fields = new ArrayList<>();
        for (int i = 0; i < primaryKeys.size(); i++) {
            fields.add(new SelectedField(primaryKeys.get(i), false, "pk" + i));
        }
        this.projection = fields.isEmpty() ? null : new FieldProjection(fields, List.of());
        this.delimiter = statement.keyDelimiter().orElse(DEFAULT_DELIMITER);
        boolean topLevel = !primaryKeys.isEmpty() && primaryKeys.stream()
                .allMatch(pk -> pk.kind() == FieldKind.VALUE && pk.segments().size() == 1);
        this.jsonFields = topLevel ? new JsonKeyFields(primaryKeys.stream().map(pk -> pk.segments().get(0)).toList())
                : null;
    }

    Object key(RecordView record) {
        if (projection == null) {
            return record.key() != null ? plain(record.key())
                    : record.topic() + "-" + record.partition() + "-" + record.offset();
        }
        Object[] fromText = jsonFields != null && (record.value() instanceof String || record.value() instanceof byte[])
                ? jsonFields.read(record.value()) : null;
        if (fromText != null) {
            return join(fromText);
        }
        Object projected = projection.apply(record).value();
        if (projected == null) {
            throw new DataException("Record " + record.describe() + " is a tombstone, so it has no value to take the "
                    + "PK fields " + primaryKeys + " from; use PK _key... fields to delete by key");
        }
        Object[] parts = new Object[primaryKeys.size()];
        for (int i = 0; i < parts.length; i++) {
            Object part = projected instanceof Struct struct ? struct.get("pk" + i) : ((Map<?, ?>) projected).get("pk" + i);
            if (part == null) {
                throw new DataException("PK field '" + primaryKeys.get(i) + "' is null in record " + record.describe());
            }
            parts[i] = plain(part);
        }
        return join(parts);
    }

    /** One part keeps its type; several become text joined with the delimiter. */
    private Object join(Object[] parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            joined.append(i == 0 ? "" : delimiter)
                    .append(parts[i] instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : parts[i]);
        }
        return joined.toString();
    }

    /** A key Hazelcast can store and users can look up: primitives as they are, structures as JSON text. */
    private Object plain(Object value) {
        if (value instanceof ByteBuffer buffer) {
            return Buffers.toArray(buffer);
        }
        if (value instanceof Struct struct) {
            return json.encode(struct.schema(), struct);
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
            return json.encode(null, value);
        }
        if (value instanceof Date date) {
            return date.getTime();
        }
        return value;
    }
}
