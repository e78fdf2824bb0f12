package io.streamgrid.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.streamgrid.kcql.Kcql;
import io.streamgrid.mqtt.converter.PayloadConverter;
import io.streamgrid.mqtt.converter.PayloadConverters;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** WITHCONVERTER = `cbor` and `senml`: CBOR payloads as structs, SenML packs as one keyed record per measurement. */
class CborSenmlConvertersTest {

    private static final String PACK = "[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"temp\",\"u\":\"Cel\","
            + "\"v\":23.1},{\"n\":\"label\",\"vs\":\"Machine Room\"},{\"n\":\"open\",\"vb\":false}]";

    @Test
    void cborMapsAreStructsThatStatementsSelectFrom() throws Exception {
        byte[] cbor = new CBORMapper().writeValueAsBytes(Map.of("sensorId", "s-1", "temperature", 21.5));
        MqttStatement statement = MqttStatement.compile(Kcql.parse("INSERT INTO t SELECT temperature FROM a/+ "
                + "WITHCONVERTER = `cbor` WITHKEY(sensorId)").get(0), 1);
        SchemaAndValue converted = statement.convertAll("a/b", cbor).get(0).value();
        assertThat(((Struct) statement.project("a/b", converted).value()).getFloat64("temperature")).isEqualTo(21.5);
        assertThat(statement.key("a/b", converted)).isEqualTo("s-1");
        assertThatThrownBy(() -> statement.convertAll("a/b", "{\"json\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DataException.class).hasMessageContaining("not CBOR");
    }

    @Test
    void aSenmlPackIsOneRecordPerMeasurementKeyedByItsName() throws Exception {
        PayloadConverter senml = PayloadConverters.create("senml", Map.of());
        List<PayloadConverter.Converted> fromJson = senml.convertAll("a/b", PACK.getBytes(StandardCharsets.UTF_8));
        assertThat(fromJson).extracting(PayloadConverter.Converted::key).containsExactly(
                "urn:dev:ow:10e2073a01080063:temp", "urn:dev:ow:10e2073a01080063:label",
                "urn:dev:ow:10e2073a01080063:open");
        assertThat(((Struct) fromJson.get(0).value().value()).getFloat64("v")).isEqualTo(23.1);
        assertThat(((Struct) fromJson.get(1).value().value()).getString("vs")).isEqualTo("Machine Room");

        byte[] cbor = new CBORMapper().writeValueAsBytes(new ObjectMapper().readTree(PACK.replace("\"bn\"", "\"-2\"")
                .replace("\"n\"", "\"0\"").replace("\"u\"", "\"1\"").replace("\"v\"", "\"2\"")
                .replace("\"vs\"", "\"3\"").replace("\"vb\"", "\"4\"")));
        List<PayloadConverter.Converted> fromCbor = senml.convertAll("a/b", cbor);
        assertThat(fromCbor).extracting(PayloadConverter.Converted::key)
                .containsExactlyElementsOf(fromJson.stream().map(PayloadConverter.Converted::key).toList());
        assertThat(((Struct) fromCbor.get(0).value().value()).getString("u")).isEqualTo("Cel");
    }

    @Test
    void senmlStatementsSelectAndFilterTheRecordsFields() {
        MqttStatement statement = MqttStatement.compile(Kcql.parse("INSERT INTO t SELECT n, v FROM a/+ "
                + "WITHCONVERTER = `senml` WHERE v > 20").get(0), 1);
        List<PayloadConverter.Converted> records = statement.convertAll("a/b", PACK.getBytes(StandardCharsets.UTF_8));
        List<PayloadConverter.Converted> kept = records.stream().filter(r -> statement.keeps("a/b", 0, r.value(),
                null)).toList();
        assertThat(kept).singleElement().satisfies(r -> assertThat(((Struct) statement.project("a/b", r.value())
                .value()).getString("n")).isEqualTo("urn:dev:ow:10e2073a01080063:temp"));
    }
}
