package io.streamgrid.hazelcast.member;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.Temporal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Reads and writes a Compact field of any kind as a plain Java value (boxed scalars, arrays, GenericRecords),
 * so that fields can be copied from one record into another without a switch at every use, and converts a
 * field to another kind where no information is lost.
 */
public final class CompactFields {

    /** A field's kind and value, as the GenericRecord getter of that kind returns it. */
    public record Field(FieldKind kind, Object value) {
    }

    /** Kinds with no null: a null needs their nullable kind. */
    public static final Set<FieldKind> NOT_NULLABLE = Set.of(FieldKind.BOOLEAN, FieldKind.INT8, FieldKind.INT16,
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
    public static Field get(GenericRecord record, String name) {
        FieldKind kind = record.getFieldKind(name);
        if (kind == FieldKind.NOT_AVAILABLE) {
            return null;
        }
        return new Field(kind, access(kind).getter().get(record, name));
    }

    public static void set(GenericRecordBuilder builder, String name, Field field) {
        access(field.kind()).setter().set(builder, name, field.value());
    }

    /**
     * The field as a field of kind {@code target}, or null when its value does not convert without loss: a
     * number converts to any number kind that reads back as the same number (21 to FLOAT64 21.0, 21.0 to INT64
     * 21, DECIMAL 21.53 to FLOAT64 21.53; not 21.5 to INT64, nor to FLOAT64 a whole number the double does not
     * hold exactly, as most beyond 2^53: 1152921504606846980 would be 2^60), a null to any nullable kind; other
     * values only to their own kind. Never to text: {@link #asText} says when that is wanted.
     */
    public static Field convert(Field field, FieldKind target) {
        if (field.kind() == target) {
            return field;
        }
        Object value = field.value();
        if (value == null) {
            return NOT_NULLABLE.contains(target) ? null : new Field(target, null);
        }
        Object converted = switch (target) {
            case BOOLEAN, NULLABLE_BOOLEAN -> value instanceof Boolean ? value : null;
            case INT8, NULLABLE_INT8 -> whole(value, Byte.MIN_VALUE, Byte.MAX_VALUE, l -> (byte) l);
            case INT16, NULLABLE_INT16 -> whole(value, Short.MIN_VALUE, Short.MAX_VALUE, l -> (short) l);
            case INT32, NULLABLE_INT32 -> whole(value, Integer.MIN_VALUE, Integer.MAX_VALUE, l -> (int) l);
            case INT64, NULLABLE_INT64 -> whole(value, Long.MIN_VALUE, Long.MAX_VALUE, l -> l);
            case FLOAT32, NULLABLE_FLOAT32 -> float32(value);
            case FLOAT64, NULLABLE_FLOAT64 -> float64(value);
            case DECIMAL -> decimal(value);
            default -> null; // text, points in time, records and arrays convert only to their own kind
        };
        return converted == null ? null : new Field(target, converted);
    }

    /** A scalar field as a STRING field of its text (a whole FLOAT64 without ".0"); null for records and arrays. */
    public static Field asText(Field field) {
        Object value = field.value();
        if (value == null || value instanceof String) {
            return new Field(FieldKind.STRING, value);
        }
        String text;
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            text = Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : value.toString();
        } else if (value instanceof BigDecimal decimal) {
            text = decimal.toPlainString();
        } else if (value instanceof Number || value instanceof Boolean || value instanceof Temporal) {
            text = value.toString();
        } else {
            return null;
        }
        return new Field(FieldKind.STRING, text);
    }

    /** A number's exact value; null for a value that is no number, NaN or infinite. */
    private static BigDecimal exact(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        return null;
    }

    private static Object whole(Object value, long min, long max, LongFunction<Object> box) {
        BigDecimal exact = exact(value);
        if (exact == null) {
            return null;
        }
        try {
            long whole = exact.longValueExact();
            return whole >= min && whole <= max ? box.apply(whole) : null;
        } catch (ArithmeticException e) {
            return null; // a fraction, or beyond 64 bits
        }
    }

    /** A double that reads back as the same number (see {@link #standsFor}). */
    private static Object float64(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        BigDecimal exact = exact(value);
        if (exact == null) {
            return null;
        }
        double d = exact.doubleValue();
        return Double.isFinite(d) && standsFor(exact, new BigDecimal(d), BigDecimal.valueOf(d)) ? d : null;
    }

    /**
     * Whether a binary floating-point number stands for {@code exact}: a whole number only when it is that number
     * exactly (a whole number is read as one: 2^53 + 1 must not come back as 2^53, though their shortest texts
     * agree); a fraction when its shortest text is (DECIMAL 21.53 as the double whose shortest text is "21.53").
     *
     * @param binary   the floating-point number's exact value
     * @param shortest the number its shortest text names
     */
    private static boolean standsFor(BigDecimal exact, BigDecimal binary, BigDecimal shortest) {
        boolean whole = exact.signum() == 0 || exact.stripTrailingZeros().scale() <= 0;
        return (whole ? binary : shortest).compareTo(exact) == 0;
    }

    private static Object float32(Object value) {
        if (value instanceof Float) {
            return value;
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return d.floatValue(); // NaN and the infinities are floats too
        }
        BigDecimal exact = value instanceof Double d ? BigDecimal.valueOf(d) : exact(value);
        if (exact == null) {
            return null;
        }
        float f = exact.floatValue();
        return Float.isFinite(f) && standsFor(exact, new BigDecimal(f), new BigDecimal(Float.toString(f))) ? f : null;
    }

    /** The decimal a number was written as (21.5, not the binary fraction a double holds); null for NaN, infinity. */
    private static Object decimal(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return exact(value);
    }

    private static Access access(FieldKind kind) {
        Access access = ACCESS.get(kind);
        if (access == null) {
            throw new IllegalArgumentException("Compact field kind " + kind + " is not supported");
        }
        return access;
    }
}
