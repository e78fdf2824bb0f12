package io.streamgrid.hazelcast.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import io.streamgrid.common.format.Buffers;
import io.streamgrid.common.format.JsonSchemaInference;
import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.hazelcast.member.CompactFields;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Builds Hazelcast Compact {@link GenericRecord}s from Connect values. The Compact schema follows the Connect
 * schema (optional fields become nullable kinds, so a null fits), or, for schemaless JSON, the schema inferred
 * from the document (every field nullable; whole numbers INT64, others FLOAT64). For a map with an SQL mapping,
 * schemaless numbers are DECIMAL instead ({@code numbersAsDecimal}): JSON has one number type, and a Compact field
 * must keep one kind in every record for SQL to read it, whether a device sent 21 or 21.5; DECIMAL holds every
 * JSON number as written (21, 21.5, an epoch-milliseconds timestamp, a 64-bit id), which FLOAT64 does not (arrays
 * keep the inferred kinds: SQL does not read them). A struct field becomes a nested record of type
 * {@code <type>.<field>} unless its schema is named. Kafka's Date, Time and Timestamp become Compact DATE, TIME
 * and TIMESTAMP_WITH_TIMEZONE (UTC), Decimal becomes DECIMAL, bytes an array of INT8. Compact has no map type: a
 * map field is bad data, named.
 */
public final class CompactRecords {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final JsonValueFormat json = new JsonValueFormat();
    private final boolean numbersAsDecimal;

    /** Records whose schemaless numbers are INT64 or FLOAT64, as inferred. */
    public CompactRecords() {
        this(false);
    }

    /** @param numbersAsDecimal whether schemaless numbers become DECIMAL fields (for an SQL mapping) */
    public CompactRecords(boolean numbersAsDecimal) {
        this.numbersAsDecimal = numbersAsDecimal;
    }

    /** The record of a projected value; a value that is not a struct or object is a {@code DataException}. */
    public GenericRecord of(String typeName, SchemaAndValue projected) {
        Schema schema = projected.schema();
        Object value = projected.value();
        boolean schemaless = schema == null || value instanceof String || value instanceof byte[];
        if (schemaless) {
            SchemaAndValue inferred = infer(value);
            schema = inferred.schema();
            value = inferred.value();
        }
        if (schema.type() != Schema.Type.STRUCT || !(value instanceof Struct struct)) {
            throw new DataException("a Compact value is a record: the value is " + schema.type()
                    + ", not a struct or a JSON object");
        }
        return record(typeName, struct, schemaless && numbersAsDecimal);
    }

    /** The schema and struct of schemaless data: a Map, or JSON text as a string or bytes. */
    private SchemaAndValue infer(Object value) {
        String text = value instanceof String s ? s
                : value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : json.encode(null, value);
        try {
            return JsonSchemaInference.infer(MAPPER.readTree(text));
        } catch (IOException e) {
            throw new DataException("a schemaless value must be JSON to become a Compact record: " + e.getMessage());
        }
    }

    /** @param decimals whether numbers become DECIMAL fields (schemaless JSON for an SQL mapping) */
    private static GenericRecord record(String typeName, Struct struct, boolean decimals) {
        GenericRecordBuilder builder = GenericRecordBuilder.compact(typeName);
        for (Field field : struct.schema().fields()) {
            CompactFields.set(builder, field.name(),
                    field(typeName + "." + field.name(), field.schema(), struct.get(field), decimals));
        }
        return builder.build();
    }

