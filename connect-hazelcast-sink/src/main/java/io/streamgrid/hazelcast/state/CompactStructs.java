package io.streamgrid.hazelcast.state;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import io.streamgrid.hazelcast.member.CompactFields;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * A Hazelcast {@link GenericRecord} (Compact, or Portable) as a Connect {@link Struct}: the inverse of
 * {@link CompactRecords}, for the Hazelcast source. Each record gets the schema of its own fields, in the record's
 * field order: INT8 to FLOAT64 and BOOLEAN as themselves (their NULLABLE_ kinds optional), STRING optional, DECIMAL
 * as Connect's Decimal with the value's scale, DATE, TIME and both TIMESTAMP kinds as Connect's Date, Time (to the
 * millisecond) and Timestamp (a TIMESTAMP without a zone read as UTC), a nested record as a nested struct, and arrays
 * of each as arrays, except ARRAY_OF_INT8, which the sink writes for BYTES and which comes back as BYTES. A Portable
 * record's CHAR is a one-character string. What has no Connect form (array elements of different record types) is a
 * {@link DataException} naming the field.
 */
public final class CompactStructs {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** The schema of a record field that is null: its fields are unknown. */
    private static final Schema NULL_RECORD = SchemaBuilder.struct().optional().build();

    private CompactStructs() {
    }

    /** The record's schema and struct. */
    public static SchemaAndValue of(GenericRecord record) {
        Struct struct = struct(record, "");
        return new SchemaAndValue(struct.schema(), struct);
    }

    private record Converted(Schema schema, Object value) {
    }

    private static Struct struct(GenericRecord record, String path) {
        List<String> names = new ArrayList<>(record.getFieldNames());
        List<Converted> fields = new ArrayList<>(names.size());
        SchemaBuilder schema = SchemaBuilder.struct().optional();
        for (String name : names) {
            Converted field = field(record, name, path + name);
            fields.add(field);
            schema.field(name, field.schema());
        }
        Struct struct = new Struct(schema.build());
        for (int i = 0; i < names.size(); i++) {
            struct.put(names.get(i), fields.get(i).value());
        }
        return struct;
    }

    private static Converted field(GenericRecord record, String name, String path) {
        FieldKind kind = record.getFieldKind(name);
        switch (kind) { // the kinds only Portable records have, which CompactFields does not read
            case CHAR:
                return new Converted(Schema.STRING_SCHEMA, String.valueOf(record.getChar(name)));
            case ARRAY_OF_CHAR:
                char[] chars = record.getArrayOfChar(name);
                return new Converted(SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build(),
                        chars == null ? null : new String(chars).chars().mapToObj(c -> String.valueOf((char) c))
                                .toList());
            case PORTABLE:
                return nested(record.getGenericRecord(name), path);
            case ARRAY_OF_PORTABLE:
                return records(record.getArrayOfGenericRecord(name), path);
            default:
                break;
        }
        CompactFields.Field field = CompactFields.get(record, name);
        Object value = field == null ? null : field.value();
        return switch (kind) {
            case BOOLEAN -> new Converted(Schema.BOOLEAN_SCHEMA, value);
            case INT8 -> new Converted(Schema.INT8_SCHEMA, value);
            case INT16 -> new Converted(Schema.INT16_SCHEMA, value);
            case INT32 -> new Converted(Schema.INT32_SCHEMA, value);
            case INT64 -> new Converted(Schema.INT64_SCHEMA, value);
            case FLOAT32 -> new Converted(Schema.FLOAT32_SCHEMA, value);
            case FLOAT64 -> new Converted(Schema.FLOAT64_SCHEMA, value);
            case NULLABLE_BOOLEAN -> new Converted(Schema.OPTIONAL_BOOLEAN_SCHEMA, value);
            case NULLABLE_INT8 -> new Converted(Schema.OPTIONAL_INT8_SCHEMA, value);
            case NULLABLE_INT16 -> new Converted(Schema.OPTIONAL_INT16_SCHEMA, value);
            case NULLABLE_INT32 -> new Converted(Schema.OPTIONAL_INT32_SCHEMA, value);
            case NULLABLE_INT64 -> new Converted(Schema.OPTIONAL_INT64_SCHEMA, value);
            case NULLABLE_FLOAT32 -> new Converted(Schema.OPTIONAL_FLOAT32_SCHEMA, value);
            case NULLABLE_FLOAT64 -> new Converted(Schema.OPTIONAL_FLOAT64_SCHEMA, value);
            case STRING -> new Converted(Schema.OPTIONAL_STRING_SCHEMA, value);
            case DECIMAL -> {
                BigDecimal decimal = decimal((BigDecimal) value, 0);
                yield new Converted(Decimal.builder(decimal == null ? 0 : decimal.scale()).optional().build(),
                        decimal);
            }
            case TIME -> new Converted(Time.builder().optional().build(), time(value));
            case DATE -> new Converted(Date.builder().optional().build(), date(value));
            case TIMESTAMP, TIMESTAMP_WITH_TIMEZONE -> new Converted(Timestamp.builder().optional().build(),
                    timestamp(value));
            case COMPACT -> nested((GenericRecord) value, path);
            case ARRAY_OF_INT8 -> new Converted(Schema.OPTIONAL_BYTES_SCHEMA, value);
            case ARRAY_OF_BOOLEAN, ARRAY_OF_NULLABLE_BOOLEAN ->
                    array(kind, Schema.BOOLEAN_SCHEMA, Schema.OPTIONAL_BOOLEAN_SCHEMA, value);
            case ARRAY_OF_INT16, ARRAY_OF_NULLABLE_INT16 ->
                    array(kind, Schema.INT16_SCHEMA, Schema.OPTIONAL_INT16_SCHEMA, value);
            case ARRAY_OF_NULLABLE_INT8 -> array(kind, Schema.INT8_SCHEMA, Schema.OPTIONAL_INT8_SCHEMA, value);
            case ARRAY_OF_INT32, ARRAY_OF_NULLABLE_INT32 ->
                    array(kind, Schema.INT32_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA, value);
            case ARRAY_OF_INT64, ARRAY_OF_NULLABLE_INT64 ->
                    array(kind, Schema.INT64_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA, value);
            case ARRAY_OF_FLOAT32, ARRAY_OF_NULLABLE_FLOAT32 ->
                    array(kind, Schema.FLOAT32_SCHEMA, Schema.OPTIONAL_FLOAT32_SCHEMA, value);
            case ARRAY_OF_FLOAT64, ARRAY_OF_NULLABLE_FLOAT64 ->
                    array(kind, Schema.FLOAT64_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA, value);
            case ARRAY_OF_STRING -> array(kind, null, Schema.OPTIONAL_STRING_SCHEMA, value);
            case ARRAY_OF_DECIMAL -> decimals((BigDecimal[]) value);
            case ARRAY_OF_TIME -> temporals(Time.builder().optional().build(), value, CompactStructs::time);
            case ARRAY_OF_DATE -> temporals(Date.builder().optional().build(), value, CompactStructs::date);
            case ARRAY_OF_TIMESTAMP, ARRAY_OF_TIMESTAMP_WITH_TIMEZONE ->
                    temporals(Timestamp.builder().optional().build(), value, CompactStructs::timestamp);
            case ARRAY_OF_COMPACT -> records((GenericRecord[]) value, path);
            default -> throw new DataException("field '" + path + "' is of the Hazelcast kind " + kind
                    + ", which has no Connect form");
        };
    }

