package io.streamgrid.hazelcast.state;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes a Compact field of any kind as a plain Java value (boxed scalars, arrays, GenericRecords),
 * so that fields can be copied from one record into another without a switch at every use.
 */
final class CompactFields {

    /** A field's kind and value, as the GenericRecord getter of that kind returns it. */
    record Field(FieldKind kind, Object value) {
    }

    /** Kinds with no null: a null needs their nullable kind. */
    static final Set<FieldKind> NOT_NULLABLE = Set.of(FieldKind.BOOLEAN, FieldKind.INT8, FieldKind.INT16,
            FieldKind.INT32, FieldKind.INT64, FieldKind.FLOAT32, FieldKind.FLOAT64);

    private interface Getter {
        Object get(GenericRecord record, String name);
    }

    private interface Setter {
        void set(GenericRecordBuilder builder, String name, Object value);
    }

    private record Access(Getter getter, Setter setter) {
    }

    private static final Map<FieldKind, Access> ACCESS = new EnumMap<>(FieldKind.class);

    static {
        put(FieldKind.BOOLEAN, GenericRecord::getBoolean, (b, n, v) -> b.setBoolean(n, (Boolean) v));
        put(FieldKind.INT8, GenericRecord::getInt8, (b, n, v) -> b.setInt8(n, (Byte) v));
        put(FieldKind.INT16, GenericRecord::getInt16, (b, n, v) -> b.setInt16(n, (Short) v));
        put(FieldKind.INT32, GenericRecord::getInt32, (b, n, v) -> b.setInt32(n, (Integer) v));
        put(FieldKind.INT64, GenericRecord::getInt64, (b, n, v) -> b.setInt64(n, (Long) v));
        put(FieldKind.FLOAT32, GenericRecord::getFloat32, (b, n, v) -> b.setFloat32(n, (Float) v));
        put(FieldKind.FLOAT64, GenericRecord::getFloat64, (b, n, v) -> b.setFloat64(n, (Double) v));
        put(FieldKind.NULLABLE_BOOLEAN, GenericRecord::getNullableBoolean,
                (b, n, v) -> b.setNullableBoolean(n, (Boolean) v));
        put(FieldKind.NULLABLE_INT8, GenericRecord::getNullableInt8, (b, n, v) -> b.setNullableInt8(n, (Byte) v));
        put(FieldKind.NULLABLE_INT16, GenericRecord::getNullableInt16, (b, n, v) -> b.setNullableInt16(n, (Short) v));
        put(FieldKind.NULLABLE_INT32, GenericRecord::getNullableInt32,
                (b, n, v) -> b.setNullableInt32(n, (Integer) v));
        put(FieldKind.NULLABLE_INT64, GenericRecord::getNullableInt64, (b, n, v) -> b.setNullableInt64(n, (Long) v));
        put(FieldKind.NULLABLE_FLOAT32, GenericRecord::getNullableFloat32,
                (b, n, v) -> b.setNullableFloat32(n, (Float) v));
        put(FieldKind.NULLABLE_FLOAT64, GenericRecord::getNullableFloat64,
                (b, n, v) -> b.setNullableFloat64(n, (Double) v));
        put(FieldKind.STRING, GenericRecord::getString, (b, n, v) -> b.setString(n, (String) v));
        put(FieldKind.DECIMAL, GenericRecord::getDecimal, (b, n, v) -> b.setDecimal(n, (BigDecimal) v));
        put(FieldKind.TIME, GenericRecord::getTime, (b, n, v) -> b.setTime(n, (LocalTime) v));
        put(FieldKind.DATE, GenericRecord::getDate, (b, n, v) -> b.setDate(n, (LocalDate) v));
        put(FieldKind.TIMESTAMP, GenericRecord::getTimestamp, (b, n, v) -> b.setTimestamp(n, (LocalDateTime) v));
        put(FieldKind.TIMESTAMP_WITH_TIMEZONE, GenericRecord::getTimestampWithTimezone,
                (b, n, v) -> b.setTimestampWithTimezone(n, (OffsetDateTime) v));
        put(FieldKind.COMPACT, GenericRecord::getGenericRecord, (b, n, v) -> b.setGenericRecord(n, (GenericRecord) v));
        put(FieldKind.ARRAY_OF_BOOLEAN, GenericRecord::getArrayOfBoolean,
                (b, n, v) -> b.setArrayOfBoolean(n, (boolean[]) v));
        put(FieldKind.ARRAY_OF_INT8, GenericRecord::getArrayOfInt8, (b, n, v) -> b.setArrayOfInt8(n, (byte[]) v));
        put(FieldKind.ARRAY_OF_INT16, GenericRecord::getArrayOfInt16, (b, n, v) -> b.setArrayOfInt16(n, (short[]) v));
        put(FieldKind.ARRAY_OF_INT32, GenericRecord::getArrayOfInt32, (b, n, v) -> b.setArrayOfInt32(n, (int[]) v));
        put(FieldKind.ARRAY_OF_INT64, GenericRecord::getArrayOfInt64, (b, n, v) -> b.setArrayOfInt64(n, (long[]) v));
        put(FieldKind.ARRAY_OF_FLOAT32, GenericRecord::getArrayOfFloat32,
                (b, n, v) -> b.setArrayOfFloat32(n, (float[]) v));
        put(FieldKind.ARRAY_OF_FLOAT64, GenericRecord::getArrayOfFloat64,
                (b, n, v) -> b.setArrayOfFloat64(n, (double[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_BOOLEAN, GenericRecord::getArrayOfNullableBoolean,
                (b, n, v) -> b.setArrayOfNullableBoolean(n, (Boolean[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_INT8, GenericRecord::getArrayOfNullableInt8,
                (b, n, v) -> b.setArrayOfNullableInt8(n, (Byte[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_INT16, GenericRecord::getArrayOfNullableInt16,
                (b, n, v) -> b.setArrayOfNullableInt16(n, (Short[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_INT32, GenericRecord::getArrayOfNullableInt32,
                (b, n, v) -> b.setArrayOfNullableInt32(n, (Integer[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_INT64, GenericRecord::getArrayOfNullableInt64,
                (b, n, v) -> b.setArrayOfNullableInt64(n, (Long[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_FLOAT32, GenericRecord::getArrayOfNullableFloat32,
                (b, n, v) -> b.setArrayOfNullableFloat32(n, (Float[]) v));
        put(FieldKind.ARRAY_OF_NULLABLE_FLOAT64, GenericRecord::getArrayOfNullableFloat64,
                (b, n, v) -> b.setArrayOfNullableFloat64(n, (Double[]) v));
        put(FieldKind.ARRAY_OF_STRING, GenericRecord::getArrayOfString,
                (b, n, v) -> b.setArrayOfString(n, (String[]) v));
        put(FieldKind.ARRAY_OF_DECIMAL, GenericRecord::getArrayOfDecimal,
                (b, n, v) -> b.setArrayOfDecimal(n, (BigDecimal[]) v));
        put(FieldKind.ARRAY_OF_TIME, GenericRecord::getArrayOfTime, (b, n, v) -> b.setArrayOfTime(n, (LocalTime[]) v));
        put(FieldKind.ARRAY_OF_DATE, GenericRecord::getArrayOfDate, (b, n, v) -> b.setArrayOfDate(n, (LocalDate[]) v));
        put(FieldKind.ARRAY_OF_TIMESTAMP, GenericRecord::getArrayOfTimestamp,
                (b, n, v) -> b.setArrayOfTimestamp(n, (LocalDateTime[]) v));
        put(FieldKind.ARRAY_OF_TIMESTAMP_WITH_TIMEZONE, GenericRecord::getArrayOfTimestampWithTimezone,
                (b, n, v) -> b.setArrayOfTimestampWithTimezone(n, (OffsetDateTime[]) v));
        put(FieldKind.ARRAY_OF_COMPACT, GenericRecord::getArrayOfGenericRecord,
                (b, n, v) -> b.setArrayOfGenericRecord(n, (GenericRecord[]) v));
    }

    private CompactFields() {
    }

    private static void put(FieldKind kind, Getter getter, Setter setter) {
        ACCESS.put(kind, new Access(getter, setter));
    }

    /** The field of that name, or null when the record has none. */
    static Field get(GenericRecord record, String name) {
        FieldKind kind = record.getFieldKind(name);
        if (kind == FieldKind.NOT_AVAILABLE) {
            return null;
        }
        return new Field(kind, access(kind).getter().get(record, name));
    }

    static void set(GenericRecordBuilder builder, String name, Field field) {
        access(field.kind()).setter().set(builder, name, field.value());
    }

    private static Access access(FieldKind kind) {
        Access access = ACCESS.get(kind);
        if (access == null) {
            throw new IllegalArgumentException("Compact field kind " + kind + " is not supported");
        }
        return access;
    }
}
