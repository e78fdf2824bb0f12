package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.kcql.Format;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ValueFormatTest {

    static final Schema POINT = SchemaBuilder.struct().name("io.example.Point").optional()
            .field("x", Schema.INT32_SCHEMA).field("label", Schema.OPTIONAL_STRING_SCHEMA).build();
    static final Schema ALL = SchemaBuilder.struct().name("io.example.Everything")
            .field("i8", Schema.INT8_SCHEMA)
            .field("i16", Schema.INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA)
            .field("f64", Schema.FLOAT64_SCHEMA)
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("text", Schema.STRING_SCHEMA)
            .field("raw", Schema.BYTES_SCHEMA)
            .field("price", Decimal.schema(2))
            .field("day", Date.SCHEMA)
            .field("at_time", Time.SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("missing", Schema.OPTIONAL_STRING_SCHEMA)
            .field("maybe", Schema.OPTIONAL_INT64_SCHEMA)
            .field("list", SchemaBuilder.array(Schema.INT32_SCHEMA).build())
            .field("by_name", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).build())
            .field("by_id", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("point", POINT)
            .field("points", SchemaBuilder.array(POINT).build())
            .field("temp-c", Schema.FLOAT64_SCHEMA)
            .build();

    static Struct everything() {
        Map<String, Double> byName = new LinkedHashMap<>();
        byName.put("a", 1.5);
        byName.put("b", -2.0);
        Map<Integer, String> byId = new LinkedHashMap<>();
        byId.put(7, "seven");
        byId.put(-1, "minus one");
        return new Struct(ALL)
                .put("i8", (byte) -8).put("i16", (short) 1600).put("i32", 320_000).put("i64", 6_400_000_000L)
                .put("f32", 3.25f).put("f64", -1.0e-3).put("flag", true).put("text", "héllo \"world\"")
                .put("raw", new byte[] {0, 1, (byte) 0xff, 42})
                .put("price", new BigDecimal("12.34"))
                .put("day", new java.util.Date(19_700L * 86_400_000L))
                .put("at_time", new java.util.Date(45_296_789L))
                .put("at", new java.util.Date(1_700_000_000_123L))
                .put("missing", null).put("maybe", 5L)
                .put("list", List.of(1, 2, 3))
                .put("by_name", byName).put("by_id", byId)
                .put("point", new Struct(POINT).put("x", 1).put("label", "one"))
                .put("points", List.of(new Struct(POINT).put("x", 2), new Struct(POINT).put("x", 3).put("label", "c")))
                .put("temp-c", 21.5);
    }

    @Nested
    class Json {
        private final JsonValueFormat json = new JsonValueFormat();

        @Test
        void roundTripsEveryType() {
            Struct original = everything();
            String text = json.encode(ALL, original);
            assertThat(json.decode(ALL, text).value()).isEqualTo(original);
        }

        @Test
        void writesReadableJson() {
            String text = json.encode(ALL, everything());
            assertThat(text).startsWith("{\"i8\":-8,\"i16\":1600,\"i32\":320000,\"i64\":6400000000,\"f32\":3.25,")
                    .contains("\"raw\":\"AAH/Kg==\"", "\"price\":12.34", "\"day\":\"2023-12-09\"",
                            "\"at_time\":\"12:34:56.789\"", "\"at\":\"2023-11-14T22:13:20.123Z\"", "\"missing\":null",
                            "\"by_id\":{\"7\":\"seven\",\"-1\":\"minus one\"}", "\"point\":{\"x\":1,\"label\":\"one\"}",
                            "\"temp-c\":21.5");
        }

        @Test
        void schemalessValues() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("a", 1L);
            map.put("b", List.of("x", true));
            map.put("c", null);
            assertThat(json.encode(null, map)).isEqualTo("{\"a\":1,\"b\":[\"x\",true],\"c\":null}");
            assertThat(json.decode(null, "{\"a\":1,\"b\":[\"x\",true],\"c\":null}").value()).isEqualTo(map);
            assertThat(json.encode(null, 42L)).isEqualTo("42");
            assertThat(json.encode(Schema.STRING_SCHEMA, "plain")).isEqualTo("\"plain\"");
        }

        @Test
        void jsonTextPassesThrough() {
            String text = "{\"already\": \"json\"}";
            assertThat(json.encode(Schema.STRING_SCHEMA, text)).isSameAs(text);
            assertThat(json.encode(null, text)).isSameAs(text);
        }

        @Test
        void textThatOnlyLooksLikeJsonIsWrittenAsAJsonString() throws IOException {
            com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            for (String text : List.of("[WARN] disk full", "{not json", "{\"a\":1} trailing", "[1, 2", " {}}")) {
                for (Schema schema : java.util.Arrays.asList(Schema.STRING_SCHEMA, null)) {
                    String encoded = json.encode(schema, text);
                    assertThat(mapper.readTree(encoded).isTextual()).as(text + " is stored as a JSON string, "
                            + "which any JSON parser reads").isTrue();
                    assertThat(mapper.readTree(encoded).asText()).isEqualTo(text);
                }
            }
            assertThat(json.encode(Schema.STRING_SCHEMA, " [1, {\"b\": null}] ")).isEqualTo(" [1, {\"b\": null}] ");
        }

        @Test
        void decodingReportsWhereTheMismatchIs() {
            assertThatThrownBy(() -> json.decode(ALL, "{\"i8\": 300}")).isInstanceOf(DataException.class)
                    .hasMessage("$.i8 should be a whole number from -128 to 127 but is 300");
            assertThatThrownBy(() -> json.decode(POINT, "{\"label\": \"no x\"}")).isInstanceOf(DataException.class)
                    .hasMessage("$.x is required but is missing");
            assertThatThrownBy(() -> json.decode(POINT, "{\"x\": ")).isInstanceOf(DataException.class)
                    .hasMessageStartingWith("Not valid JSON");
        }
    }

    @Nested
    class Avro {
        private final AvroValueFormat avro = new AvroValueFormat();

        @Test
        void roundTripsEveryType() {
            Struct original = everything();
            byte[] bytes = avro.encode(ALL, original);
            assertThat(avro.decode(ALL, bytes).value()).isEqualTo(original);
        }

        @Test
        void schemaUsesAvroLogicalTypesUnionsAndLegalNames() {
            org.apache.avro.Schema schema = avro.avroSchema(ALL);
            assertThat(schema.getFullName()).isEqualTo("io.example.Everything");
            assertThat(schema.getField("i8").schema().getProp("connect.type")).isEqualTo("int8");
            assertThat(schema.getField("price").schema().getLogicalType()).isEqualTo(LogicalTypes.decimal(64, 2));
            assertThat(schema.getField("day").schema().getLogicalType()).isEqualTo(LogicalTypes.date());
            assertThat(schema.getField("at_time").schema().getLogicalType()).isEqualTo(LogicalTypes.timeMillis());
            assertThat(schema.getField("at").schema().getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
            assertThat(schema.getField("missing").schema().getTypes()).extracting(org.apache.avro.Schema::getType)
                    .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.STRING);
            assertThat(schema.getField("missing").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
            assertThat(schema.getField("by_name").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.MAP);
            assertThat(schema.getField("by_id").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.ARRAY);
            assertThat(schema.getField("temp_c").getProp("connect.name")).isEqualTo("temp-c");
        }

        @Test
        void bytesAreReadableByPlainAvroFromTheSchemaText() throws IOException {
            byte[] bytes = avro.encode(ALL, everything());
            org.apache.avro.Schema parsed = new org.apache.avro.Schema.Parser().parse(avro.avroSchema(ALL).toString());
            GenericRecord record = (GenericRecord) new GenericDatumReader<>(parsed)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            assertThat(record.get("text").toString()).isEqualTo("héllo \"world\"");
            assertThat(record.get("i64")).isEqualTo(6_400_000_000L);
            assertThat(((GenericRecord) record.get("point")).get("x")).isEqualTo(1);
        }

        @Test
        void decimalsOfAnotherScaleAreRescaledToTheSchemasScale() throws IOException {
            Schema schema = SchemaBuilder.struct().name("Price").field("price", Decimal.schema(2)).build();
            // JsonConverter with decimal.format=NUMERIC gives 1.5 with scale 1 for a Decimal(scale=2) field
            Struct value = new Struct(schema).put("price", new BigDecimal("1.5"));
            byte[] bytes = avro.encode(schema, value);
            org.apache.avro.Schema parsed = new org.apache.avro.Schema.Parser().parse(avro.avroSchema(schema).toString());
            GenericRecord record = (GenericRecord) new GenericDatumReader<>(parsed)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            java.nio.ByteBuffer unscaled = (java.nio.ByteBuffer) record.get("price");
            byte[] raw = new byte[unscaled.remaining()];
            unscaled.get(raw);
            assertThat(new BigDecimal(new java.math.BigInteger(raw), 2)).isEqualByComparingTo("1.50");
            assertThat(((Struct) avro.decode(schema, bytes).value()).get("price")).isEqualTo(new BigDecimal("1.50"));
        }

        @Test
        void aDecimalThatWouldLoseDigitsIsBadData() {
            Schema schema = SchemaBuilder.struct().name("Price").field("price", Decimal.schema(2)).build();
            Struct value = new Struct(schema).put("price", new BigDecimal("1.505"));
            assertThatThrownBy(() -> avro.encode(schema, value)).isInstanceOf(DataException.class)
                    .hasMessageContaining("price").hasMessageContaining("1.505").hasMessageContaining("scale 2");
        }

        @Test
        void connectSchemaRoundTripsThroughAvro() {
            assertThat(AvroData.toConnectSchema(avro.avroSchema(ALL))).isEqualTo(ALL);
        }

        @Test
        void declaredAvroSchemaBecomesAConnectSchema() {
            org.apache.avro.Schema declared = new org.apache.avro.Schema.Parser().parse("""
                    {"type": "record", "name": "Reading", "namespace": "io.example", "fields": [
                      {"name": "id", "type": "string"},
                      {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["TEMP", "HUM"]}},
                      {"name": "value", "type": ["null", "double"], "default": null},
                      {"name": "tags", "type": {"type": "map", "values": "string"}},
                      {"name": "raw", "type": {"type": "fixed", "name": "Raw", "size": 2}}
                    ]}""");
            Schema schema = AvroData.toConnectSchema(declared);
            assertThat(schema.name()).isEqualTo("io.example.Reading");
            assertThat(schema.field("kind").schema().type()).isEqualTo(Schema.Type.STRING);
            assertThat(schema.field("value").schema().isOptional()).isTrue();
            assertThat(schema.field("tags").schema().type()).isEqualTo(Schema.Type.MAP);
            assertThat(schema.field("raw").schema().type()).isEqualTo(Schema.Type.BYTES);
            org.apache.avro.generic.GenericData.Record record = new org.apache.avro.generic.GenericData.Record(declared);
            record.put("id", new org.apache.avro.util.Utf8("d-1"));
            record.put("kind", new org.apache.avro.generic.GenericData.EnumSymbol(declared.getField("kind").schema(), "HUM"));
            record.put("value", 3.5);
            record.put("tags", java.util.Map.of(new org.apache.avro.util.Utf8("a"), new org.apache.avro.util.Utf8("b")));
            record.put("raw", new org.apache.avro.generic.GenericData.Fixed(declared.getField("raw").schema(), new byte[] {7, 8}));
            Struct value = (Struct) AvroData.toConnect(schema, declared, record);
            assertThat(value.get("id")).isEqualTo("d-1");
            assertThat(value.get("kind")).isEqualTo("HUM");
            assertThat(value.get("value")).isEqualTo(3.5);
            assertThat(value.getMap("tags")).containsEntry("a", "b");
            assertThat(value.getBytes("raw")).containsExactly(7, 8);
        }

        @Test
        void unionsOtherThanOptionalAreRejected() {
            org.apache.avro.Schema union = new org.apache.avro.Schema.Parser().parse("[\"int\", \"string\"]");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AvroData.toConnectSchema(union))
                    .isInstanceOf(DataException.class).hasMessageContaining("union");
        }

        @Test
        void schemalessValueIsBadData() {
            assertThatThrownBy(() -> avro.encode(null, Map.of("a", 1))).isInstanceOf(DataException.class)
                    .hasMessageContaining("WITHFORMAT AVRO needs a value with a schema");
        }

        @Test
        void sameStructSchemaTwiceIsOneRecordAndNamesStayUnique() {
            Schema anonymous = SchemaBuilder.struct().optional().field("v", Schema.INT32_SCHEMA).build();
            Schema other = SchemaBuilder.struct().optional().field("w", Schema.STRING_SCHEMA).build();
            Schema outer = SchemaBuilder.struct().field("a", anonymous).field("b", anonymous).field("c", other).build();
            Struct value = new Struct(outer).put("a", new Struct(anonymous).put("v", 1))
                    .put("b", new Struct(anonymous).put("v", 2)).put("c", new Struct(other).put("w", "x"));
            assertThat(avro.decode(outer, avro.encode(outer, value)).value()).isEqualTo(value);
        }
    }

    @Nested
    class TextAndBinary {
        private final ValueFormat text = ValueFormat.of(Format.TEXT);
        private final ValueFormat binary = ValueFormat.of(Format.BINARY);

        @Test
        void text() {
            assertThat(text.encode(Schema.STRING_SCHEMA, "as is")).isEqualTo("as is");
            assertThat(text.encode(Schema.BYTES_SCHEMA, "ünï".getBytes(StandardCharsets.UTF_8))).isEqualTo("ünï");
            assertThat(text.encode(Schema.INT64_SCHEMA, 42L)).isEqualTo("42");
            assertThat(text.encode(POINT, new Struct(POINT).put("x", 1))).isEqualTo("{\"x\":1,\"label\":null}");
            assertThat(text.encode(Timestamp.SCHEMA, new java.util.Date(0))).isEqualTo("1970-01-01T00:00:00Z");
            SchemaAndValue back = text.decode(Schema.STRING_SCHEMA, text.encode(Schema.STRING_SCHEMA, "round"));
            assertThat(back.value()).isEqualTo("round");
        }

        @Test
        void binary() {
            byte[] bytes = {1, 2, 3};
            assertThat((byte[]) binary.encode(Schema.BYTES_SCHEMA, bytes)).isSameAs(bytes);
            assertThat((byte[]) binary.encode(Schema.STRING_SCHEMA, "hi")).containsExactly('h', 'i');
            assertThat((byte[]) binary.decode(Schema.BYTES_SCHEMA, binary.encode(Schema.BYTES_SCHEMA, bytes)).value())
                    .containsExactly(1, 2, 3);
            assertThatThrownBy(() -> binary.encode(POINT, new Struct(POINT).put("x", 1)))
                    .isInstanceOf(DataException.class).hasMessageContaining("WITHFORMAT BINARY needs a bytes or string");
        }

        @Test
        void formatsKnowTheirKcqlName() {
            for (Format format : List.of(Format.JSON, Format.AVRO, Format.TEXT, Format.BINARY)) {
                assertThat(ValueFormat.of(format).format()).isEqualTo(format);
            }
            assertThatThrownBy(() -> ValueFormat.of(Format.OBJECT)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
