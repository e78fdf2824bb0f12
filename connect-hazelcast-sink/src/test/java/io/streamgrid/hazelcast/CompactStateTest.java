package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

@ParameterizedClass
@ValueSource(strings = {"member", "client"})
/** WITHFORMAT COMPACT values read back field by field on a real member, with and without merge and version. In both state modes (connect.hazelcast.state.mode):
 * on the members by the member module's entry processors, and by the client's compare-and-set; they store the same. */
class CompactStateTest {

    @Parameter
    String stateMode;


    private static final Schema LOCATION = SchemaBuilder.struct().name("Location")
            .field("lat", Schema.FLOAT64_SCHEMA).field("lon", Schema.FLOAT64_SCHEMA).build();
    private static final Schema EVERY_TYPE = SchemaBuilder.struct().name("Everything")
            .field("device_id", Schema.STRING_SCHEMA)
            .field("i8", Schema.INT8_SCHEMA)
            .field("i16", Schema.INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA)
            .field("f64", Schema.FLOAT64_SCHEMA)
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("maybe", Schema.OPTIONAL_INT32_SCHEMA)
            .field("raw", Schema.BYTES_SCHEMA)
            .field("amount", Decimal.schema(2))
            .field("day", Date.SCHEMA)
            .field("time_of_day", Time.SCHEMA)
            .field("seen", Timestamp.SCHEMA)
            .field("samples", SchemaBuilder.array(Schema.FLOAT64_SCHEMA).build())
            .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build())
            .field("location", LOCATION)
            .field("history", SchemaBuilder.array(LOCATION).optional().build())
            .build();

    @RegisterExtension
    static final SinkTaskFixture FIXTURE = new SinkTaskFixture(1);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "telemetry-" + suffix;
    private final String map = "device_state_" + suffix;

    private HazelcastSinkTask start(String kcql) {
        return FIXTURE.start(kcql, HazelcastSinkConfig.STATE_MODE_CONFIG, stateMode);
    }


    private SinkRecord record(long offset, Schema schema, Object value) {
        return new SinkRecord(topic, 0, null, null, schema, value, offset);
    }

    private GenericRecord stored(String key) {
        Object value = FIXTURE.member().getMap(map).get(key);
        assertThat(value).as("entry of " + key).isInstanceOf(GenericRecord.class);
        return (GenericRecord) value;
    }

    @Test
    void everyConnectTypeBecomesACompactField() {
        java.util.Date seen = new java.util.Date(1_796_115_600_123L);
        Struct value = new Struct(EVERY_TYPE).put("device_id", "d1").put("i8", (byte) 8).put("i16", (short) 16)
                .put("i32", 32).put("i64", 64L).put("f32", 3.5f).put("f64", 6.25).put("flag", true).put("maybe", null)
                .put("raw", "hi".getBytes(StandardCharsets.UTF_8)).put("amount", new BigDecimal("12.34"))
                .put("day", new java.util.Date(20_000L * 86_400_000L)).put("time_of_day", new java.util.Date(3_600_000L))
                .put("seen", seen).put("samples", List.of(1.0, 2.0)).put("tags", java.util.Arrays.asList("a", null))
                .put("location", new Struct(LOCATION).put("lat", 52.5).put("lon", 13.4))
                .put("history", List.of(new Struct(LOCATION).put("lat", 1.0).put("lon", 2.0)));
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (compactType = 'DeviceState')");
        putAndFlush(task, List.of(record(0, EVERY_TYPE, value)));

        GenericRecord state = stored("d1");
        assertThat(state.getString("device_id")).isEqualTo("d1");
        assertThat(state.getInt8("i8")).isEqualTo((byte) 8);
        assertThat(state.getInt16("i16")).isEqualTo((short) 16);
        assertThat(state.getInt32("i32")).isEqualTo(32);
        assertThat(state.getInt64("i64")).isEqualTo(64L);
        assertThat(state.getFloat32("f32")).isEqualTo(3.5f);
        assertThat(state.getFloat64("f64")).isEqualTo(6.25);
        assertThat(state.getBoolean("flag")).isTrue();
        assertThat(state.getFieldKind("maybe")).isEqualTo(FieldKind.NULLABLE_INT32);
        assertThat(state.getNullableInt32("maybe")).isNull();
        assertThat(state.getArrayOfInt8("raw")).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(state.getDecimal("amount")).isEqualByComparingTo("12.34");
        assertThat(state.getDate("day")).isEqualTo(LocalDate.ofEpochDay(20_000));
        assertThat(state.getTime("time_of_day")).isEqualTo(LocalTime.of(1, 0));
        assertThat(state.getTimestampWithTimezone("seen"))
                .isEqualTo(OffsetDateTime.ofInstant(seen.toInstant(), ZoneOffset.UTC));
        assertThat(state.getArrayOfFloat64("samples")).containsExactly(1.0, 2.0);
        assertThat(state.getArrayOfString("tags")).containsExactly("a", null);
        assertThat(state.getGenericRecord("location").getFloat64("lat")).isEqualTo(52.5);
        assertThat(state.getArrayOfGenericRecord("history")[0].getFloat64("lon")).isEqualTo(2.0);
        assertThat(state.getFieldKind("history")).isEqualTo(FieldKind.ARRAY_OF_COMPACT);
    }

    @Test
    void schemalessJsonIsInferredWithNullableFields() {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP");
        putAndFlush(task, List.of(record(0, Schema.STRING_SCHEMA,
                "{\"device_id\":\"d1\",\"battery\":87,\"temperature\":21.5,\"ok\":true,\"site\":{\"name\":\"roof\"}}")));

        GenericRecord state = stored("d1");
        assertThat(state.getNullableInt64("battery")).isEqualTo(87L);
        assertThat(state.getNullableFloat64("temperature")).isEqualTo(21.5);
        assertThat(state.getNullableBoolean("ok")).isTrue();
        assertThat(state.getGenericRecord("site").getString("name")).isEqualTo("roof");
    }

    @Test
    void mergeAndVersionWorkOnCompactValues() {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true, version = ts, compactType = 'DeviceState')");
        putAndFlush(task, List.of(
                record(0, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"temperature\":21.5,\"ts\":10}"),
                record(1, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"battery\":87,\"ts\":11}"),
                record(2, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"temperature\":-5.0,\"ts\":3}")));
        putAndFlush(task, List.of(
                // JSON writes 22.0 as 22: the stored FLOAT64 field keeps its kind
                record(3, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"temperature\":22,\"ts\":12}"),
                record(4, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"battery\":null,\"ts\":12}")));

        GenericRecord state = stored("d1");
        assertThat(state.getFieldKind("temperature")).isEqualTo(FieldKind.NULLABLE_FLOAT64);
        assertThat(state.getNullableFloat64("temperature")).isEqualTo(22.0);
        assertThat(state.getFieldKind("battery")).isEqualTo(FieldKind.NULLABLE_INT64);
        assertThat(state.getNullableInt64("battery")).isNull();
        assertThat(state.getNullableInt64("ts")).isEqualTo(12L);
    }

    @Test
    void aMergeKeepsTheStoredKindWhereTheValueConvertsWithoutLossInEitherDirection() {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true)");
        putAndFlush(task, List.of(record(0, Schema.STRING_SCHEMA,
                "{\"device_id\":\"d1\",\"count\":5,\"level\":0.5}")));
        putAndFlush(task, List.of(record(1, Schema.STRING_SCHEMA,
                "{\"device_id\":\"d1\",\"count\":6.0,\"level\":1}")));

        GenericRecord state = stored("d1");
        assertThat(state.getFieldKind("count")).as("6.0 is a whole number: the INT64 field stays INT64")
                .isEqualTo(FieldKind.NULLABLE_INT64);
        assertThat(state.getNullableInt64("count")).isEqualTo(6L);
        assertThat(state.getFieldKind("level")).isEqualTo(FieldKind.NULLABLE_FLOAT64);
        assertThat(state.getNullableFloat64("level")).isEqualTo(1.0);

        putAndFlush(task, List.of(record(2, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"count\":6.5}")));
        assertThat(stored("d1").getNullableFloat64("count")).as("6.5 does not convert: it brings its own kind")
                .isEqualTo(6.5);
    }

    @Test
    void aFieldAddedToTheKafkaSchemaBecomesANewCompactSchemaVersion() {
        Schema v1 = SchemaBuilder.struct().name("Reading").field("device_id", Schema.STRING_SCHEMA)
                .field("temperature", Schema.FLOAT64_SCHEMA).field("ts", Schema.INT64_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("Reading").field("device_id", Schema.STRING_SCHEMA)
                .field("temperature", Schema.FLOAT64_SCHEMA).field("ts", Schema.INT64_SCHEMA)
                .field("humidity", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + topic
                + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true, version = ts)");
        putAndFlush(task, List.of(
                record(0, v1, new Struct(v1).put("device_id", "d1").put("temperature", 20.0).put("ts", 1L)),
                record(1, v1, new Struct(v1).put("device_id", "d2").put("temperature", 19.0).put("ts", 1L))));
        putAndFlush(task, List.of(
                record(2, v2, new Struct(v2).put("device_id", "d1").put("temperature", 21.0).put("ts", 2L)
                        .put("humidity", 40.0))));

        assertThat(stored("d1").getNullableFloat64("humidity")).isEqualTo(40.0);
        assertThat(stored("d1").getFloat64("temperature")).isEqualTo(21.0);
        assertThat(stored("d2").getFieldKind("humidity")).as("older entries keep their schema")
                .isEqualTo(FieldKind.NOT_AVAILABLE);
        assertThat(stored("d2").getFloat64("temperature")).isEqualTo(19.0);
    }

    @Test
    void compactValuesGoToAppendStructuresToo() throws Exception {
        String ringbuffer = "readings_" + suffix;
        HazelcastSinkTask task = start("INSERT INTO " + ringbuffer + " SELECT device_id, temperature FROM " + topic
                + " WITHFORMAT COMPACT STOREAS RING_BUFFER");
        putAndFlush(task, List.of(record(0, Schema.STRING_SCHEMA, "{\"device_id\":\"d1\",\"temperature\":21.5}")));

        GenericRecord item = (GenericRecord) FIXTURE.member().getRingbuffer(ringbuffer).readOne(0);
        assertThat(item.getString("device_id")).isEqualTo("d1");
        assertThat(item.getNullableFloat64("temperature")).isEqualTo(21.5);
    }
}
