package io.streamgrid.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.testing.ConfigEdges;
import io.streamgrid.common.testing.MigrationGuide;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.streamgrid.mqtt.MqttSourceConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sink's settings: defaults, errors on the key at fault, what it shares with the source, the generated page. */
class MqttSinkConfigTest {

    private static final String KCQL = "connect.mqtt.kcql";

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.mqtt.hosts", "tcp://broker:1883");
        props.put("topics", "commands");
        props.put(KCQL, "INSERT INTO devices/${device_id}/cmd SELECT * FROM commands");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    /** The errors of validate's checks that need no broker (the broker check is in MqttSinkMosquittoTest). */
    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new MqttSinkConnector().validateSettings(props).result().configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void defaults() {
        assertThat(errors(props())).isEmpty();
        MqttSinkConfig config = new MqttSinkConfig(props("name", "commands-out", "streamgrid.task.id", "2"));
        assertThat(config.defaultQos()).isEqualTo(1);
        assertThat(config.defaultRetain()).isFalse();
        assertThat(config.maxInFlight()).isEqualTo(100);
        assertThat(config.outageTimeout()).isZero();
        assertThat(config.errorPolicy().policy()).isEqualTo(ErrorPolicy.RETRY);
        assertThat(config.clientId()).isEqualTo("commands-out-2");
        assertThat(config.connection().hosts()).containsExactly("tcp://broker:1883");
        assertThat(new MqttSinkConfig(props("connect.mqtt.client.id", "out", "connect.mqtt.timeout", "7"))
                .connection().connectionTimeoutSeconds()).as("stream-reactor's name").isEqualTo(7);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "field not selected   | INSERT INTO devices/${device_id}/cmd SELECT action FROM commands | '${device_id}' reads the field 'device_id', which the SELECT list does not take",
            "wildcard in topic    | INSERT INTO devices/#/cmd SELECT * FROM commands                | '+' and '#' are wildcards",
            "unclosed template    | INSERT INTO `devices/${device_id/cmd` SELECT * FROM commands     | has no closing '}'",
            "unknown property     | INSERT INTO cmd SELECT * FROM commands PROPERTIES('qos.level'='1') | does not know the property 'qos.level'",
            "STOREAS              | INSERT INTO cmd SELECT * FROM commands STOREAS QUEUE            | the MQTT sink does not support the STOREAS clause",
            "WITHFORMAT AVRO      | INSERT INTO cmd SELECT * FROM commands WITHFORMAT AVRO          | the MQTT sink does not support WITHFORMAT AVRO",
            "TEXT of two fields   | INSERT INTO cmd SELECT a, b FROM commands WITHFORMAT TEXT       | WITHFORMAT TEXT publishes one value",
            "a topic not read     | INSERT INTO cmd SELECT * FROM other                             | no KCQL statement reads the topics [commands] listed in topics",
            "two read one topic   | INSERT INTO cmd SELECT * FROM commands; INSERT INTO x SELECT * FROM commands | ",
            "MQTT 5 on 3.1.1      | INSERT INTO cmd SELECT * FROM commands PROPERTIES('response.topic'='r') | are MQTT 5 properties; set connect.mqtt.version=5"})
    void badKcqlIsReportedOnTheKcqlKey(String what, String kcql, String message) {
        Map<String, List<String>> errors = errors(props(KCQL, kcql));
        if (message == null) {
            assertThat(errors).as("two statements may read one topic").isEmpty();
            return;
        }
        assertThat(errors).containsOnlyKeys(KCQL);
        assertThat(errors.get(KCQL)).singleElement().asString().contains(message);
    }

    @Test
    void mqtt5PropertiesAreFineWithMqtt5AndTopicsListedWithoutStatementsAreNot() {
        assertThat(errors(props(KCQL, "INSERT INTO cmd SELECT * FROM commands PROPERTIES('response.topic'='r')",
                "connect.mqtt.version", "5"))).isEmpty();
        assertThat(errors(props("topics", "commands,other"))).containsOnlyKeys(KCQL).extractingByKey(KCQL).asString()
                .contains("no KCQL statement reads the topics [other]");
        assertThat(errors(props(KCQL, "INSERT INTO a SELECT * FROM commands; INSERT INTO b SELECT * FROM other")))
                .containsOnlyKeys(KCQL).extractingByKey(KCQL).asString()
                .contains("KCQL statements read [other], which are not in topics [commands]");
        assertThat(errors(props("topics", "", "topics.regex", "comm.*"))).isEmpty();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "connect.mqtt.hosts                 | http://broker | use tcp://host:port or ssl://host:port",
            "connect.mqtt.service.quality       | 3             | Value must be no more than 2",
            "connect.mqtt.max.in.flight         | 0             | Value must be at least 1",
            "connect.mqtt.max.packet.size       | 10            | Value must be at least 64",
            "connect.mqtt.broker.outage.timeout | -1            | Value must be at least 0",
            "connect.mqtt.error.policy          | explode       | must be one of THROW, RETRY, NOOP",
            "connect.mqtt.ssl.ca.cert           | /ca.pem       | the hosts are plain tcp://"})
    void badValuesAreReportedOnTheirKeys(String key, String value, String message) {
        Map<String, List<String>> errors = errors(props(key, value));
        assertThat(errors).containsOnlyKeys(key);
        assertThat(errors.get(key)).anySatisfy(e -> assertThat(e).contains(message));
    }

    @Test
    void theConnectionKeysMeanWhatTheyMeanForTheSource() {
        Map<String, ConfigDef.ConfigKey> source = MqttSourceConfig.CONFIG_DEF.configKeys();
        List<String> shared = MqttSinkConfig.CONFIG_DEF.configKeys().values().stream()
                .filter(k -> k.group.equals("Connection") || k.group.equals("TLS")).map(k -> k.name).toList();
        assertThat(shared).hasSize(19).contains("connect.mqtt.hosts", "connect.mqtt.ssl.hostname.verification");
        for (String key : shared) {
            ConfigDef.ConfigKey sink = MqttSinkConfig.CONFIG_DEF.configKeys().get(key);
            assertThat(source).containsKey(key);
            assertThat(List.of(sink.type, String.valueOf(sink.defaultValue), sink.importance, sink.group,
                    sink.documentation.replace("publishes", "subscribes"))).as(key).isEqualTo(List.of(
                    source.get(key).type, String.valueOf(source.get(key).defaultValue), source.get(key).importance,
                    source.get(key).group, source.get(key).documentation));
        }
    }

    /** docs/migrating-from-stream-reactor.md says of each of stream-reactor's sink keys what this sink does with it. */
    @Test
    void theMigrationGuidesSinkKeysAreTreatedAsItSays() throws IOException {
        assertThat(MigrationGuide.problems("MQTT sink keys", MqttSinkConfig.CONFIG_DEF, MqttSinkConfig.ALIASES))
                .isEmpty();
        assertThat(new MqttSinkConfig(props("connect.mqtt.retained.messages", "true")).defaultRetain())
                .as("stream-reactor's name of the retain flag").isTrue();
    }

    @Test
    void committedConfigReferenceMatchesTheConfigDef() throws IOException {
        assertThat(Files.readString(Path.of("..", "docs", "mqtt-sink-config.md")))
                .as("regenerate with: mvn -q install -DskipTests && mvn -q -pl connect-mqtt-source exec:java@sink-config")
                .isEqualTo(ConfigDocs.markdown("MQTT sink configuration", MqttSinkConfig.CONFIG_DEF));
    }

    @Test
    void everyKeySetToNullOrEmptyGetsAClearErrorOnItOrWorks() {
        ConfigEdges.everyKeyTakesNullAndEmpty(MqttSinkConfig.CONFIG_DEF,
                p -> new MqttSinkConnector().validateSettings(p).result(), MqttSinkConfig::new, props());
    }
}
