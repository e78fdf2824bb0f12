package io.streamgrid.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.mqtt.converter.PayloadConverter;
import io.streamgrid.mqtt.converter.PayloadConverters;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class PayloadConvertersTest {

    /** A user's converter, found by its class name and given the statement's PROPERTIES. */
    public static final class Upper implements PayloadConverter {
        private String suffix = "";

        @Override
        public void configure(Map<String, String> properties) {
            suffix = properties.getOrDefault("suffix", "");
        }

        @Override
        public SchemaAndValue convert(String mqttTopic, byte[] payload) {
            return new SchemaAndValue(Schema.STRING_SCHEMA,
                    new String(payload, StandardCharsets.UTF_8).toUpperCase() + suffix);
        }
    }

    @Test
    void userClassIsLoadedAndConfigured() {
        PayloadConverter converter = PayloadConverters.create(Upper.class.getName(), Map.of("suffix", "!"));
        assertThat(converter.convert("t", "hi".getBytes(StandardCharsets.UTF_8)).value()).isEqualTo("HI!");
    }

    @Test
    void shortNamesAndOurClassNamesInAnyCase() {
        assertThat(PayloadConverters.create("JSON", Map.of()).structured()).isTrue();
        assertThat(PayloadConverters.create("io.streamgrid.mqtt.converter.StringPayloadConverter", Map.of())
                .structured()).isFalse();
    }

    @Test
    void stringConverterRejectsBytesThatAreNotUtf8() {
        PayloadConverter string = PayloadConverters.create("string", Map.of());
        assertThatThrownBy(() -> string.convert("t", new byte[] {(byte) 0xc3, (byte) 0x28}))
                .isInstanceOf(DataException.class).hasMessageContaining("not UTF-8");
    }

    @Test
    void avroPayloadWrittenWithAnotherSchemaIsBadData() {
        PayloadConverter avro = PayloadConverters.create("avro", Map.of("schema",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}"));
        assertThatThrownBy(() -> avro.convert("t", new byte[] {2, 4, 6}))
                .isInstanceOf(DataException.class).hasMessageContaining("written with another schema");
    }

    @Test
    void jsonConverterNeverTurnsAnOddPayloadIntoATombstoneOrANonStruct() {
        PayloadConverter json = PayloadConverters.create("json", Map.of());
        assertThatThrownBy(() -> json.convert("t", new byte[0])).as("empty payload")
                .isInstanceOf(DataException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> json.convert("t", "   ".getBytes(StandardCharsets.UTF_8))).as("blank payload")
                .isInstanceOf(DataException.class).hasMessageContaining("empty");
        for (String notAnObject : new String[] {"[1,2,3]", "123", "\"text\"", "true", "null"}) {
            assertThatThrownBy(() -> json.convert("t", notAnObject.getBytes(StandardCharsets.UTF_8)))
                    .as(notAnObject).isInstanceOf(DataException.class).hasMessageContaining("a JSON object");
        }
        assertThatThrownBy(() -> json.convert("t", "{\"id\": 1e999999}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DataException.class).hasMessageContaining("$.id").hasMessageContaining("too large");
        SchemaAndValue ok = json.convert("t", "{\"id\": 1.5e3}".getBytes(StandardCharsets.UTF_8));
        assertThat(((org.apache.kafka.connect.data.Struct) ok.value()).get("id")).isEqualTo(1500.0);
    }
}
