package io.streamgrid.common.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.kcql.Kcql;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FieldProjectionTest {

    private static final Schema LOCATION = SchemaBuilder.struct().name("Location").optional()
            .field("lat", Schema.FLOAT64_SCHEMA)
            .field("lon", Schema.FLOAT64_SCHEMA)
            .field("site", SchemaBuilder.struct().optional().field("name", Schema.STRING_SCHEMA)
                    .field("secret", Schema.STRING_SCHEMA).build())
            .build();
    private static final Schema READING = SchemaBuilder.struct().name("Reading")
            .field("sensor_id", Schema.STRING_SCHEMA)
            .field("temperature", Schema.FLOAT64_SCHEMA)
            .field("timestamp", Schema.INT64_SCHEMA)
            .field("count", Schema.INT8_SCHEMA)
            .field("location", LOCATION)
            .build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();

    private static Struct reading() {
        Struct site = new Struct(LOCATION.field("site").schema()).put("name", "roof").put("secret", "s3");
        Struct location = new Struct(LOCATION).put("lat", 51.5).put("lon", -0.1).put("site", site);
        return new Struct(READING).put("sensor_id", "s-1").put("temperature", 21.5).put("timestamp", 1700000000000L)
                .put("count", (byte) 7).put("location", location);
    }

    private static SinkRecord record(Schema valueSchema, Object value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("source", "gateway-7");
        headers.addInt("hops", 2);
        headers.addString("mqtt.user.site", "roof");
        return new SinkRecord("readings", 4, KEY, new Struct(KEY).put("id", "k-9"), valueSchema, value, 1234L,
                1700000000999L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    private static SchemaAndValue project(String select, SinkRecord record) {
        return FieldProjection.of(Kcql.parseOne("INSERT INTO t SELECT " + select + " FROM readings"))
                .apply(RecordView.of(record));
    }

    private static List<String> fieldNames(SchemaAndValue projected) {
        return projected.schema().fields().stream().map(Field::name).toList();
    }

    @Nested
    class StructValues {

        /** A schemaless key (JsonConverter without schemas, or no key converter schema) with a Struct value. */
        private SinkRecord withSchemalessKey(Object key) {
            return new SinkRecord("readings", 0, null, key, READING, reading(), 1L);
        }

        @Test
        void schemalessKeysOfChangingTypesEachProjectWithTheirOwnType() {
            FieldProjection projection = FieldProjection.of(Kcql.parseOne(
                    "INSERT INTO t SELECT sensor_id, _key AS k FROM readings"));
            Struct first = (Struct) projection.apply(RecordView.of(withSchemalessKey("abc"))).value();
            Struct second = (Struct) projection.apply(RecordView.of(withSchemalessKey(42L))).value();
            Struct none = (Struct) projection.apply(RecordView.of(withSchemalessKey(null))).value();
            Struct third = (Struct) projection.apply(RecordView.of(withSchemalessKey(7L))).value();
            assertThat(first.get("k")).isEqualTo("abc");
            assertThat(second.get("k")).isEqualTo(42L);
            assertThat(none.get("k")).isNull();
            assertThat(third.get("k")).isEqualTo(7L);
        }

        @Test
        void fieldsOfASchemalessMapKeyCanBeSelected() {
            FieldProjection projection = FieldProjection.of(Kcql.parseOne(
                    "INSERT INTO t SELECT sensor_id, _key.id AS key_id FROM readings"));
            Struct out = (Struct) projection.apply(RecordView.of(withSchemalessKey(Map.of("id", "k-1")))).value();
            assertThat(out.get("key_id")).isEqualTo("k-1");
            Struct next = (Struct) projection.apply(RecordView.of(withSchemalessKey(Map.of("id", 5L)))).value();
            assertThat(next.get("key_id")).isEqualTo(5L);
        }

        @Test
        void selectAllIsIdentity() {
            Struct value = reading();
            SchemaAndValue out = project("*", record(READING, value));
            assertThat(out.value()).isSameAs(value);
            assertThat(out.schema()).isSameAs(READING);
        }

        @Test
        void selectedFieldsKeepOrderTypesAndAliases() {
            SchemaAndValue out = project("temperature AS temp, sensor_id, count", record(READING, reading()));
            assertThat(fieldNames(out)).containsExactly("temp", "sensor_id", "count");
            assertThat(out.schema().field("count").schema()).isEqualTo(Schema.INT8_SCHEMA);
            Struct struct = (Struct) out.value();
            assertThat(struct.getFloat64("temp")).isEqualTo(21.5);
            assertThat(struct.getString("sensor_id")).isEqualTo("s-1");
            assertThat(struct.getInt8("count")).isEqualTo((byte) 7);
        }

        @Test
        void nestedPathIsNamedByItsLastSegmentAndOptionalThroughAnOptionalParent() {
            SchemaAndValue out = project("location.site.name, location.lat AS latitude", record(READING, reading()));
            assertThat(fieldNames(out)).containsExactly("name", "latitude");
            assertThat(out.schema().field("latitude").schema().isOptional()).isTrue();
            assertThat(((Struct) out.value()).get("name")).isEqualTo("roof");
            assertThat(((Struct) out.value()).get("latitude")).isEqualTo(51.5);
        }

        @Test
        void nullParentGivesNull() {
            Struct value = reading().put("location", null);
            Struct out = (Struct) project("location.lat", record(READING, value)).value();
            assertThat(out.get("lat")).isNull();
        }

        @Test
        void childrenWildcardLiftsChildren() {
            SchemaAndValue out = project("sensor_id, location.*", record(READING, reading()));
            assertThat(fieldNames(out)).containsExactly("sensor_id", "lat", "lon", "site");
        }

        @Test
        void ignoreTopLevelAndNested() {
            SinkRecord record = record(READING, reading());
            SchemaAndValue out = FieldProjection.of(Kcql.parseOne(
                    "INSERT INTO t SELECT * FROM readings IGNORE timestamp, location.site.secret")).apply(RecordView.of(record));
            assertThat(fieldNames(out)).containsExactly("sensor_id", "temperature", "count", "location");
            Struct site = ((Struct) out.value()).getStruct("location").getStruct("site");
            assertThat(site.schema().fields()).extracting(Field::name).containsExactly("name");
            assertThat(site.get("name")).isEqualTo("roof");
        }

        @Test
        void starWithAliasRenamesInsteadOfDuplicating() {
            SchemaAndValue out = project("*, temperature AS temp", record(READING, reading()));
            assertThat(fieldNames(out)).containsExactly("sensor_id", "timestamp", "count", "location", "temp");
        }

        @Test
        void keyHeaderAndMetadataFields() {
            SchemaAndValue out = project("sensor_id, _key.id AS key_id, _key, _header.source, _header.hops, "
                    + "_topic, _partition, _offset, _timestamp", record(READING, reading()));
            Struct struct = (Struct) out.value();
            assertThat(struct.get("key_id")).isEqualTo("k-9");
            assertThat(struct.getStruct("_key").get("id")).isEqualTo("k-9");
            assertThat(struct.get("source")).isEqualTo("gateway-7");
            assertThat(struct.get("hops")).isEqualTo(2);
            assertThat(struct.get("_topic")).isEqualTo("readings");
            assertThat(struct.get("_partition")).isEqualTo(4);
            assertThat(struct.get("_offset")).isEqualTo(1234L);
            assertThat(struct.get("_timestamp")).isEqualTo(1700000000999L);
        }

        @Test
        void aHeaderNameWithDotsIsReadWhole() {
            SchemaAndValue out = project("sensor_id, _header.mqtt.user.site AS site",
                    record(READING, reading()));
            assertThat(((Struct) out.value()).get("site")).isEqualTo("roof");
            assertThatThrownBy(() -> project("_header.mqtt.user.nope", record(READING, reading())))
                    .isInstanceOf(DataException.class).hasMessageContaining("Header 'mqtt'");
        }

        @Test
        void missingFieldNamesRecordAndField() {
            assertThatThrownBy(() -> project("humidity", record(READING, reading())))
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith("Field 'humidity' is not in record topic=readings partition=4 offset=1234")
                    .hasMessageContaining("sensor_id, temperature");
            assertThatThrownBy(() -> project("location.alt", record(READING, reading())))
                    .isInstanceOf(DataException.class).hasMessageContaining("Field 'location.alt'");
            assertThatThrownBy(() -> project("sensor_id.x", record(READING, reading())))
                    .isInstanceOf(DataException.class).hasMessageContaining("inside a STRING");
            assertThatThrownBy(() -> project("_header.missing", record(READING, reading())))
                    .isInstanceOf(DataException.class).hasMessageContaining("Header 'missing'")
                    .hasMessageContaining("offset=1234");
        }

        @Test
        void duplicateOutputNamesAreAnError() {
            assertThatThrownBy(() -> project("location.*, location.lat", record(READING, reading())))
                    .isInstanceOf(DataException.class).hasMessageContaining("two fields named 'lat'");
        }

        @Test
        void outputSchemaIsBuiltOncePerInputSchema() {
            FieldProjection projection = FieldProjection.of(Kcql.parseOne("INSERT INTO t SELECT sensor_id FROM r"));
            Schema first = projection.apply(RecordView.of(record(READING, reading()))).schema();
            Schema second = projection.apply(RecordView.of(record(READING, reading()))).schema();
            assertThat(second).isSameAs(first);
        }

        @Test
        void tombstoneStaysNull() {
            SchemaAndValue out = project("sensor_id", record(READING, null));
            assertThat(out.value()).isNull();
        }

        @Test
        void tombstoneStillGivesKeyAndMetadataFields() {
            Object out = project("_key.id, _offset", record(READING, null)).value();
            assertThat(out).isEqualTo(Map.of("id", "k-9", "_offset", 1234L));
        }
    }

    @Nested
    class SchemalessValues {

        private Map<String, Object> map() {
            Map<String, Object> location = new LinkedHashMap<>();
            location.put("lat", 51.5);
            location.put("secret", "x");
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("sensor_id", "s-1");
            value.put("temperature", 21.5);
            value.put("count", 7L);
            value.put("location", location);
            return value;
        }

        @Test
        void mapValue() {
            SchemaAndValue out = project("sensor_id AS id, location.lat, _key.id AS k, _topic", record(null, map()));
            assertThat(out.schema()).isNull();
            assertThat(out.value()).isEqualTo(Map.of("id", "s-1", "lat", 51.5, "k", "k-9", "_topic", "readings"));
        }

        @Test
        void jsonStringAndBytesKeepTypes() {
            String json = "{\"sensor_id\":\"s-1\",\"temperature\":21.5,\"count\":7,\"ok\":true,"
                    + "\"location\":{\"lat\":51.5,\"secret\":\"x\"}}";
            for (Object value : List.of(json, json.getBytes(StandardCharsets.UTF_8))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> out = (Map<String, Object>) FieldProjection.of(Kcql.parseOne(
                        "INSERT INTO t SELECT * FROM r IGNORE location.secret")).apply(RecordView.of(record(null, value))).value();
                assertThat(out).containsEntry("sensor_id", "s-1").containsEntry("temperature", 21.5)
                        .containsEntry("count", 7L).containsEntry("ok", true)
                        .containsEntry("location", Map.of("lat", 51.5));
            }
        }

        @Test
        void childrenAndIgnore() {
            Object out = FieldProjection.of(Kcql.parseOne("INSERT INTO t SELECT location.* FROM r IGNORE location.secret"))
                    .apply(RecordView.of(record(null, map()))).value();
            assertThat(out).isEqualTo(Map.of("lat", 51.5));
        }

        @Test
        void missingFieldAndBadJson() {
            assertThatThrownBy(() -> project("humidity", record(null, map())))
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith("Field 'humidity' is not in record topic=readings partition=4 offset=1234");
            assertThatThrownBy(() -> project("a", record(null, "{\"a\": ")))
                    .isInstanceOf(DataException.class).hasMessageContaining("is not valid JSON");
            assertThatThrownBy(() -> project("a", record(null, "plain text")))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("it is a String, not a struct, a map or a JSON object");
        }

        @Test
        void nullInTheMiddleGivesNull() {
            Map<String, Object> value = map();
            value.put("location", null);
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) project("location.lat", record(null, value)).value();
            assertThat(out).containsEntry("lat", null);
        }

        @Test
        void primitiveValueWithOnlyKeyAndMetadataFields() {
            Object out = project("_key.id, _offset", record(Schema.STRING_SCHEMA, "just text")).value();
            assertThat(out).isEqualTo(Map.of("id", "k-9", "_offset", 1234L));
        }
    }

    @Test
    void sourceSideViewWithoutPartitionOrOffset() {
        RecordView view = RecordView.ofValue("sensors/temp", null, Map.of("a", 1));
        assertThat(view.describe()).isEqualTo("topic=sensors/temp");
        assertThatThrownBy(() -> FieldProjection.of(Kcql.parseOne("INSERT INTO t SELECT b FROM x")).apply(view))
                .hasMessageStartingWith("Field 'b' is not in record topic=sensors/temp:");
    }
}
