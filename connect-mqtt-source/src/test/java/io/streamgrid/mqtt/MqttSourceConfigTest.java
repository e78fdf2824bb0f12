package io.streamgrid.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.kcql.Kcql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MqttSourceConfigTest {

    private static final String KCQL = "connect.mqtt.kcql";

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.mqtt.hosts", "tcp://broker:1883");
        props.put(KCQL, "INSERT INTO mqtt SELECT * FROM /mjson WITHCONVERTER=`json`");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    /** The errors of validate's checks that need no broker (the broker check is in MqttSourceMosquittoTest). */
    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new MqttSourceConnector().validateSettings(props).result().configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void streamReactorExampleIsValidWithDefaults() {
        assertThat(errors(props())).isEmpty();
        MqttSourceConfig config = new MqttSourceConfig(props("name", "mqtt-source"));
        assertThat(config.defaultQos()).isEqualTo(1);
        assertThat(config.cleanSession()).isFalse();
        assertThat(config.connection().keepAliveSeconds()).isEqualTo(60);
        assertThat(config.connection().connectionTimeoutSeconds()).isEqualTo(30);
        assertThat(config.queue().size()).isEqualTo(10_000);
        assertThat(config.queue().maxBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(config.badMessagePolicy()).isEqualTo(BadMessagePolicy.FAIL);
        assertThat(config.clientId()).isEqualTo("mqtt-source-0");
    }

    @Test
    void hostsAreNormalisedForPaho() {
        assertThat(new MqttSourceConfig(props("connect.mqtt.hosts", "mqtt://a, tcp://b:1999")).hosts())
                .containsExactly("tcp://a:1883", "tcp://b:1999");
        assertThat(new MqttSourceConfig(props("connect.mqtt.hosts", "mqtts://a,ssl://b")).hosts())
                .containsExactly("ssl://a:8883", "ssl://b:8883");
    }

    @Test
    void clientIdIsStablePerTask() {
        Map<String, String> props = props("connect.mqtt.client.id", "gateway", "connect.mqtt.task.index", "3");
        assertThat(new MqttSourceConfig(props).clientId()).isEqualTo("gateway-3");
        assertThat(new MqttSourceConfig(props).clientId()).isEqualTo("gateway-3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "invalid filter        | INSERT INTO t SELECT * FROM a/#/b                      | FROM 'a/#/b' is not an MQTT topic filter: '#' must be a whole level and the last one",
            "bad Kafka topic       | INSERT INTO `bad topic` SELECT * FROM a                | 'bad topic' is not a Kafka topic name",
            "unknown converter     | INSERT INTO t SELECT * FROM a WITHCONVERTER=`com.acme.Nope` | unknown converter 'com.acme.Nope'",
            "not a converter       | INSERT INTO t SELECT * FROM a WITHCONVERTER=`java.lang.String` | does not implement io.streamgrid.mqtt.converter.PayloadConverter",
            "fields of bytes       | INSERT INTO t SELECT a, b FROM a                       | need a converter that makes structs",
            "WITHKEY of strings    | INSERT INTO t SELECT * FROM a WITHCONVERTER=`string` WITHKEY(id) | need a converter that makes structs",
            "bad qos               | INSERT INTO t SELECT * FROM a PROPERTIES('qos'='3')    | qos is 0, 1 or 2, not 3",
            "schema missing        | INSERT INTO t SELECT * FROM a WITHCONVERTER=`avro`     | the avro converter needs the payload schema",
            "schema file missing   | INSERT INTO t SELECT * FROM a WITHCONVERTER=`json-schema` PROPERTIES('schema.file'='/nope.avsc') | cannot read the schema file /nope.avsc",
            "STOREAS               | INSERT INTO t SELECT * FROM a STOREAS QUEUE            | the MQTT source does not support the STOREAS clause",
            "UPSERT                | UPSERT INTO t SELECT * FROM a                          | the MQTT source does not support UPSERT INTO",
            "bad shared filter     | INSERT INTO t SELECT * FROM '$share/+/a'               | $share/<group>/<filter>"})
    void badKcqlIsReportedOnTheKcqlKey(String what, String kcql, String message) {
        Map<String, List<String>> errors = errors(props(KCQL, kcql));
        assertThat(errors).containsOnlyKeys(KCQL);
        assertThat(errors.get(KCQL)).singleElement().asString().contains(message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "connect.mqtt.hosts              | http://broker        | use tcp://host:port or ssl://host:port",
            "connect.mqtt.hosts              | tcp://a,ssl://b      | mixes plain (tcp://) and TLS (ssl://) brokers",
            "connect.mqtt.hosts              | tcp://a/path         | nothing after the port",
            "connect.mqtt.service.quality    | 3                    | Value must be no more than 2",
            "connect.mqtt.bad.message.policy | explode              | String must be one of (case insensitive)",
            "connect.mqtt.queue.size         | 0                    | Value must be at least 1",
            "connect.mqtt.keep.alive         | -1                   | Value must be at least 0",
            "connect.mqtt.ssl.keystore.type  | PEM                  | String must be one of (case insensitive)"})
    void badValuesAreReportedOnTheirKeys(String key, String value, String message) {
        Map<String, List<String>> errors = errors(props(key, value));
        assertThat(errors).containsOnlyKeys(key);
        assertThat(errors.get(key)).anySatisfy(e -> assertThat(e).contains(message));
    }

    @Test
    void settingsThatOnlyWorkTogether() {
        assertThat(errors(props("connect.mqtt.ssl.ca.cert", "/ca.pem"))).containsOnlyKeys("connect.mqtt.ssl.ca.cert")
                .extractingByKey("connect.mqtt.ssl.ca.cert").asString().contains("the hosts are plain tcp://");
        assertThat(errors(props("connect.mqtt.hosts", "ssl://b", "connect.mqtt.ssl.cert", "/c.pem")))
                .containsOnlyKeys("connect.mqtt.ssl.key");
        assertThat(errors(props("connect.mqtt.password", "p"))).containsOnlyKeys("connect.mqtt.username")
                .extractingByKey("connect.mqtt.username").asString().contains("a password needs a user name");
        assertThat(errors(props("connect.mqtt.hosts", "ssl://b", "connect.mqtt.ssl.ca.cert", "/ca.pem",
                "connect.mqtt.username", "u", "connect.mqtt.password", "p"))).isEmpty();
    }

    @Test
    void oldNamesAreAppliedAndConflictsReported() {
        MqttSourceConfig config = new MqttSourceConfig(props("connect.mqtt.timeout", "7",
                "connect.mqtt.polling.timeout", "250"));
        assertThat(config.connection().connectionTimeoutSeconds()).isEqualTo(7);
        assertThat(config.queue().pollTimeout().toMillis()).isEqualTo(250);
        assertThat(errors(props("connect.mqtt.timeout", "7", "connect.mqtt.connection.timeout", "9")))
                .containsOnlyKeys("connect.mqtt.connection.timeout");
        assertThat(MqttSourceConfig.ALIASES.warnings(Map.of("connect.mqtt.converter.throw.on.error", "true")))
                .singleElement().asString().contains("use connect.mqtt.bad.message.policy")
                .as("offers every policy").contains(Arrays.stream(BadMessagePolicy.values()).map(Enum::name).toList());
    }

    @Test
    void plainStatementsAreSpreadAndSharedOnesRunOnEveryTask() {
        String kcql = "INSERT INTO a SELECT * FROM s1; INSERT INTO b SELECT * FROM s2; INSERT INTO c SELECT * FROM s3";
        List<Map<String, String>> two = MqttSourceConnector.taskConfigs(props(KCQL, kcql), Kcql.parse(kcql), 2);
        assertThat(two).hasSize(2);
        assertThat(Kcql.parse(two.get(0).get(KCQL))).extracting(s -> s.source()).containsExactly("s1", "s3");
        assertThat(Kcql.parse(two.get(1).get(KCQL))).extracting(s -> s.source()).containsExactly("s2");
        assertThat(two).extracting(c -> c.get("connect.mqtt.task.index")).containsExactly("0", "1");

        String oneStatement = "INSERT INTO a SELECT * FROM s1";
        assertThat(MqttSourceConnector.taskConfigs(props(KCQL, oneStatement), Kcql.parse(oneStatement), 4)).hasSize(1);

        String shared = "INSERT INTO a SELECT * FROM '$share/g/jobs/#'; INSERT INTO b SELECT * FROM s1";
        List<Map<String, String>> three = MqttSourceConnector.taskConfigs(props(KCQL, shared), Kcql.parse(shared), 3);
        assertThat(three).hasSize(3).allSatisfy(c -> assertThat(c.get(KCQL)).contains("$share/g/jobs/#"));
        assertThat(three.stream().filter(c -> c.get(KCQL).contains("s1"))).hasSize(1);
    }

    @Test
    void committedConfigReferenceMatchesTheConfigDef() throws IOException {
        assertThat(Files.readString(Path.of("..", "docs", "mqtt-source-config.md")))
                .as("regenerate with: mvn -q install -DskipTests && mvn -q -pl connect-mqtt-source exec:java")
                .isEqualTo(ConfigDocs.markdown("MQTT source configuration", MqttSourceConfig.CONFIG_DEF));
    }

    @Test
    void everyKeySetToNullOrEmptyGetsAClearErrorOnItOrWorks() {
        io.streamgrid.common.testing.ConfigEdges.everyKeyTakesNullAndEmpty(MqttSourceConfig.CONFIG_DEF,
                p -> new MqttSourceConnector().validateSettings(p).result(), MqttSourceConfig::new, props());
    }

    @Test
    void aValueOfTheWrongTypeGetsOneError() {
        assertThat(errors(props("connect.mqtt.service.quality", "abc")).get("connect.mqtt.service.quality"))
                .singleElement().asString().contains("abc");
        assertThat(errors(props("connect.mqtt.keep.alive", "soon")).get("connect.mqtt.keep.alive")).hasSize(1);
    }

    @Test
    void fieldsWithoutAStructConverterAreReportedWhereTheyAreWritten() {
        assertThat(errors(props(KCQL, "INSERT INTO t SELECT temperature FROM a WITHCONVERTER=`bytes`")).get(KCQL))
                .singleElement().asString().contains("line 1, column 22").contains("need a converter");
        assertThat(errors(props(KCQL, "INSERT INTO t SELECT * FROM a WITHCONVERTER=`string` WITHKEY(id)")).get(KCQL))
                .singleElement().asString().contains("line 1, column 62").contains("need a converter");
    }

    @Test
    void theDeadLetterPolicyNeedsATopic() {
        assertThat(errors(props("connect.mqtt.bad.message.policy", "DLQ")).get("connect.mqtt.dead.letter.topic"))
                .singleElement().asString().contains("needs a topic");
        assertThat(errors(props("connect.mqtt.bad.message.policy", "DLQ", "connect.mqtt.dead.letter.topic", "dlq")))
                .isEmpty();
    }
}