    private static CompactFields.Field field(String path, Schema schema, Object value, boolean decimals) {
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return new CompactFields.Field(FieldKind.DECIMAL, value);
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return new CompactFields.Field(FieldKind.DATE, value == null ? null : date(value));
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return new CompactFields.Field(FieldKind.TIME, value == null ? null : time(value));
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return new CompactFields.Field(FieldKind.TIMESTAMP_WITH_TIMEZONE, value == null ? null : timestamp(value));
        }
        boolean nullable = schema.isOptional();
        return switch (schema.type()) {
            case INT8 -> scalar(nullable, FieldKind.NULLABLE_INT8, FieldKind.INT8, value);
            case INT16 -> scalar(nullable, FieldKind.NULLABLE_INT16, FieldKind.INT16, value);
            case INT32 -> scalar(nullable, FieldKind.NULLABLE_INT32, FieldKind.INT32, value);
            case INT64 -> decimals && value instanceof Long whole
                    ? new CompactFields.Field(FieldKind.DECIMAL, BigDecimal.valueOf(whole))
                    : scalar(nullable, FieldKind.NULLABLE_INT64, FieldKind.INT64, value);
            case FLOAT32 -> scalar(nullable, FieldKind.NULLABLE_FLOAT32, FieldKind.FLOAT32, value);
            case FLOAT64 -> decimals && value instanceof Double d && Double.isFinite(d)
                    ? new CompactFields.Field(FieldKind.DECIMAL, BigDecimal.valueOf(d)) // 21.53 as written
                    : scalar(nullable, FieldKind.NULLABLE_FLOAT64, FieldKind.FLOAT64, value);
            case BOOLEAN -> scalar(nullable, FieldKind.NULLABLE_BOOLEAN, FieldKind.BOOLEAN, value);
            case STRING -> new CompactFields.Field(FieldKind.STRING, value);
            case BYTES -> new CompactFields.Field(FieldKind.ARRAY_OF_INT8,
                    value instanceof ByteBuffer buffer ? Buffers.toArray(buffer) : value);
            case STRUCT -> new CompactFields.Field(FieldKind.COMPACT,
                    value == null ? null : record(nestedType(path, schema), (Struct) value, decimals));
            case ARRAY -> array(path, schema.valueSchema(), (List<?>) value);
            case MAP -> throw new DataException("field '" + path + "' is a map, and Compact has no map type; select "
                    + "its entries as fields, or store the value as JSON");
        };
    }

    private static CompactFields.Field scalar(boolean nullable, FieldKind nullableKind, FieldKind kind, Object value) {
        return new CompactFields.Field(nullable ? nullableKind : kind, value);
    }

    private static String nestedType(String path, Schema schema) {
        return schema.name() != null && !schema.name().isBlank() ? schema.name() : path;
    }

    private static CompactFields.Field array(String path, Schema element, List<?> list) {
        String logical = element.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return objects(FieldKind.ARRAY_OF_DECIMAL, list, BigDecimal[]::new, v -> v);
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return objects(FieldKind.ARRAY_OF_DATE, list, LocalDate[]::new, CompactRecords::date);
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return objects(FieldKind.ARRAY_OF_TIME, list, LocalTime[]::new, CompactRecords::time);
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return objects(FieldKind.ARRAY_OF_TIMESTAMP_WITH_TIMEZONE, list, OffsetDateTime[]::new,
                    CompactRecords::timestamp);
        }
        boolean nullable = element.isOptional();
        switch (element.type()) {
            case STRING:
                return objects(FieldKind.ARRAY_OF_STRING, list, String[]::new, v -> v);
            case STRUCT:
                String type = nestedType(path, element);
                return objects(FieldKind.ARRAY_OF_COMPACT, list, GenericRecord[]::new,
                        v -> record(type, (Struct) v, false));
            case INT8:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_INT8, list, Byte[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_INT8, list, n -> new byte[n],
                                (a, i, v) -> ((byte[]) a)[i] = (Byte) v);
            case INT16:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_INT16, list, Short[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_INT16, list, n -> new short[n],
                                (a, i, v) -> ((short[]) a)[i] = (Short) v);
            case INT32:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_INT32, list, Integer[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_INT32, list, n -> new int[n],
                                (a, i, v) -> ((int[]) a)[i] = (Integer) v);
            case INT64:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_INT64, list, Long[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_INT64, list, n -> new long[n],
                                (a, i, v) -> ((long[]) a)[i] = (Long) v);
            case FLOAT32:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_FLOAT32, list, Float[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_FLOAT32, list, n -> new float[n],
                                (a, i, v) -> ((float[]) a)[i] = (Float) v);
            case FLOAT64:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_FLOAT64, list, Double[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_FLOAT64, list, n -> new double[n],
                                (a, i, v) -> ((double[]) a)[i] = (Double) v);
            case BOOLEAN:
                return nullable ? objects(FieldKind.ARRAY_OF_NULLABLE_BOOLEAN, list, Boolean[]::new, v -> v)
                        : primitives(FieldKind.ARRAY_OF_BOOLEAN, list, n -> new boolean[n],
                                (a, i, v) -> ((boolean[]) a)[i] = (Boolean) v);
            default:
                throw new DataException("field '" + path + "' is an array of " + element.type() + ", which Compact "
                        + "cannot hold; store the value as JSON");
        }
    }

    private static <T> CompactFields.Field objects(FieldKind kind, List<?> list, IntFunction<T[]> arrays,
                                                   Function<Object, Object> convert) {
        if (list == null) {
            return new CompactFields.Field(kind, null);
        }
        T[] array = arrays.apply(list.size());
        for (int i = 0; i < array.length; i++) {
            Object item = list.get(i);
            @SuppressWarnings("unchecked")
            T converted = (T) (item == null ? null : convert.apply(item));
            array[i] = converted;
        }
        return new CompactFields.Field(kind, array);
    }

    private interface ArraySetter {
        void set(Object array, int index, Object value);
    }

    private static CompactFields.Field primitives(FieldKind kind, List<?> list, IntFunction<Object> arrays,
                                                  ArraySetter setter) {
        if (list == null) {
            return new CompactFields.Field(kind, null);
        }
        Object array = arrays.apply(list.size());
        for (int i = 0; i < list.size(); i++) {
            setter.set(array, i, list.get(i));
        }
        return new CompactFields.Field(kind, array);
    }

    private static LocalDate date(Object value) {
        return LocalDate.ofEpochDay(Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY));
    }

    private static LocalTime time(Object value) {
        return LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() * 1_000_000L);
    }

    private static OffsetDateTime timestamp(Object value) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(((java.util.Date) value).getTime()), ZoneOffset.UTC);
    }
}
