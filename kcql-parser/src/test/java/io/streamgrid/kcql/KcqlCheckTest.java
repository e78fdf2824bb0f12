package io.streamgrid.kcql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KcqlCheckTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) throws IOException {
        return KcqlCheck.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsStatementsAsJsonNamedAfterTheModel() throws IOException {
        int code = run("", "INSERT INTO dev SELECT a AS b FROM coap_sensor_topic PK a WITHFORMAT JSON STOREAS QUEUE");
        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(json).contains("\"writeMode\": \"INSERT\"", "\"target\": \"dev\"",
                "\"source\": \"coap_sensor_topic\"", "\"alias\": \"b\"", "\"format\": \"JSON\"",
                "\"type\": \"QUEUE\"", "\"primaryKeys\": [", "\"ignore\": []", "\"ttl\": null");
        assertThat(err.size()).isZero();
    }

    @Test
    void readsStatementsFromStandardInput() throws IOException {
        int code = run("INSERT INTO a SELECT * FROM b;\nINSERT INTO c SELECT * FROM d");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"target\": \"a\"", "\"target\": \"c\"");
    }

    @Test
    void printsErrorWithCaretAndExitsOne() throws IOException {
        int code = run("", "INSERT INTO a SELECT * FROM b STOREAS");
        assertThat(code).isEqualTo(1);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("KCQL error at line 1, column 38: unexpected end of input")
                .contains("^");
    }

    @Test
    void escapesJsonStrings() throws IOException {
        run("", "INSERT INTO `a\"b\\c` SELECT * FROM t");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"target\": \"a\\\"b\\\\c\"");
    }

    @Test
    void withAConnectorItAppliesThatConnectorsCapabilities() throws IOException {
        assertThat(run("", "--connector", "sink", "UPSERT INTO m SELECT * FROM t PK id STOREAS IMAP")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"type\": \"IMAP\"");
        assertThat(err.size()).isZero();

        int code = run("", "--connector", "mqtt", "INSERT INTO a SELECT * FROM b STOREAS QUEUE");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 1, column 31: the MQTT source "
                + "does not support the STOREAS clause; it accepts IGNORE, KEYDELIMITER, PROPERTIES, WHERE, "
                + "WITHCONVERTER, WITHKEY" + System.lineSeparator());
    }

    @Test
    void theHazelcastSourceIsAConnectorOfItsOwn() throws IOException {
        assertThat(run("", "--connector", "hazelcast-source", "INSERT INTO commands SELECT * FROM cmds WITHTYPE "
                + "RELIABLE_TOPIC")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"withType\": \"RELIABLE_TOPIC\"");
        int code = run("", "--connector", "Hazelcast-Source", "INSERT INTO commands SELECT * FROM cmds");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 1, column 36: the Hazelcast "
                + "source needs a WITHTYPE clause");
    }

    @Test
    void theMqttSinkPublishesJsonTextOrBinaryAndStoresNothing() throws IOException {
        assertThat(run("", "--connector", "mqtt-sink", "INSERT INTO devices/${device_id}/cmd SELECT action, value, "
                + "device_id FROM commands WHERE _header.kind = 'led' WITHFORMAT TEXT PROPERTIES('qos' = '2')")).isZero();
        int code = run("", "--connector", "mqtt-sink", "INSERT INTO cmd SELECT * FROM commands WITHFORMAT AVRO");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 1, column 40: the MQTT sink "
                + "does not support WITHFORMAT AVRO; use one of BINARY, JSON, TEXT");
    }

    @Test
    void theCoapSinkTakesAUriWithRecordValuesAndCbor() throws IOException {
        assertThat(run("", "--connector", "coap-sink", "INSERT INTO coap://${host}:5683/actuators/${device_id}/led "
                + "SELECT command_id, action, value FROM commands WHERE action = 'led' WITHFORMAT CBOR "
                + "PROPERTIES('method' = 'PUT', 'confirmable' = 'true')")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                "\"target\": \"coap://${host}:5683/actuators/${device_id}/led\"", "\"format\": \"CBOR\"");
        assertThat(run("", "--connector", "coap-sink", "INSERT INTO `coaps://[::1]/a?id=${_key}` SELECT * FROM c"))
                .isZero();
        int code = run("", "--connector", "coap-sink", "INSERT INTO coap://h/led SELECT * FROM c STOREAS QUEUE");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 1, column 42: the CoAP sink "
                + "does not support the STOREAS clause; it accepts IGNORE, PROPERTIES, WHERE, WITHFORMAT");
    }

    @Test
    void theConnectorMayBeGivenWithAnEqualsSignAndInAnyCase() throws IOException {
        int code = run("", "--connector=CoAP", "INSERT INTO a SELECT _key.x FROM b");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 1, column 22: the CoAP "
                + "source cannot read '_key.x': it reads VALUE fields only");
    }

    @Test
    void withAConnectorASyntaxErrorListsOnlyWhatThatConnectorAccepts() throws IOException {
        int code = run("", "--connector", "sink", "INSERT INTO a SELECT * FROM b WITHFORMAT JSON STOREAS QUEUE FOO");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 1, column 61: unexpected "
                + "'FOO', expected one of: end of input, IGNORE, PK, KEYDELIMITER, TTL, BATCH, WHERE, ';'");
    }

    @Test
    void withAConnectorTheStatementsMayComeOnStandardInput() throws IOException {
        int code = run("INSERT INTO a SELECT * FROM b;\nUPSERT INTO c SELECT * FROM d", "--connector", "mqtt");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("KCQL error at line 2, column 1: the MQTT source "
                + "does not support UPSERT INTO; use INSERT INTO");
    }

    @Test
    void withoutAConnectorOnlyTheGrammarIsChecked() throws IOException {
        assertThat(run("", "INSERT INTO a SELECT * FROM b STOREAS QUEUE WITHCONVERTER = `json`")).isZero();
    }

    @Test
    void anUnknownConnectorIsAUsageErrorNamingTheChoices() throws IOException {
        assertThat(run("", "--connector", "kafka", "INSERT INTO a SELECT * FROM b")).isEqualTo(2);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unknown connector 'kafka' for --connector; "
                + "use sink, mqtt, coap, hazelcast-source, mqtt-sink or coap-sink" + System.lineSeparator() + "usage: java -jar kcql-parser-<version>.jar");
    }

    @Test
    void aMissingConnectorNameOrAnUnknownOptionIsAUsageError() throws IOException {
        assertThat(run("", "--connector")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--connector needs a value: sink, mqtt, coap, hazelcast-source, mqtt-sink or coap-sink");
        err.reset();
        assertThat(run("", "--conector", "sink", "INSERT INTO a SELECT * FROM b")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unknown option '--conector'");
    }

    @Test
    void helpNamesTheConnectorOption() throws IOException {
        assertThat(run("", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("usage: java -jar kcql-parser-<version>.jar [--connector sink|mqtt|coap|hazelcast-source|mqtt-sink|coap-sink]")
                .contains("exits 0", "exits 1", "exits 2");
    }
}
