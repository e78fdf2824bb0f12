package io.streamgrid.hazelcast.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class CompactStructsTest {

    private static final LocalTime NOON = LocalTime.of(12, 30, 15, 123_456_789);
    private static final LocalDate DAY = LocalDate.of(2026, 3, 14);
    private static final LocalDateTime LOCAL = LocalDateTime.of(DAY, NOON);
    private static final OffsetDateTime ZONED = OffsetDateTime.of(LOCAL, ZoneOffset.ofHours(2));

    /** A record with a field of every Compact kind, named after its kind. */
    private static GenericRecord everyKind() {
        GenericRecord inner = GenericRecordBuilder.compact("Inner").setInt32("n", 7).build();
        GenericRecord other = GenericRecordBuilder.compact("Inner").setInt32("n", 8).build();
        return GenericRecordBuilder.compact("Every")
                .setBoolean("BOOLEAN", true).setInt8("INT8", (byte) 1).setInt16("INT16", (short) 2)
                .setInt32("INT32", 3).setInt64("INT64", 4L).setFloat32("FLOAT32", 5.5f).setFloat64("FLOAT64", 6.5)
                .setNullableBoolean("NULLABLE_BOOLEAN", null).setNullableInt8("NULLABLE_INT8", (byte) 9)
                .setNullableInt16("NULLABLE_INT16", null).setNullableInt32("NULLABLE_INT32", 11)
                .setNullableInt64("NULLABLE_INT64", null).setNullableFloat32("NULLABLE_FLOAT32", 1.5f)
                .setNullableFloat64("NULLABLE_FLOAT64", 2.5)
                .setString("STRING", "text").setDecimal("DECIMAL", new BigDecimal("21.53"))
                .setTime("TIME", NOON).setDate("DATE", DAY).setTimestamp("TIMESTAMP", LOCAL)
                .setTimestampWithTimezone("TIMESTAMP_WITH_TIMEZONE", ZONED)
                .setGenericRecord("COMPACT", inner)
                .setArrayOfBoolean("ARRAY_OF_BOOLEAN", new boolean[] {true, false})
                .setArrayOfInt8("ARRAY_OF_INT8", new byte[] {1, 2, 3})
                .setArrayOfInt16("ARRAY_OF_INT16", new short[] {4})
                .setArrayOfInt32("ARRAY_OF_INT32", new int[] {5, 6})
                .setArrayOfInt64("ARRAY_OF_INT64", new long[] {7})
                .setArrayOfFloat32("ARRAY_OF_FLOAT32", new float[] {1.5f})
                .setArrayOfFloat64("ARRAY_OF_FLOAT64", new double[] {2.5})
                .setArrayOfNullableBoolean("ARRAY_OF_NULLABLE_BOOLEAN", new Boolean[] {null, true})
                .setArrayOfNullableInt8("ARRAY_OF_NULLABLE_INT8", new Byte[] {(byte) 1, null})
                .setArrayOfNullableInt16("ARRAY_OF_NULLABLE_INT16", new Short[] {null})
                .setArrayOfNullableInt32("ARRAY_OF_NULLABLE_INT32", new Integer[] {1, null})
                .setArrayOfNullableInt64("ARRAY_OF_NULLABLE_INT64", new Long[] {2L})
                .setArrayOfNullableFloat32("ARRAY_OF_NULLABLE_FLOAT32", new Float[] {null, 3.5f})
                .setArrayOfNullableFloat64("ARRAY_OF_NULLABLE_FLOAT64", new Double[] {4.5})
                .setArrayOfString("ARRAY_OF_STRING", new String[] {"a", null})
                .setArrayOfDecimal("ARRAY_OF_DECIMAL", new BigDecimal[] {new BigDecimal("1.5"), new BigDecimal("2.25"),
                        null})
                .setArrayOfTime("ARRAY_OF_TIME", new LocalTime[] {NOON})
                .setArrayOfDate("ARRAY_OF_DATE", new LocalDate[] {DAY, null})
                .setArrayOfTimestamp("ARRAY_OF_TIMESTAMP", new LocalDateTime[] {LOCAL})
                .setArrayOfTimestampWithTimezone("ARRAY_OF_TIMESTAMP_WITH_TIMEZONE", new OffsetDateTime[] {ZONED})
                .setArrayOfGenericRecord("ARRAY_OF_COMPACT", new GenericRecord[] {inner, null, other})
                .build();
    }

    @Test
    void everyCompactKindHasAField() {
        Set<String> portableOnly = Set.of("NOT_AVAILABLE", "CHAR", "ARRAY_OF_CHAR", "PORTABLE", "ARRAY_OF_PORTABLE");
        Set<String> kinds = everyKind().getFieldNames();
        Arrays.stream(FieldKind.values()).map(Enum::name).filter(k -> !portableOnly.contains(k))
                .forEach(kind -> assertThat(kinds).as("the test's record").contains(kind));
    }

    @Test
    void scalarsKeepTheirTypesAndNullableKindsAreOptional() {
        Struct struct = (Struct) CompactStructs.of(everyKind()).value();
        Schema schema = struct.schema();
        assertThat(schema.field("BOOLEAN").schema()).isEqualTo(Schema.BOOLEAN_SCHEMA);
        assertThat(schema.field("INT8").schema()).isEqualTo(Schema.INT8_SCHEMA);
        assertThat(schema.field("INT64").schema()).isEqualTo(Schema.INT64_SCHEMA);
        assertThat(schema.field("FLOAT32").schema()).isEqualTo(Schema.FLOAT32_SCHEMA);
        assertThat(schema.field("NULLABLE_INT32").schema()).isEqualTo(Schema.OPTIONAL_INT32_SCHEMA);
        assertThat(schema.field("NULLABLE_FLOAT64").schema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
        assertThat(schema.field("STRING").schema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(struct.get("BOOLEAN")).isEqualTo(true);
        assertThat(struct.get("INT8")).isEqualTo((byte) 1);
        assertThat(struct.get("INT16")).isEqualTo((short) 2);
        assertThat(struct.get("INT32")).isEqualTo(3);
        assertThat(struct.get("INT64")).isEqualTo(4L);
        assertThat(struct.get("FLOAT32")).isEqualTo(5.5f);
        assertThat(struct.get("FLOAT64")).isEqualTo(6.5);
        assertThat(struct.get("NULLABLE_BOOLEAN")).isNull();
        assertThat(struct.get("NULLABLE_INT8")).isEqualTo((byte) 9);
        assertThat(struct.get("NULLABLE_INT32")).isEqualTo(11);
        assertThat(struct.get("NULLABLE_FLOAT32")).isEqualTo(1.5f);
        assertThat(struct.get("STRING")).isEqualTo("text");
    }

    @Test
    void decimalsAndPointsInTimeBecomeConnectsLogicalTypes() {
        Struct struct = (Struct) CompactStructs.of(everyKind()).value();
        Schema schema = struct.schema();
        assertThat(schema.field("DECIMAL").schema()).isEqualTo(Decimal.builder(2).optional().build());
        assertThat(struct.get("DECIMAL")).isEqualTo(new BigDecimal("21.53"));
        assertThat(schema.field("TIME").schema().name()).isEqualTo(Time.LOGICAL_NAME);
        assertThat(((java.util.Date) struct.get("TIME")).getTime()).as("to the millisecond")
                .isEqualTo((12 * 3600 + 30 * 60 + 15) * 1000L + 123);
        assertThat(schema.field("DATE").schema().name()).isEqualTo(Date.LOGICAL_NAME);
        assertThat(((java.util.Date) struct.get("DATE")).toInstant()).isEqualTo(DAY.atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        assertThat(schema.field("TIMESTAMP").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(((java.util.Date) struct.get("TIMESTAMP")).toInstant()).as("without a zone: UTC")
                .isEqualTo(LOCAL.toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
        assertThat(((java.util.Date) struct.get("TIMESTAMP_WITH_TIMEZONE")).toInstant())
                .isEqualTo(ZONED.toInstant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void nestedRecordsAreStructsAndArraysLists() {
        Struct struct = (Struct) CompactStructs.of(everyKind()).value();
        Schema schema = struct.schema();
        assertThat(struct.getStruct("COMPACT").get("n")).isEqualTo(7);
        assertThat(schema.field("ARRAY_OF_INT8").schema()).as("the sink writes BYTES so")
                .isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);
        assertThat((byte[]) struct.get("ARRAY_OF_INT8")).containsExactly(1, 2, 3);
        assertThat(schema.field("ARRAY_OF_INT32").schema().valueSchema()).isEqualTo(Schema.INT32_SCHEMA);
        assertThat(struct.getArray("ARRAY_OF_INT32")).containsExactly(5, 6);
        assertThat(struct.getArray("ARRAY_OF_BOOLEAN")).containsExactly(true, false);
        assertThat(schema.field("ARRAY_OF_NULLABLE_INT32").schema().valueSchema())
                .isEqualTo(Schema.OPTIONAL_INT32_SCHEMA);
        assertThat(struct.getArray("ARRAY_OF_NULLABLE_INT32")).containsExactly(1, null);
        assertThat(struct.getArray("ARRAY_OF_NULLABLE_FLOAT32")).containsExactly(null, 3.5f);
        assertThat(struct.getArray("ARRAY_OF_STRING")).containsExactly("a", null);
        assertThat(schema.field("ARRAY_OF_DECIMAL").schema().valueSchema())
                .as("one scale for all: the largest").isEqualTo(Decimal.builder(2).optional().build());
        assertThat(struct.getArray("ARRAY_OF_DECIMAL")).containsExactly(new BigDecimal("1.50"),
                new BigDecimal("2.25"), null);
        assertThat(struct.getArray("ARRAY_OF_DATE")).hasSize(2).last().isNull();
        assertThat(struct.getArray("ARRAY_OF_TIMESTAMP_WITH_TIMEZONE")).hasSize(1);
        List<Object> records = struct.getArray("ARRAY_OF_COMPACT");
        assertThat(records).hasSize(3);
        assertThat(((Struct) records.get(0)).get("n")).isEqualTo(7);
        assertThat(records.get(1)).isNull();
        assertThat(((Struct) records.get(2)).get("n")).isEqualTo(8);
        assertThat(struct.schema().fields()).hasSize(everyKind().getFieldNames().size());
        struct.validate();
    }

    @Test
    void whatTheSinkWritesComesBackAsItWas() {
        Schema inner = SchemaBuilder.struct().name("Reading.Place").field("site", Schema.OPTIONAL_STRING_SCHEMA)
                .optional().build();
        Schema schema = SchemaBuilder.struct().name("Reading")
                .field("id", Schema.INT64_SCHEMA).field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("ok", Schema.BOOLEAN_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA).field("price", Decimal.builder(2).optional().build())
                .field("seen", Timestamp.builder().optional().build()).field("place", inner)
                .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
                .build();
        Struct written = new Struct(schema).put("id", 42L).put("temperature", 21.5).put("ok", true)
                .put("name", "dev-1").put("raw", ByteBuffer.wrap(new byte[] {9, 8}))
                .put("price", new BigDecimal("3.99")).put("seen", new java.util.Date(1_700_000_000_123L))
                .put("place", new Struct(inner).put("site", "roof")).put("tags", List.of("a", "b"));
        GenericRecord record = new CompactRecords().of("Reading", new SchemaAndValue(schema, written));

        Struct read = (Struct) CompactStructs.of(record).value();

        assertThat(read.get("id")).isEqualTo(42L);
        assertThat(read.get("temperature")).isEqualTo(21.5);
        assertThat(read.get("ok")).isEqualTo(true);
        assertThat(read.get("name")).isEqualTo("dev-1");
        assertThat((byte[]) read.get("raw")).containsExactly(9, 8);
        assertThat(read.get("price")).isEqualTo(new BigDecimal("3.99"));
        assertThat(read.get("seen")).isEqualTo(new java.util.Date(1_700_000_000_123L));
        assertThat(read.getStruct("place").get("site")).isEqualTo("roof");
        assertThat(read.getArray("tags")).containsExactly("a", "b");
    }

    @Test
    void nullRecordsAndArraysStayNull() {
        GenericRecord record = GenericRecordBuilder.compact("T").setGenericRecord("inner", null)
                .setArrayOfInt32("numbers", null).setArrayOfGenericRecord("records", null).setDecimal("d", null)
                .build();
        Struct struct = (Struct) CompactStructs.of(record).value();
        assertThat(struct.get("inner")).isNull();
        assertThat(struct.get("numbers")).isNull();
        assertThat(struct.get("records")).isNull();
        assertThat(struct.get("d")).isNull();
        struct.validate();
    }

    @Test
    void anArrayOfRecordsWithDifferentFieldsIsBadDataNamingTheField() {
        GenericRecord record = GenericRecordBuilder.compact("T").setArrayOfGenericRecord("parts", new GenericRecord[] {
                GenericRecordBuilder.compact("A").setInt32("x", 1).build(),
                GenericRecordBuilder.compact("B").setString("y", "2").build()}).build();
        assertThatThrownBy(() -> CompactStructs.of(record)).isInstanceOf(DataException.class)
                .hasMessage("field 'parts' holds records with different fields (element 0 and element 1), which a "
                        + "Connect array cannot hold");
    }
}
