package io.streamgrid.common.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** CBOR payloads to structs and JSON text, and back: what goes in comes out. */
class CborDocumentsTest {

    private static final ObjectMapper CBOR = new CBORMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMapBecomesTheStructItsJsonWould() throws Exception {
        String json = "{\"sensorId\":\"s-1\",\"temperature\":21.5,\"count\":7,\"ok\":true,\"tags\":[\"a\",\"b\"],"
                + "\"where\":{\"lat\":60.1,\"lon\":24.9}}";
        byte[] cbor = CBOR.writeValueAsBytes(JSON.readTree(json));
        SchemaAndValue fromCbor = CborDocuments.struct(cbor);
        SchemaAndValue fromJson = JsonSchemaInference.infer(JSON.readTree(json));
        assertThat(fromCbor.schema()).isEqualTo(fromJson.schema());
        assertThat(fromCbor.value()).isEqualTo(fromJson.value());
        assertThat(((Struct) fromCbor.value()).getFloat64("temperature")).isEqualTo(21.5);
        assertThat(((Struct) fromCbor.value()).getInt64("count")).isEqualTo(7L);
    }

    @Test
    void itsJsonTextReadsBackToTheSameDocument() throws Exception {
        Map<String, Object> document = Map.of("n", 1, "s", "text", "list", List.of(1.5, 2.5), "nested",
                Map.of("b", false));
        byte[] cbor = CBOR.writeValueAsBytes(document);
        String text = CborDocuments.jsonText(cbor);
        JsonNode back = JSON.readTree(text);
        assertThat(back).isEqualTo(JSON.valueToTree(document));
        assertThat(CBOR.readTree(CBOR.writeValueAsBytes(back))).isEqualTo(CBOR.readTree(cbor));
    }

    @Test
    void byteStringsAreBytesInAStructAndBase64InJson() throws Exception {
        byte[] cbor = HexFormat.of().parseHex("a1" + "646461746143" + "010203"); // {"data": h'010203'}
        Struct struct = (Struct) CborDocuments.struct(cbor).value();
        assertThat(struct.schema().field("data").schema().type()).isEqualTo(Schema.Type.BYTES);
        assertThat(struct.getBytes("data")).containsExactly(1, 2, 3);
        assertThat(CborDocuments.jsonText(cbor)).isEqualTo("{\"data\":\"AQID\"}");
    }

    @Test
    void integerKeysBecomeFieldNames() {
        byte[] cbor = HexFormat.of().parseHex("a2" + "01" + "6161" + "21" + "f5"); // {1: "a", -2: true}
        Struct struct = (Struct) CborDocuments.struct(cbor).value();
        assertThat(struct.getString("1")).isEqualTo("a");
        assertThat(struct.getBoolean("-2")).isTrue();
    }

    @Test
    void whatIsNotOneCborMapIsBadData() {
        assertThatThrownBy(() -> CborDocuments.struct(new byte[0])).isInstanceOf(DataException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> CborDocuments.struct(HexFormat.of().parseHex("83010203")))
                .isInstanceOf(DataException.class).hasMessageContaining("an array");
        assertThatThrownBy(() -> CborDocuments.struct(HexFormat.of().parseHex("a1616101" + "ff")))
                .isInstanceOf(DataException.class).hasMessageContaining("not CBOR");
        assertThat(CborDocuments.jsonText("{\"json\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .as("JSON text is no CBOR item followed by nothing").isNull();
    }
}
