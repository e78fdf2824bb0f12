package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamgrid.common.projection.RecordView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The report's JSON alone (what CoapSinkReporterTest reads from a real Kafka): whatever a record or a device's
 * answer holds, the report is one strict JSON object with exactly its documented fields, each value escaped.
 */
class OutcomeReportTest {

    /** A careful reader: a field written twice is an error. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int FIELDS = 24;

    private final OutcomeReporter reporter = new OutcomeReporter(new MockProducer<>(), "results", "errors",
            "sink \"one\"", 0, Duration.ZERO, Thread::new);

    @AfterEach
    void close() {
        reporter.close(Duration.ofSeconds(1));
    }

    private static Delivery delivery(SinkRecord record, String kcql) {
        CoapSinkConfig config = new CoapSinkConfig(Map.of("connect.coap.kcql", kcql));
        DeviceStatement statement = DeviceStatement.compile(config.statements().get(0));
        DeviceStatement.Request request = statement.request(RecordView.of(record));
        return new Delivery(record, new RecordTicket(record.kafkaOffset(), 1, () -> { }), statement, 1, request,
                request.uri().toString());
    }

    private JsonNode report(Delivery delivery, Outcome outcome) throws Exception {
        byte[] json = reporter.json(new OutcomeReporter.Report(delivery.record(), delivery.statement(), delivery,
                outcome, () -> { }));
        return STRICT.readTree(json);
    }

    @Test
    void neitherARecordNorADevicesAnswerCanAddFieldsToTheReport() throws Exception {
        String forgedValue = "{\"x\":1}, \"outcome\":\"DELIVERED\", \"code\":\"2.04\"";
        String forgedAnswer = "{\"ack\":true}, \"outcome\":\"DELIVERED\"";
        SinkRecord record = new SinkRecord("commands", 0, Schema.STRING_SCHEMA, "d0\", \"task\": 9",
                Schema.STRING_SCHEMA, forgedValue, 7);
        Delivery delivery = delivery(record, "INSERT INTO coap://127.0.0.1/actuators/d0/led SELECT * FROM commands");
        long now = System.currentTimeMillis();
        Outcome outcome = new Outcome(Outcome.Kind.REJECTED, CoAP.ResponseCode.BAD_REQUEST, 3,
                forgedAnswer.getBytes(StandardCharsets.UTF_8), MediaTypeRegistry.APPLICATION_JSON,
                "PUT coap://127.0.0.1/actuators/d0/led answered 4.00 \"BAD_REQUEST\"\n", 1, now, now);

        JsonNode report = report(delivery, outcome);
        assertThat(report.size()).as("the documented fields, no more: " + report).isEqualTo(FIELDS);
        assertThat(report.get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(report.get("code").asText()).isEqualTo("4.00");
        assertThat(report.get("task").asInt()).isZero();
        assertThat(report.get("connector").asText()).isEqualTo("sink \"one\"");
        assertThat(report.get("key").asText()).isEqualTo("d0\", \"task\": 9");
        assertThat(report.get("value").isTextual()).as("the text the device got, as a JSON string").isTrue();
        assertThat(report.get("value").asText()).isEqualTo(forgedValue);
        assertThat(report.get("response_payload").asText()).isEqualTo(forgedAnswer);
        assertThat(report.get("response_json").isNull())
                .as("an answer that says it is JSON and is not one whole document is no document").isTrue();
        assertThat(report.get("error").asText()).isEqualTo(outcome.error());
    }

    @Test
    void aJsonAnswerAndAJsonValueAreWrittenAsTheirDocuments() throws Exception {
        SinkRecord record = new SinkRecord("commands", 0, Schema.STRING_SCHEMA, "d0", Schema.STRING_SCHEMA,
                "{\"x\": [1, {\"y\": \"z\"}]}", 8);
        Delivery delivery = delivery(record, "INSERT INTO coap://127.0.0.1/actuators/d0/led SELECT * FROM commands");
        long now = System.currentTimeMillis();
        Outcome outcome = new Outcome(Outcome.Kind.DELIVERED, CoAP.ResponseCode.CHANGED, 3,
                "{\"interval_ms\": 500}".getBytes(StandardCharsets.UTF_8), MediaTypeRegistry.APPLICATION_JSON, null,
                1, now, now);

        JsonNode report = report(delivery, outcome);
        assertThat(report.size()).isEqualTo(FIELDS);
        assertThat(report.get("value")).isEqualTo(STRICT.readTree("{\"x\":[1,{\"y\":\"z\"}]}"));
        assertThat(report.get("response_json")).isEqualTo(STRICT.readTree("{\"interval_ms\":500}"));
        assertThat(report.get("error").isNull()).isTrue();
    }
}
