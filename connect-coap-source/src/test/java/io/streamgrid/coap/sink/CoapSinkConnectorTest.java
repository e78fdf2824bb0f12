package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.testing.ConfigEdges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** validate(): each error on the key at fault, KCQL errors with line and column. */
class CoapSinkConnectorTest {

    private static final String KCQL = "INSERT INTO coap://${host}:5683/actuators/${device_id}/led SELECT host, device_id, "
            + "value FROM commands";

    private static Map<String, String> props(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", CoapSinkConnector.class.getName());
        props.put("topics", "commands");
        props.put("connect.coap.kcql", KCQL);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return new CoapSinkConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void theDocumentedStatementIsValid() {
        assertThat(errors(props())).isEmpty();
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO `coap://h/a?id=${_key}&n=${_header.n}` SELECT * "
                + "FROM commands WITHFORMAT CBOR PROPERTIES('method' = 'post', 'confirmable' = 'false')"))).isEmpty();
    }

    @Test
    void aKcqlFaultIsReportedWithItsLineAndColumn() {
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coap://h/${device_id}/led SELECT value FROM commands")))
                .hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e).singleElement().asString().contains(
                        "line 1, column 13", "'${device_id}' reads the value field 'device_id', which the SELECT list "
                                + "does not name"));
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO http://h/a SELECT * FROM commands")))
                .hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e).singleElement().asString().contains(
                        "line 1, column 13", "coap:// or coaps://"));
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM commands\n"
                + "PROPERTIES('method' = 'GET')"))).hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e)
                .singleElement().asString().contains("line 2, column 1", "'method' is PUT, POST or DELETE, not 'GET'"));
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM commands PROPERTIES('qos' = '1')")))
                .hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e).singleElement().asString()
                        .contains("unknown property 'qos'"));
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coap://h/a SELECT a, b FROM commands WITHFORMAT TEXT")))
                .hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e).singleElement().asString()
                        .contains("column 50", "WITHFORMAT TEXT sends one field"));
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM commands STOREAS QUEUE")))
                .hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e).singleElement().asString()
                        .contains("the CoAP sink does not support the STOREAS clause"));
    }

    @Test
    void anAliasNamesTheFieldItSelects() {
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coap://h/a/${id} SELECT device_id AS id FROM commands")))
                .isEmpty();
    }

    @Test
    void theReportersBrokersAndTopicsGoTogether() {
        assertThat(errors(props("connect.coap.sink.reporter.result.topic", "results"))).containsOnlyKeys(
                "connect.coap.sink.reporter.result.topic").hasEntrySatisfying("connect.coap.sink.reporter.result.topic",
                e -> assertThat(e).singleElement().asString().contains("set connect.coap.sink.reporter.bootstrap.servers"));
        assertThat(errors(props("connect.coap.sink.reporter.bootstrap.servers", "localhost:9092")))
                .containsOnlyKeys("connect.coap.sink.reporter.bootstrap.servers");
        assertThat(errors(props("connect.coap.sink.reporter.bootstrap.servers", "localhost:9092",
                "connect.coap.sink.reporter.error.topic", "bad topic!"))).containsOnlyKeys(
                "connect.coap.sink.reporter.error.topic");
        assertThat(errors(props("connect.coap.sink.reporter.bootstrap.servers", "localhost:9092",
                "connect.coap.sink.reporter.result.topic", "results",
                "connect.coap.sink.reporter.producer.acks", "some"))).hasEntrySatisfying(
                "connect.coap.sink.reporter.bootstrap.servers", e -> assertThat(e).singleElement().asString()
                        .contains("connect.coap.sink.reporter.producer.*", "acks"));
        // brokers and topics that are there: CoapSinkReporterTest, against a real Kafka
    }

    @Test
    void maxPendingIsBoundedSoThatWhatItSizesFits() {
        assertThat(errors(props("connect.coap.sink.max.pending", "2000000000")))
                .containsOnlyKeys("connect.coap.sink.max.pending");
        assertThat(errors(props("connect.coap.sink.max.pending", "1000000"))).isEmpty();
        assertThat(errors(props("connect.coap.sink.max.pending.bytes", "0")))
                .containsOnlyKeys("connect.coap.sink.max.pending.bytes");
    }

    @Test
    void aRequestTimeoutIsBoundedSoThatNoRequestHoldsItsDeviceForEver() {
        assertThat(errors(props("connect.coap.request.timeout", String.valueOf(Long.MAX_VALUE))))
                .containsOnlyKeys("connect.coap.request.timeout");
        assertThat(errors(props("connect.coap.request.timeout", "3600000"))).isEmpty();
    }

    @Test
    void aTasksMaxThatIsNoNumberIsLeftToTheWorkersOwnCheck() {
        assertThat(errors(props("connect.coap.bind.port", "5999", "tasks.max", "two"))).isEmpty();
    }

    @Test
    void aFixedPortTakesOneTaskAndOneKindOfDevice() {
        assertThat(errors(props("connect.coap.bind.port", "5999", "tasks.max", "2")))
                .containsOnlyKeys("connect.coap.bind.port");
        assertThat(errors(props("connect.coap.bind.port", "5999", "connect.coap.dtls.psk.identity", "id",
                "connect.coap.dtls.psk.secret", "s", "connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM "
                        + "commands; INSERT INTO coaps://h/b SELECT * FROM commands")))
                .containsOnlyKeys("connect.coap.bind.port");
    }

    @Test
    void coapsWithoutDtlsMaterialIsAnErrorOnTheKcql() {
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coaps://h/a SELECT * FROM commands")))
                .hasEntrySatisfying("connect.coap.kcql", e -> assertThat(e).singleElement().asString()
                        .contains("coaps:// needs DTLS credentials"));
        assertThat(errors(props("connect.coap.kcql", "INSERT INTO coaps://h/a SELECT * FROM commands",
                "connect.coap.dtls.ca.cert", "/no/such/ca.pem")))
                .containsOnlyKeys("connect.coap.dtls.ca.cert");
    }

    @Test
    void topicsAndStatementsMustAgree() {
        assertThat(errors(props("topics", "commands,other"))).hasEntrySatisfying("connect.coap.kcql",
                e -> assertThat(e).singleElement().asString().contains("[other]"));
    }

    @Test
    void committedConfigReferenceMatchesTheConfigDef() throws IOException {
        assertThat(Files.readString(Path.of("..", "docs", "coap-sink-config.md")))
                .as("regenerate with: mvn -q install -DskipTests && mvn -q -pl connect-coap-source exec:java@sink-config")
                .isEqualTo(ConfigDocs.markdown("CoAP sink configuration", CoapSinkConfig.CONFIG_DEF));
    }

    @Test
    void everyKeySetToNullOrEmptyGetsAClearErrorOnItOrWorks() {
        ConfigEdges.everyKeyTakesNullAndEmpty(CoapSinkConfig.CONFIG_DEF, p -> new CoapSinkConnector().validate(p),
                CoapSinkConfig::new, props());
    }
}
