package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgrid.coap.TestDevices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reporter writes every outcome, in its documented shape, to a real Kafka broker. */
@Timeout(180)
class CoapSinkReporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** A broker address nothing listens on: a Kafka that is away. */
    static final String NO_KAFKA = "127.0.0.1:1";
    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        kafka.createTopic("coap_results", 1);
        kafka.createTopic("coap_errors", 1);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    static Map<String, Object> command(String id, String device) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("command_id", id);
        command.put("device_id", device);
        command.put("value", "on");
        return command;
    }

    private static List<JsonNode> reports(String topic, int count) throws Exception {
        return reports(kafka, topic, count);
    }

    /** The reports on a topic, each read strictly: a field written twice is an error, as in a careful reader. */
    static List<JsonNode> reports(EmbeddedKafkaCluster cluster, String topic, int count) throws Exception {
        List<JsonNode> reports = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : cluster.consume(count, 30_000, topic)) {
            JsonNode report = STRICT.readTree(record.value());
            ((ObjectNode) report).put("_kafka_key",
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
            reports.add(report);
        }
        return reports;
    }

    @Test
    void everyOutcomeReachesItsTopicWithTheRecordAndTheAnswer() throws Exception {
        try (TestDevices devices = TestDevices.plain("d0", "d1", "d2");
             SinkRun sink = new SinkRun(true, "INSERT INTO " + devices.uri() + "/actuators/${device_id}/led "
                     + "SELECT command_id, device_id, value FROM commands",
                     "connect.coap.sink.reporter.bootstrap.servers", kafka.bootstrapServers(),
                     "connect.coap.sink.reporter.result.topic", "coap_results",
                     "connect.coap.sink.reporter.error.topic", "coap_errors",
                     "connect.coap.sink.request.retries", "1", "connect.coap.error.policy", "NOOP")) {
            devices.device("d0").answerWith("{\"ack\":true,\"interval_ms\":500}".getBytes(StandardCharsets.UTF_8),
                    MediaTypeRegistry.APPLICATION_JSON);
            devices.device("d1").answerNext(CoAP.ResponseCode.NOT_FOUND);
            devices.device("d2").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE, CoAP.ResponseCode.SERVICE_UNAVAILABLE);
            Map<String, Object> noDevice = command("c4", "d0");
            noDevice.remove("device_id");
            sink.put(List.of(SinkRun.record(0, "d0", command("c1", "d0")), SinkRun.record(1, "d1", command("c2", "d1")),
                    SinkRun.record(2, "d2", command("c3", "d2")), SinkRun.record(3, "x", noDevice)));
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.committable(4) == 4);

            JsonNode delivered = reports("coap_results", 1).get(0);
            assertThat(delivered.get("_kafka_key").asText()).isEqualTo("d0");
            assertThat(delivered.get("outcome").asText()).isEqualTo("DELIVERED");
            assertThat(delivered.get("connector").asText()).isEqualTo(sink.name);
            assertThat(delivered.get("task").asInt()).isZero();
            assertThat(delivered.get("topic").asText()).isEqualTo("commands");
            assertThat(delivered.get("partition").asInt()).isZero();
            assertThat(delivered.get("offset").asLong()).isZero();
            assertThat(delivered.get("key").asText()).isEqualTo("d0");
            assertThat(delivered.get("value")).isEqualTo(JSON.readTree(
                    "{\"command_id\":\"c1\",\"device_id\":\"d0\",\"value\":\"on\"}"));
            assertThat(delivered.get("uri").asText()).isEqualTo(devices.uri() + "/actuators/d0/led");
            assertThat(delivered.get("method").asText()).isEqualTo("PUT");
            assertThat(delivered.get("confirmable").asBoolean()).isTrue();
            assertThat(delivered.get("format").asText()).isEqualTo("JSON");
            assertThat(delivered.get("code").asText()).isEqualTo("2.04");
            assertThat(delivered.get("code_name").asText()).isEqualTo("CHANGED");
            assertThat(delivered.get("attempts").asInt()).isEqualTo(1);
            assertThat(delivered.get("rtt_ms").asLong()).isNotNegative();
            assertThat(delivered.get("sent_at").asLong()).isPositive()
                    .isLessThanOrEqualTo(delivered.get("completed_at").asLong());
            assertThat(delivered.get("response_payload").asText()).isEqualTo("{\"ack\":true,\"interval_ms\":500}");
            assertThat(delivered.get("response_payload_encoding").asText()).isEqualTo("utf-8");
            assertThat(delivered.get("response_content_format").asInt()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
            assertThat(delivered.get("response_json").get("interval_ms").asInt()).isEqualTo(500);
            assertThat(delivered.get("error").isNull()).isTrue();

            List<JsonNode> errors = reports("coap_errors", 3);
            assertThat(errors).extracting(e -> e.get("outcome").asText())
                    .containsExactlyInAnyOrder("REJECTED", "FAILED", "INVALID");
            for (JsonNode error : errors) {
                switch (error.get("outcome").asText()) {
                    case "REJECTED" -> {
                        assertThat(error.get("value").get("command_id").asText()).isEqualTo("c2");
                        assertThat(error.get("code").asText()).isEqualTo("4.04");
                        assertThat(error.get("error").asText()).contains("answered 4.04 NOT_FOUND");
                    }
                    case "FAILED" -> {
                        assertThat(error.get("offset").asLong()).isEqualTo(2);
                        assertThat(error.get("code").asText()).isEqualTo("5.03");
                        assertThat(error.get("attempts").asInt()).isEqualTo(2);
                    }
                    default -> {
                        assertThat(error.get("offset").asLong()).isEqualTo(3);
                        assertThat(error.get("uri").isNull()).isTrue();
                        assertThat(error.get("code").isNull()).isTrue();
                        assertThat(error.get("sent_at").isNull()).isTrue();
                        assertThat(error.get("error").asText()).contains("'${device_id}' has no value");
                    }
                }
            }
            assertThat(sink.context.deadLetters).hasSize(2); // the rejected and the invalid record
        }
    }

    private static SinkRun reporting(TestDevices devices, String kcql, String results, String errors,
                                     String... more) {
        List<String> props = new ArrayList<>(List.of("connect.coap.sink.reporter.bootstrap.servers",
                kafka.bootstrapServers(), "connect.coap.sink.reporter.result.topic", results,
                "connect.coap.sink.reporter.error.topic", errors));
        props.addAll(List.of(more));
        return new SinkRun(true, kcql.replace("${devices}", devices.uri()), props.toArray(String[]::new));
    }

    @Test
    void aStringValueIsReportedAsTheDeviceGotItAndCannotAddFieldsToTheReport() throws Exception {
        kafka.createTopic("forged_results", 1);
        kafka.createTopic("forged_errors", 1);
        String forging = "{\"x\":1}, \"outcome\":\"DELIVERED\", \"code\":\"2.04\"";
        try (TestDevices devices = TestDevices.plain("d0", "d1");
             SinkRun sink = reporting(devices, "INSERT INTO ${devices}/actuators/${_key}/led SELECT * FROM commands",
                     "forged_results", "forged_errors")) {
            devices.device("d0").answerNext(CoAP.ResponseCode.BAD_REQUEST);
            sink.put(List.of(new SinkRecord("commands", 0, Schema.STRING_SCHEMA, "d0", Schema.STRING_SCHEMA, forging, 0),
                    new SinkRecord("commands", 0, Schema.STRING_SCHEMA, "d1", Schema.STRING_SCHEMA, "{\"x\": [1]}", 1)));
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.committable(2) == 2);

            JsonNode rejected = reports("forged_errors", 1).get(0);
            assertThat(rejected.get("outcome").asText()).isEqualTo("REJECTED");
            assertThat(rejected.get("code").asText()).isEqualTo("4.00");
            assertThat(rejected.get("value").isTextual()).as("the text, as the JSON string the device got").isTrue();
            assertThat(rejected.get("value").asText()).isEqualTo(forging);
            assertThat(devices.device("d0").received().get(0).text()).isEqualTo(JSON.writeValueAsString(forging));
            JsonNode delivered = reports("forged_results", 1).get(0);
            assertThat(delivered.get("value")).as("a string holding a JSON object is that object")
                    .isEqualTo(JSON.readTree("{\"x\":[1]}"));
        }
    }

    @Test
    void theValueOfATextOrBinaryStatementIsWhatWasSent() throws Exception {
        kafka.createTopic("text_results", 1);
        try (TestDevices devices = TestDevices.plain("d0", "d1");
             SinkRun sink = reporting(devices, "INSERT INTO ${devices}/actuators/d0/led SELECT value FROM commands "
                     + "WITHFORMAT TEXT; INSERT INTO ${devices}/actuators/d1/led SELECT value FROM commands WITHFORMAT "
                     + "BINARY", "text_results", "")) {
            sink.put(List.of(SinkRun.record(0, "d0", command("c1", "d0"))));
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.committable(1) == 1);

            List<JsonNode> reports = reports("text_results", 2);
            assertThat(reports).extracting(r -> r.get("format").asText()).containsExactlyInAnyOrder("TEXT", "BINARY");
            for (JsonNode report : reports) {
                assertThat(report.get("value").asText()).as(report.get("format").asText()).isEqualTo(
                        report.get("format").asText().equals("TEXT") ? "on"
                                : Base64.getEncoder().encodeToString("on".getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void validateFindsTheReporterTopicsOrSaysWhy() {
        Map<String, String> props = new HashMap<>(Map.of("connector.class", CoapSinkConnector.class.getName(),
                "topics", "commands", "connect.coap.kcql", "INSERT INTO coap://h/a SELECT * FROM commands",
                "connect.coap.sink.reporter.bootstrap.servers", kafka.bootstrapServers(),
                "connect.coap.sink.reporter.result.topic", "coap_results",
                "connect.coap.sink.reporter.error.topic", "coap_errors"));
        assertThat(errors(props)).isEmpty();

        props.put("connect.coap.sink.reporter.error.topic", "no_such_topic");
        assertThat(errors(props)).containsOnlyKeys("connect.coap.sink.reporter.error.topic").hasEntrySatisfying(
                "connect.coap.sink.reporter.error.topic", e -> assertThat(e).singleElement().asString()
                        .contains("'no_such_topic' does not exist", "create it"));

        props.put("connect.coap.sink.reporter.bootstrap.servers", NO_KAFKA);
        assertThat(errors(props)).containsOnlyKeys("connect.coap.sink.reporter.bootstrap.servers").hasEntrySatisfying(
                "connect.coap.sink.reporter.bootstrap.servers", e -> assertThat(e).singleElement().asString()
                        .contains("cannot reach the reporter's brokers " + NO_KAFKA));
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        return new CoapSinkConnector().validate(props).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }
}
