package io.streamgrid.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlException;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.mqtt.transport.MqttTransport.Outgoing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a statement makes of a record: topic, payload, QoS, retain flag and MQTT 5 properties, or a bad record. */
class SinkStatementTest {

    private static final Schema COMMAND = SchemaBuilder.struct().name("command")
            .field("command_id", Schema.STRING_SCHEMA)
            .field("device_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("action", Schema.STRING_SCHEMA)
            .field("value", Schema.INT32_SCHEMA)
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();

    private static SinkStatement statement(String kcql) {
        KcqlStatement parsed = KcqlConnector.MQTT_SINK.capabilities().parse(kcql).get(0);
        return SinkStatement.compile(parsed, 1, 1, false);
    }

    private static Struct command(String deviceId) {
        return new Struct(COMMAND).put("command_id", "c-42").put("device_id", deviceId).put("action", "led")
                .put("value", 1).put("raw", new byte[] {1, 2, 3});
    }

    private static RecordView record(Object key, Object value, Headers headers) {
        return RecordView.of(new SinkRecord("commands", 3, Schema.OPTIONAL_STRING_SCHEMA, key,
                value instanceof Struct ? COMMAND : null, value, 17L, 1_000L, TimestampType.CREATE_TIME, headers));
    }

    private static RecordView record(Object value) {
        return record("dev-7", value, new ConnectHeaders());
    }

    private static String text(Outgoing message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void theTopicTakesValueKeyHeaderAndMetadataFields() {
        Headers headers = new ConnectHeaders().addString("site", "north");
        Outgoing message = statement("INSERT INTO `sites/${_header.site}/${_key}/${device_id}/${_topic}` "
                + "SELECT * FROM commands").message(record("dev-7", command("d1"), headers), true);
        assertThat(message.topic()).isEqualTo("sites/north/dev-7/d1/commands");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a+", "#", ""})
    void aValueThatIsNotOneTopicLevelIsABadRecordNamedByTopicPartitionAndOffset(String deviceId) {
        SinkStatement statement = statement("INSERT INTO devices/${device_id}/cmd SELECT * FROM commands");
        assertThatThrownBy(() -> statement.message(record(command(deviceId)), true))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("topic=commands partition=3 offset=17")
                .hasMessageContaining("${device_id}");
    }

    @Test
    void aMissingValueIsABadRecordNeverAnotherTopic() {
        SinkStatement statement = statement("INSERT INTO devices/${device_id}/cmd SELECT * FROM commands");
        assertThatThrownBy(() -> statement.message(record(command(null)), true))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("topic=commands partition=3 offset=17")
                .hasMessageContaining("'${device_id}' in the name 'devices/${device_id}/cmd' has no value");
        SinkStatement byHeader = statement("INSERT INTO devices/${_header.device}/cmd SELECT * FROM commands");
        assertThatThrownBy(() -> byHeader.message(record(command("d1")), true)).isInstanceOf(DataException.class)
                .hasMessageContaining("${_header.device}");
    }

    @Test
    void aTopicFromJsonTextTakesTheValuesAMapOfItWouldGive() {
        SinkStatement statement = statement("INSERT INTO `d/${device}/${n}/${t}/${on}` SELECT * FROM commands");
        assertThat(statement.message(record("{\"x\": {\"device\": \"no\"}, \"device\": \"d1\", \"n\": 12345678901, "
                + "\"t\": 21.50, \"on\": true, \"list\": [1, {\"a\": 2}]}"), true).topic())
                .isEqualTo("d/d1/12345678901/21.50/true");
        String json = "{\"s\": \"a\\u0042\\\"c\", \"z\": -0, \"e\": 1e2, \"big\": 123456789012345678901234, \"f\": false}";
        String scanned = new String(statement("INSERT INTO x SELECT * FROM commands PROPERTIES("
                + "'correlation.data' = '${s}/${z}/${e}/${big}/${f}')").message(record(json), true).properties()
                .correlationData(), StandardCharsets.UTF_8);
        String mapped = new String(statement("INSERT INTO x SELECT * FROM commands PROPERTIES("
                + "'correlation.data' = '${_topic}/${s}/${z}/${e}/${big}/${f}')").message(record(json), true)
                .properties().correlationData(), StandardCharsets.UTF_8); // a metadata field: RecordFields reads all
        assertThat(scanned).isEqualTo("aB\"c/0/1E+2/123456789012345678901234/false")
                .isEqualTo(mapped.replaceFirst("^commands/", ""));
        SinkStatement one = statement("INSERT INTO d/${device} SELECT * FROM commands");
        assertThatThrownBy(() -> one.message(record("{\"device\": null}"), true)).isInstanceOf(DataException.class)
                .hasMessageContaining("'${device}' in the name 'd/${device}' has no value");
        assertThatThrownBy(() -> one.message(record("{\"other\": 1}"), true)).isInstanceOf(DataException.class)
                .hasMessageContaining("has no value");
        assertThatThrownBy(() -> one.message(record("{\"device\": {\"id\": 1}}"), true))
                .isInstanceOf(DataException.class).hasMessageContaining("'${device}' is a LinkedHashMap");
        assertThatThrownBy(() -> one.message(record("{\"device\": \"a\" broken"), true))
                .isInstanceOf(DataException.class).hasMessageContaining("offset=17");
    }

    @Test
    void jsonTextGoesAsJsonValueFormatWritesIt() {
        SinkStatement all = statement("INSERT INTO cmd SELECT * FROM commands");
        SinkStatement templated = statement("INSERT INTO cmd/${a} SELECT * FROM commands");
        for (String text : List.of(" {\"a\": 1, \"b\": [true]} ", "{\"a\": \"x\"", "[1, 2]", "plain text", "{}")) {
            String expected = new JsonValueFormat().encode(null, text);
            assertThat(text(all.message(record(text), true))).as(text).isEqualTo(expected);
            if (text.contains("\"a\": 1")) {
                assertThat(text(templated.message(record(text), true))).as(text).isEqualTo(expected);
            }
        }
    }

    @Test
    void jsonHoldsTheSelectedFields() {
        Outgoing message = statement("INSERT INTO cmd SELECT action, value AS level FROM commands")
                .message(record(command("d1")), true);
        assertThat(text(message)).isEqualTo("{\"action\":\"led\",\"level\":1}");
        assertThat(message.qos()).isEqualTo(1);
        assertThat(message.retained()).isFalse();
        Outgoing schemaless = statement("INSERT INTO cmd SELECT action FROM commands")
                .message(record("{\"action\":\"off\",\"value\":0}"), true);
        assertThat(text(schemaless)).isEqualTo("{\"action\":\"off\"}");
    }

    @Test
    void textIsOneStringFieldOrAStringValue() {
        assertThat(text(statement("INSERT INTO cmd SELECT action FROM commands WITHFORMAT TEXT")
                .message(record(command("d1")), true))).isEqualTo("led");
        assertThat(text(statement("INSERT INTO cmd SELECT * FROM commands WITHFORMAT TEXT")
                .message(record("reboot now"), true))).isEqualTo("reboot now");
        SinkStatement whole = statement("INSERT INTO cmd SELECT * FROM commands WITHFORMAT TEXT");
        assertThatThrownBy(() -> whole.message(record(command("d1")), true)).isInstanceOf(DataException.class)
                .hasMessageContaining("topic=commands partition=3 offset=17")
                .hasMessageContaining("publishes one value, but the selected fields are 5");
    }

    @Test
    void binaryIsOneBytesFieldOrABytesValue() {
        assertThat(statement("INSERT INTO cmd SELECT raw FROM commands WITHFORMAT BINARY")
                .message(record(command("d1")), true).payload()).containsExactly(1, 2, 3);
        assertThat(statement("INSERT INTO cmd SELECT * FROM commands WITHFORMAT BINARY")
                .message(record(new byte[] {9}), true).payload()).containsExactly(9);
        SinkStatement number = statement("INSERT INTO cmd SELECT value FROM commands WITHFORMAT BINARY");
        assertThatThrownBy(() -> number.message(record(command("d1")), true)).isInstanceOf(DataException.class)
                .hasMessageContaining("BINARY");
    }

    @Test
    void propertiesSetQosAndRetainAndHeadersOverrideThem() {
        SinkStatement statement = statement("INSERT INTO cmd SELECT * FROM commands PROPERTIES('qos' = '2', "
                + "'retain' = 'true')");
        Outgoing plain = statement.message(record(command("d1")), true);
        assertThat(plain.qos()).isEqualTo(2);
        assertThat(plain.retained()).isTrue();
        Outgoing overridden = statement.message(record("k", command("d1"), new ConnectHeaders().addInt("mqtt.qos", 0)
                .addString("mqtt.retain", "false")), true);
        assertThat(overridden.qos()).isZero();
        assertThat(overridden.retained()).isFalse();
        assertThatThrownBy(() -> statement.message(record("k", command("d1"), new ConnectHeaders()
                .addString("mqtt.qos", "3")), true)).isInstanceOf(DataException.class)
                .hasMessageContaining("mqtt.qos = '3', not 0, 1 or 2").hasMessageContaining("offset=17");
    }

    @Test
    void tombstonesPublishAnEmptyRetainedMessageOnlyWithRetain() {
        Outgoing clear = statement("INSERT INTO devices/${_key}/cmd SELECT * FROM commands PROPERTIES('retain' = "
                + "'true')").message(record(null), true);
        assertThat(clear.topic()).isEqualTo("devices/dev-7/cmd");
        assertThat(clear.payload()).isEmpty();
        assertThat(clear.retained()).isTrue();
        assertThat(statement("INSERT INTO devices/${_key}/cmd SELECT * FROM commands").message(record(null), true))
                .as("without retain a tombstone publishes nothing").isNull();
    }

    @Test
    void mqtt5PropertiesComeFromTheHeadersTheSourceWritesElseFromTemplates() {
        SinkStatement statement = statement("INSERT INTO devices/${device_id}/cmd SELECT * FROM commands "
                + "PROPERTIES('response.topic' = 'devices/${device_id}/cmd/response', 'correlation.data' = "
                + "'${command_id}', 'message.expiry' = '30')");
        Outgoing fromTemplates = statement.message(record(command("d1")), true);
        assertThat(fromTemplates.properties().responseTopic()).isEqualTo("devices/d1/cmd/response");
        assertThat(fromTemplates.properties().correlationData()).isEqualTo("c-42".getBytes(StandardCharsets.UTF_8));
        assertThat(fromTemplates.properties().messageExpirySeconds()).isEqualTo(30L);

        Headers headers = new ConnectHeaders().addString("mqtt.response.topic", "replies/x")
                .addBytes("mqtt.correlation.data", new byte[] {7}).addString("mqtt.user.site", "north")
                .addString("mqtt.user.site", "south").addString("mqtt.content.type", "application/json")
                .addLong("mqtt.message.expiry", 5L);
        Outgoing fromHeaders = statement.message(record("k", command("d1"), headers), true);
        assertThat(fromHeaders.properties().responseTopic()).isEqualTo("replies/x");
        assertThat(fromHeaders.properties().correlationData()).containsExactly(7);
        assertThat(fromHeaders.properties().messageExpirySeconds()).isEqualTo(5L);
        assertThat(fromHeaders.properties().contentType()).isEqualTo("application/json");
        assertThat(fromHeaders.properties().userProperties()).containsExactly(Map.entry("site", "north"),
                Map.entry("site", "south"));
        assertThat(statement.message(record(command("d1")), false).properties()).as("3.1.1 carries none").isNull();
    }

    @Test
    void aFieldATemplateReadsMustBeSelected() {
        assertThatThrownBy(() -> statement("INSERT INTO devices/${device_id}/cmd SELECT action FROM commands"))
                .isInstanceOf(KcqlException.class)
                .hasMessageContaining("line 1, column 13")
                .hasMessageContaining("'${device_id}' reads the field 'device_id', which the SELECT list does not take");
        assertThatThrownBy(() -> statement("INSERT INTO cmd SELECT action FROM commands PROPERTIES("
                + "'correlation.data' = '${command_id}')")).isInstanceOf(KcqlException.class)
                .hasMessageContaining("'${command_id}' reads the field 'command_id'");
        statement("INSERT INTO devices/${device_id}/cmd SELECT action, device_id FROM commands");
        statement("INSERT INTO devices/${_key}/${_header.h}/${_topic} SELECT action FROM commands");
    }

    @Test
    void topicsAndPropertiesThatCannotWorkAreRefusedWithTheirPosition() {
        assertThatThrownBy(() -> statement("INSERT INTO devices/+/cmd SELECT * FROM commands"))
                .hasMessageContaining("column 13").hasMessageContaining("wildcards");
        assertThatThrownBy(() -> statement("INSERT INTO `$SYS/x` SELECT * FROM commands"))
                .hasMessageContaining("the broker's own");
        assertThatThrownBy(() -> statement("INSERT INTO cmd SELECT * FROM commands PROPERTIES('qos' = '3')"))
                .hasMessageContaining("qos is 0, 1 or 2, not '3'");
        assertThatThrownBy(() -> statement("INSERT INTO cmd SELECT * FROM commands PROPERTIES('retained' = 'true')"))
                .hasMessageContaining("does not know the property 'retained'");
        assertThatThrownBy(() -> statement("INSERT INTO cmd SELECT * FROM commands PROPERTIES('message.expiry' = "
                + "'soon')")).hasMessageContaining("message.expiry is a whole number of seconds");
        assertThatThrownBy(() -> statement("INSERT INTO cmd SELECT a, b FROM commands WITHFORMAT TEXT"))
                .hasMessageContaining("WITHFORMAT TEXT publishes one value: select one field");
    }

    /** stream-reactor's targets would publish every record to one literal topic here: refused, saying what to write. */
    @Test
    void streamReactorsTargetsAreRefusedSayingWhatToWriteHere() {
        assertThatThrownBy(() -> statement("INSERT INTO _key SELECT * FROM commands")).isInstanceOf(KcqlException.class)
                .hasMessageContaining("column 13").hasMessageContaining("INSERT INTO ${_key}");
        assertThatThrownBy(() -> statement("INSERT INTO _TOPIC SELECT * FROM commands"))
                .hasMessageContaining("INSERT INTO ${_topic}");
        assertThatThrownBy(() -> statement("INSERT INTO device.id SELECT * FROM commands "
                + "PROPERTIES('mqtt.target.from.field' = 'true')")).hasMessageContaining("INSERT INTO ${device.id}");
        assertThat(statement("INSERT INTO devices/_key SELECT * FROM commands").message(record("{}"), false).topic())
                .as("a level named _key is a topic like any other").isEqualTo("devices/_key");
    }
}