    private static Converted nested(GenericRecord record, String path) {
        if (record == null) {
            return new Converted(NULL_RECORD, null);
        }
        Struct struct = struct(record, path + ".");
        return new Converted(struct.schema(), struct);
    }

    /** An array of the record's elements: the primitive kinds' elements are required, the NULLABLE_ kinds' optional. */
    private static Converted array(FieldKind kind, Schema required, Schema optional, Object array) {
        boolean nullable = required == null || kind.name().startsWith("ARRAY_OF_NULLABLE_");
        Schema schema = SchemaBuilder.array(nullable ? optional : required).optional().build();
        if (array == null) {
            return new Converted(schema, null);
        }
        int length = Array.getLength(array);
        List<Object> list = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            list.add(Array.get(array, i));
        }
        return new Converted(schema, list);
    }

    /** Decimals of one schema: every element at the largest scale among them, which loses nothing. */
    private static Converted decimals(BigDecimal[] array) {
        int scale = 0;
        if (array != null) {
            for (BigDecimal decimal : array) {
                scale = decimal == null ? scale : Math.max(scale, decimal.scale());
            }
        }
        Schema schema = SchemaBuilder.array(Decimal.builder(scale).optional().build()).optional().build();
        if (array == null) {
            return new Converted(schema, null);
        }
        List<Object> list = new ArrayList<>(array.length);
        for (BigDecimal decimal : array) {
            list.add(decimal(decimal, scale));
        }
        return new Converted(schema, list);
    }

    private static Converted temporals(Schema element, Object array, Function<Object, Object> as) {
        Schema schema = SchemaBuilder.array(element).optional().build();
        if (array == null) {
            return new Converted(schema, null);
        }
        Object[] items = (Object[]) array;
        List<Object> list = new ArrayList<>(items.length);
        for (Object item : items) {
            list.add(as.apply(item));
        }
        return new Converted(schema, list);
    }

    /** Nested records of one schema; elements of records with other fields have no Connect form together. */
    private static Converted records(GenericRecord[] array, String path) {
        if (array == null) {
            return new Converted(SchemaBuilder.array(NULL_RECORD).optional().build(), null);
        }
        List<Object> list = new ArrayList<>(array.length);
        Schema element = null;
        for (int i = 0; i < array.length; i++) {
            if (array[i] == null) {
                list.add(null);
                continue;
            }
            Struct struct = struct(array[i], path + "[" + i + "].");
            if (element == null) {
                element = struct.schema();
            } else if (!Objects.equals(element, struct.schema())) {
                throw new DataException("field '" + path + "' holds records with different fields (element 0 and "
                        + "element " + i + "), which a Connect array cannot hold");
            }
            list.add(struct);
        }
        return new Converted(SchemaBuilder.array(element == null ? NULL_RECORD : element).optional().build(), list);
    }

    /** The decimal at {@code scale} or more, never negative (Connect's converters need a scale of 0 or more). */
    private static BigDecimal decimal(BigDecimal value, int scale) {
        if (value == null) {
            return null;
        }
        int target = Math.max(Math.max(value.scale(), scale), 0);
        return value.setScale(target, RoundingMode.UNNECESSARY);
    }

    private static java.util.Date time(Object value) {
        return value == null ? null : new java.util.Date(((LocalTime) value).toNanoOfDay() / 1_000_000L);
    }

    private static java.util.Date date(Object value) {
        return value == null ? null : new java.util.Date(((LocalDate) value).toEpochDay() * MILLIS_PER_DAY);
    }

    private static java.util.Date timestamp(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime time) {
            return java.util.Date.from(time.toInstant());
        }
        return java.util.Date.from(((LocalDateTime) value).toInstant(ZoneOffset.UTC));
    }
}
