package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.kcql.Kcql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoapSourceConfigTest {

    private static final String KCQL = "connect.coap.kcql";
    private static TestCoapServer server;

    @BeforeAll
    static void startServer() {
        server = new TestCoapServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.coap.uri", server.uri());
        props.put(KCQL, "INSERT INTO coap_sensor_topic SELECT * FROM sensors/temp");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new CoapSourceConnector().validate(props).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void seedConfigWithItsOldUriKeyIsValid() {
        Map<String, String> props = props();
        props.remove("connect.coap.uri");
        props.put("connect.coap.source.uri", server.uri());
        assertThat(errors(props)).isEmpty();
        CoapSourceConfig config = new CoapSourceConfig(props);
        assertThat(config.servers()).extracting(CoapUri::base).containsExactly(server.uri());
        assertThat(config.client().exchangeLifetime().toMillis()).isEqualTo(10_000);
        assertThat(config.queue().size()).isEqualTo(10_000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not coap           | http://example.com | use coap://host:port or coaps://host:port",
            "no host            | coap:///path       | no host"})
    void badUriIsReportedOnTheUriKey(String what, String uri, String message) {
        Map<String, List<String>> errors = errors(props("connect.coap.uri", uri));
        assertThat(errors).containsOnlyKeys("connect.coap.uri");
        assertThat(errors.get("connect.coap.uri")).anySatisfy(e -> assertThat(e).contains(message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown resource    | INSERT INTO t SELECT * FROM sensors/nope                        | Resource 'sensors/nope' of coap://127.0.0.1",
            "bad mode            | INSERT INTO t SELECT * FROM sensors/temp PROPERTIES('mode'='stream') | mode is observe or poll, not stream",
            "unknown property    | INSERT INTO t SELECT * FROM sensors/temp PROPERTIES('qos'='1') | unknown property 'qos'",
            "bad interval        | INSERT INTO t SELECT * FROM sensors/temp PROPERTIES('mode'='poll','interval.ms'='soon') | interval.ms is a number of milliseconds",
            "discovery poll      | INSERT INTO t SELECT * FROM .well-known/core PROPERTIES('mode'='poll') | it cannot poll",
            "rt without discovery| INSERT INTO t SELECT * FROM sensors/temp PROPERTIES('rt'='x') | apply to FROM .well-known/core",
            "unknown field       | INSERT INTO t SELECT temperature FROM sensors/temp            | 'temperature' is not a field of a CoAP response",
            "fields of a string  | INSERT INTO t SELECT code.x FROM sensors/temp                 | only payload.<field> reads inside",
            "bad Kafka topic     | INSERT INTO `a b` SELECT * FROM sensors/temp                  | is not a Kafka topic name",
            "unknown converter   | INSERT INTO t SELECT * FROM sensors/temp WITHCONVERTER=`x`    | unknown converter 'x'",
            "unsupported clause  | INSERT INTO t SELECT * FROM sensors/temp STOREAS IMAP         | does not support the STOREAS clause",
            "WHERE string vs number | INSERT INTO t SELECT * FROM sensors/temp WHERE code > 5     | line 1, column 48: 'code' is a string field of a CoAP response, compared here with the number 5",
            "WHERE number vs string | INSERT INTO t SELECT * FROM sensors/temp WHERE 'x' = rtt    | line 1, column 54: 'rtt' is a number field of a CoAP response, compared here with the string 'x'",
            "WHERE unknown field | INSERT INTO t SELECT * FROM sensors/temp WHERE temperature > 5 | line 1, column 48: 'temperature' is not a field of a CoAP response",
            "WHERE LIKE a number | INSERT INTO t SELECT * FROM sensors/temp WHERE rtt LIKE '1%'  | 'rtt' is a number field of a CoAP response, and LIKE matches strings",
            "topic template      | INSERT INTO coap_${site} SELECT * FROM sensors/temp | '${site}': a CoAP statement names its Kafka topic after ${resource} (the resource path) or ${host}",
            "WHERE boolean IN    | INSERT INTO t SELECT * FROM sensors/temp WHERE is_last IN (1, 2) | 'is_last' is a boolean field of a CoAP response, compared here with the number 1"})
    void badStatementsAreReportedOnTheKcqlKey(String what, String kcql, String message) {
        Map<String, List<String>> errors = errors(props(KCQL, kcql));
        assertThat(errors).containsOnlyKeys(KCQL);
        assertThat(errors.get(KCQL)).anySatisfy(e -> assertThat(e).contains(message));
    }

    @Test
    void unreachableServerIsReportedOnTheUriKey() {
        int port = TestCoapServer.freeUdpPort();
        Map<String, List<String>> errors = errors(props("connect.coap.uri", "coap://127.0.0.1:" + port));
        assertThat(errors).containsOnlyKeys("connect.coap.uri");
        assertThat(errors.get("connect.coap.uri")).singleElement().asString()
                .contains("No answer from coap://127.0.0.1:" + port + " within 3000 ms");
    }

    @Test
    void coapsWithoutCredentialsIsReported() {
        Map<String, List<String>> errors = errors(props("connect.coap.uri", "coaps://127.0.0.1:5684"));
        assertThat(errors).containsOnlyKeys("connect.coap.uri");
        assertThat(errors.get("connect.coap.uri")).singleElement().asString().contains("coaps:// needs DTLS credentials");
    }

    @Test
    void missingKeyFileIsReportedOnItsKey() {
        Map<String, List<String>> errors = errors(props("connect.coap.uri", "coaps://127.0.0.1:5684",
                "connect.coap.dtls.ca.cert", "/nowhere/ca.pem"));
        assertThat(errors).containsOnlyKeys("connect.coap.dtls.ca.cert");
        assertThat(errors.get("connect.coap.dtls.ca.cert")).singleElement().asString().contains("cannot be read");
    }

    @Test
    void statementsAreSpreadOverTasks() {
        String kcql = "INSERT INTO a SELECT * FROM r1; INSERT INTO b SELECT * FROM r2; INSERT INTO c SELECT * FROM r3";
        CoapSourceConnector connector = new CoapSourceConnector();
        connector.start(props(KCQL, kcql));
        List<Map<String, String>> two = connector.taskConfigs(2);
        assertThat(two).hasSize(2);
        assertThat(Kcql.parse(two.get(0).get(KCQL))).extracting(s -> s.source()).containsExactly("r1", "r3");
        assertThat(Kcql.parse(two.get(1).get(KCQL))).extracting(s -> s.source()).containsExactly("r2");
        assertThat(connector.taskConfigs(10)).hasSize(3);
    }

    @Test
    void oldKeyNamesAreAccepted() {
        CoapSourceConfig config = new CoapSourceConfig(props("connect.coap.username", "id",
                "connect.coap.password", "secret", "connect.coap.private.key.file", "/k.pem"));
        assertThat(config.client().pskIdentity()).isEqualTo("id");
        assertThat(config.client().pskSecret().value()).isEqualTo("secret");
        assertThat(config.client().tlsFiles().key()).isEqualTo("/k.pem");
    }

    /** stream-reactor's store passwords mean what ours do: they are applied, not dropped with a warning. */
    @Test
    void oldStorePasswordKeysAreApplied() {
        CoapSourceConfig config = new CoapSourceConfig(props("connect.coap.truststore.path", "/trust.p12",
                "connect.coap.truststore.pass", "trust-secret", "connect.coap.keystore.path", "/keys.p12",
                "connect.coap.keystore.pass", "key-secret"));
        assertThat(config.client().tlsFiles().truststorePassword().value()).isEqualTo("trust-secret");
        assertThat(config.client().tlsFiles().keystorePassword().value()).isEqualTo("key-secret");
    }

    @Test
    void committedConfigReferenceMatchesTheConfigDef() throws IOException {
        assertThat(Files.readString(Path.of("..", "docs", "coap-source-config.md")))
                .as("regenerate with: mvn -q install -DskipTests && mvn -q -pl connect-coap-source exec:java")
                .isEqualTo(ConfigDocs.markdown("CoAP source configuration", CoapSourceConfig.CONFIG_DEF));
    }

    @Test
    void everyKeySetToNullOrEmptyGetsAClearErrorOnItOrWorks() {
        io.streamgrid.common.testing.ConfigEdges.everyKeyTakesNullAndEmpty(CoapSourceConfig.CONFIG_DEF,
                p -> new CoapSourceConnector().validate(p), CoapSourceConfig::new, props());
    }

    @Test
    void aValueOfTheWrongTypeGetsOneError() {
        assertThat(errors(props("connect.coap.request.timeout", "abc")).get("connect.coap.request.timeout"))
                .singleElement().asString().contains("abc");
    }

    @Test
    void aFieldACoapResponseDoesNotHaveIsReportedWhereItIsWritten() {
        assertThat(errors(props(KCQL, "INSERT INTO t SELECT source, f1 FROM sensors/temp")).get(KCQL))
                .singleElement().asString().contains("line 1, column 30").contains("'f1' is not a field");
        assertThat(errors(props(KCQL, "INSERT INTO t SELECT *\n  FROM sensors/temp IGNORE payload, nope")).get(KCQL))
                .singleElement().asString().contains("line 2, column 37").contains("'nope' is not a field");
    }

    @Test
    void serverModeNeedsAWayToAuthenticateDevices() {
        Map<String, List<String>> errors = errors(props("connect.coap.mode", "server", KCQL,
                "INSERT INTO t SELECT * FROM telemetry/+"));
        assertThat(errors).containsOnlyKeys("connect.coap.server.psk.file");
        assertThat(errors.get("connect.coap.server.psk.file")).singleElement().asString()
                .contains("server mode needs authenticated devices").contains("connect.coap.server.allow.insecure=true");
        assertThat(errors(props("connect.coap.mode", "server", KCQL, "INSERT INTO t SELECT * FROM telemetry/+",
                "connect.coap.server.psk.file", "/nowhere/devices.psk")).get("connect.coap.server.psk.file"))
                .singleElement().asString().contains("cannot read /nowhere/devices.psk");
        assertThat(errors(props("connect.coap.mode", "server", "connect.coap.uri", "", KCQL,
                "INSERT INTO `t_${2}` SELECT * FROM telemetry/+ PROPERTIES('device.id' = '${2}')",
                "connect.coap.server.allow.insecure", "true"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "segment beyond the filter | server | INSERT INTO t SELECT * FROM a/+ PROPERTIES('device.id' = '${3}') | '${3}': the paths of FROM a/+ have 2 segments",
            "wildcard in client mode   | client | INSERT INTO t SELECT * FROM a/+                                    | in client mode",
            "device.id in client mode  | client | INSERT INTO t SELECT * FROM a PROPERTIES('device.id' = '${1}')    | unknown property 'device.id'",
            "poll in server mode       | server | INSERT INTO t SELECT * FROM a PROPERTIES('mode' = 'poll')         | in server mode a CoAP statement takes [device.id]",
            "request field in server   | server | INSERT INTO t SELECT code FROM a/+                                | 'code' is not a field of a CoAP request",
            "bad filter                | server | INSERT INTO t SELECT * FROM a/#/b                                 | '#' must be a whole level and the last one",
            "senml fields              | server | INSERT INTO t SELECT payload.x FROM a/+ WITHCONVERTER = `senml`    | 'payload' is not a field of a SenML record",
            "senml WHERE kinds         | client | INSERT INTO t SELECT * FROM a WITHCONVERTER = `senml` WHERE v = 'x' | 'v' is a number field of a SenML record"})
    void statementsAreCheckedAgainstTheMode(String what, String mode, String kcql, String message) {
        Map<String, List<String>> errors = errors(props("connect.coap.mode", mode, KCQL, kcql,
                "connect.coap.server.allow.insecure", "true"));
        assertThat(errors).containsOnlyKeys(KCQL);
        assertThat(errors.get(KCQL)).anySatisfy(e -> assertThat(e).contains(message));
    }

    @Test
    void aClientStatementWithAPathNeedsServers() {
        Map<String, List<String>> errors = errors(props("connect.coap.uri", ""));
        assertThat(errors).containsOnlyKeys("connect.coap.uri");
        assertThat(errors.get("connect.coap.uri")).singleElement().asString().contains("there are none");
    }

    @Test
    void serverModeGivesEveryTaskEveryStatement() {
        CoapSourceConnector connector = new CoapSourceConnector();
        connector.start(props("connect.coap.mode", "server", KCQL, "INSERT INTO a SELECT * FROM x/+; "
                + "INSERT INTO b SELECT * FROM y/#", "connect.coap.server.allow.insecure", "true"));
        List<Map<String, String>> three = connector.taskConfigs(3);
        assertThat(three).hasSize(3).allSatisfy(task -> assertThat(Kcql.parse(task.get(KCQL))).hasSize(2));
        assertThat(three).extracting(task -> task.get("streamgrid.task.id")).containsExactly("0", "1", "2");
    }
}
