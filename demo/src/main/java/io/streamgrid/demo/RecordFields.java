package io.streamgrid.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The fields of a value the sink wrote, whatever its format: a Compact record (read as a GenericRecord, since
 * the dashboard has no class for it), JSON text or a HazelcastJsonValue.
 */
final class RecordFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordFields() {
    }

    static Map<String, Object> of(Object value) {
        if (value instanceof GenericRecord record) {
            return compact(record);
        }
        if (value instanceof HazelcastJsonValue json) {
            return json(json.getValue());
        }
        if (value instanceof String text) {
            return json(text);
        }
        return value == null ? Map.of() : Map.of("value", String.valueOf(value));
    }

    /** A number field as epoch milliseconds (a device timestamp), or -1. */
    static long millis(Map<String, Object> fields, String name) {
        return fields.get(name) instanceof Number number ? number.longValue() : -1;
    }

    private static Map<String, Object> compact(GenericRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String name : new TreeSet<>(record.getFieldNames())) {
            FieldKind kind = record.getFieldKind(name);
            Object value = switch (kind) {
                case STRING -> record.getString(name);
                case BOOLEAN -> record.getBoolean(name);
                case NULLABLE_BOOLEAN -> record.getNullableBoolean(name);
                case INT8 -> record.getInt8(name);
                case INT16 -> record.getInt16(name);
                case INT32 -> record.getInt32(name);
                case INT64 -> record.getInt64(name);
                case NULLABLE_INT8 -> record.getNullableInt8(name);
                case NULLABLE_INT16 -> record.getNullableInt16(name);
                case NULLABLE_INT32 -> record.getNullableInt32(name);
                case NULLABLE_INT64 -> record.getNullableInt64(name);
                case FLOAT32 -> record.getFloat32(name);
                case FLOAT64 -> record.getFloat64(name);
                case NULLABLE_FLOAT32 -> record.getNullableFloat32(name);
                case NULLABLE_FLOAT64 -> record.getNullableFloat64(name);
                case DECIMAL -> record.getDecimal(name); // JSON numbers of a map with an SQL mapping
                default -> kind.name(); // arrays, nested records, dates: the dashboard names their kind
            };
            fields.put(name, value);
        }
        return fields;
    }

    private static Map<String, Object> json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                return Map.of("value", text);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            node.fields().forEachRemaining(field -> fields.put(field.getKey(), JSON.convertValue(field.getValue(),
                    Object.class)));
            return fields;
        } catch (java.io.IOException e) {
            return Map.of("value", text);
        }
    }
}
