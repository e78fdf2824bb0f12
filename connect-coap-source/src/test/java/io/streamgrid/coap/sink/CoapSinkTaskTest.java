package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.streamgrid.coap.TestDevices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The CoAP sink task against real Californium devices in this JVM. */
@Timeout(120)
class CoapSinkTaskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private TestDevices devices(String... ids) {
        return closing(TestDevices.plain(ids));
    }

    private <T extends AutoCloseable> T closing(T resource) {
        closing.add(resource);
        return resource;
    }

    private SinkRun run(boolean deadLetterQueue, String kcql, String... keysAndValues) {
        SinkRun run = new SinkRun(deadLetterQueue, kcql, keysAndValues);
        closing.add(run);
        return run;
    }

    private static Map<String, Object> command(String device, Object value) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("command_id", "c-" + device + "-" + value);
        command.put("device_id", device);
        command.put("value", value);
        return command;
    }

    private static String led(TestDevices devices) {
        return devices.uri() + "/actuators/${device_id}/led";
    }

    @Test
    void aTwoXxAnswerDeliversTheRecordAndOnlyThenIsItsOffsetCommitted() throws Exception {
        TestDevices devices = devices("d0", "d1");
        devices.device("d0").delay(300);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT command_id, value, device_id FROM commands");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d1", command("d1", "off"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> devices.device("d1").received().size() == 1);
        assertThat(sink.committable(2)).as("d0 has not answered yet, so offset 0 is not done").isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(2) == 2);

        TestDevices.Received put = devices.device("d0").received().get(0);
        assertThat(put.method()).isEqualTo(CoAP.Code.PUT);
        assertThat(put.confirmable()).isTrue();
        assertThat(put.contentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_JSON);
        assertThat(JSON.readTree(put.payload())).isEqualTo(JSON.readTree(
                "{\"command_id\":\"c-d0-on\",\"value\":\"on\",\"device_id\":\"d0\"}"));
        assertThat(sink.metric("records-in-total")).isEqualTo(2.0);
        assertThat(sink.metric("records-out-total")).isEqualTo(2.0);
        assertThat(sink.metric("batches-total")).as("requests answered").isEqualTo(2.0);
        assertThat(sink.metric("in-flight-batches")).isZero();
        assertThat(sink.metric("queued-records")).isZero();
    }

    @Test
    void aFourXxAnswerMakesABadRecordForTheDeadLetterQueueAndIsNeverSentAgain() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.BAD_REQUEST);
        SinkRun sink = run(true, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands");
        SinkRecord rejected = SinkRun.record(0, "d0", command("d0", "blink"));
        sink.put(List.of(rejected, SinkRun.record(1, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(2) == 2);
        assertThat(sink.context.deadLetters).containsExactly(rejected);
        assertThat(sink.context.deadLetterErrors.get(0)).hasMessageContaining("answered 4.00 BAD_REQUEST")
                .hasMessageContaining("/actuators/d0/led");
        assertThat(devices.device("d0").received()).as("one request each: the rejected one was not sent again")
                .extracting(r -> JSON.readTree(r.payload()).get("value").asText()).containsExactly("blink", "on");
        assertThat(sink.metric("dead-lettered-total")).isEqualTo(1.0);
        assertThat(sink.metric("retries-total")).isZero();
    }

    @Test
    void aFiveXxAnswerIsSentAgainWithBackOffUntilTheDeviceTakesIt() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE, CoAP.ResponseCode.INTERNAL_SERVER_ERROR);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        assertThat(devices.device("d0").received()).hasSize(3);
        assertThat(sink.metric("retries-total")).isEqualTo(2.0);
        assertThat(sink.metric("failed-batches-total")).isEqualTo(2.0);
        assertThat(sink.metric("records-out-total")).isEqualTo(1.0);
    }

    @Test
    void aRequestWithoutAnswerIsSentAgainAfterTheRequestTimeout() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").ignoreNext(1);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.request.timeout", "300");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        assertThat(devices.device("d0").received()).hasSize(2);
        assertThat(sink.metric("retries-total")).isEqualTo(1.0);
    }

    @Test
    void eachDevicesRecordsArriveInOrderWhileDevicesAreServedInParallel() throws Exception {
        String[] ids = new String[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "d" + i;
        }
        TestDevices devices = devices(ids);
        for (String id : ids) {
            devices.device(id).delay(5);
        }
        devices.device("d3").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE); // its next records must wait for it
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.max.parallel", "8");
        List<SinkRecord> records = new ArrayList<>();
        for (int n = 0; n < 15; n++) {
            for (String id : ids) {
                records.add(SinkRun.record(records.size(), id, command(id, n)));
            }
        }
        sink.put(records);

        await().atMost(Duration.ofSeconds(60)).until(() -> sink.committable(records.size()) == records.size());
        for (String id : ids) {
            assertThat(devices.device(id).received()).as(id).extracting(r -> JSON.readTree(r.payload()).get("value")
                    .asInt()).containsSequence(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14))
                    .hasSize(id.equals("d3") ? 16 : 15);
        }
        assertThat(devices.mostAtOnce()).as("devices served at once").isBetween(2, 8);
    }

    @Test
    void aDeviceBehindDtlsWithAPreSharedKeyGetsItsCommand() throws Exception {
        TestDevices devices = closing(TestDevices.psk("d0"));
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.dtls.psk.identity", TestDevices.PSK_IDENTITY,
                "connect.coap.dtls.psk.secret", TestDevices.PSK_SECRET);
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(20)).until(() -> sink.committable(1) == 1);
        assertThat(devices.uri()).startsWith("coaps://");
        assertThat(JSON.readTree(devices.device("d0").received().get(0).payload()).get("value").asText())
                .isEqualTo("on");
    }

    @Test
    void aCborPayloadIsWhatTheDeviceDecodes() throws Exception {
        TestDevices devices = devices("d0");
        Schema settings = SchemaBuilder.struct().field("interval_ms", Schema.INT32_SCHEMA)
                .field("label", Schema.STRING_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().field("device_id", Schema.STRING_SCHEMA)
                .field("settings", settings).field("blob", Schema.BYTES_SCHEMA).field("ratio", Schema.FLOAT64_SCHEMA)
                .build();
        Struct value = new Struct(schema).put("device_id", "d0")
                .put("settings", new Struct(settings).put("interval_ms", 500).put("label", "fast"))
                .put("blob", new byte[] {1, 2, 3}).put("ratio", 0.25);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT device_id, settings, blob, ratio FROM "
                + "commands WITHFORMAT CBOR PROPERTIES('method' = 'POST', 'confirmable' = 'false')");
        sink.put(List.of(new SinkRecord(SinkRun.TOPIC, 0, null, null, schema, value, 0, 1L, TimestampType.CREATE_TIME)));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        TestDevices.Received post = devices.device("d0").received().get(0);
        assertThat(post.method()).isEqualTo(CoAP.Code.POST);
        assertThat(post.confirmable()).isFalse();
        assertThat(post.contentFormat()).isEqualTo(MediaTypeRegistry.APPLICATION_CBOR);
        JsonNode decoded = new CBORMapper().readTree(post.payload());
        assertThat(decoded.get("device_id").asText()).isEqualTo("d0");
        assertThat(decoded.get("settings").get("interval_ms").asInt()).isEqualTo(500);
        assertThat(decoded.get("settings").get("label").asText()).isEqualTo("fast");
        assertThat(decoded.get("blob").binaryValue()).containsExactly(1, 2, 3);
        assertThat(decoded.get("ratio").asDouble()).isEqualTo(0.25);
    }

    @Test
    void aValueThatWouldChangeTheUriIsABadRecordAndNoDeviceHearsOfIt() throws Exception {
        TestDevices devices = devices("d0", "d1");
        SinkRun sink = run(true, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands");
        SinkRecord climbing = SinkRun.record(0, "x", command("d1/led/../../d0", "on"));
        Map<String, Object> noDevice = command("d0", "on");
        noDevice.remove("device_id");
        SinkRecord missing = SinkRun.record(1, "x", noDevice);
        SinkRecord empty = SinkRun.record(2, "x", command("", "on"));
        sink.put(List.of(climbing, missing, empty, SinkRun.record(3, "d1", command("d1", "ok"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(4) == 4);
        assertThat(sink.context.deadLetters).containsExactly(climbing, missing, empty);
        assertThat(sink.context.deadLetterErrors).extracting(Throwable::getMessage).satisfiesExactly(
                m -> assertThat(m).contains("topic=commands partition=0 offset=0", "'${device_id}' is "
                        + "'d1/led/../../d0', which is not one path segment"),
                m -> assertThat(m).contains("offset=1", "'${device_id}' has no value"),
                m -> assertThat(m).contains("offset=2", "'${device_id}' is empty"));
        assertThat(devices.device("d0").received()).isEmpty();
        assertThat(devices.device("d1").received()).hasSize(1);
    }

    @Test
    void underNoopARequestThatKeepsFailingIsDroppedCountedAndCommitted() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE, CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "1", "connect.coap.error.policy", "NOOP");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d0", command("d0", "off"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(2) == 2);
        assertThat(devices.device("d0").received()).extracting(r -> JSON.readTree(r.payload()).get("value").asText())
                .containsExactly("on", "on", "off");
        assertThat(sink.metric("dropped-total")).isEqualTo(1.0);
        assertThat(sink.metric("records-out-total")).isEqualTo(1.0);
    }

    @Test
    void underRetryAFailedRequestWaitsForTheWorkersRetryAndIsSentAgainBeforeWhatFollows() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE, CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "RETRY");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d0", command("d0", "off"))));

        int retriable = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sink.preCommit(2) < 2 && System.nanoTime() < deadline) {
            retriable += sink.tick();
        }
        assertThat(retriable).as("RetriableExceptions the worker saw").isEqualTo(2);
        assertThat(devices.device("d0").received()).extracting(r -> JSON.readTree(r.payload()).get("value").asText())
                .containsExactly("on", "on", "on", "off");
    }

    @Test
    void underThrowARequestThatKeepsFailingFailsTheTaskAndIsNotCommitted() {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.GATEWAY_TIMEOUT);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "THROW");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(sink::tick)
                .isInstanceOf(ConnectException.class).hasMessageContaining("offset=0")
                .hasMessageContaining("answered 5.04 GATEWAY_TIMEOUT"));
        assertThat(sink.preCommit(1)).isZero();
    }

    @Test
    void aTombstoneIsSkippedForPutAndSentForDelete() throws Exception {
        TestDevices devices = devices("d0");
        SinkRun sink = run(false, "INSERT INTO " + devices.uri() + "/actuators/${_key}/led SELECT * FROM commands;"
                + "INSERT INTO " + devices.uri() + "/actuators/${_key}/led SELECT * FROM commands "
                + "PROPERTIES('method' = 'DELETE')");
        sink.put(List.of(SinkRun.record(0, "d0", null)));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        assertThat(devices.device("d0").received()).extracting(TestDevices.Received::method)
                .containsExactly(CoAP.Code.DELETE);
        assertThat(sink.metric("skipped-total")).isEqualTo(1.0);
    }

    @Test
    void itsMetricsAreOnJmxWhileRequestsAreOutAndAfter() throws Exception {
        TestDevices devices = devices("d0", "d1");
        devices.device("d0").ignoreNext(1);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands "
                + "WHERE value <> 'skip'", "connect.coap.request.timeout", "400");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d1", command("d1", "skip"))));

        await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d0").received().size() == 1);
        assertThat(sink.metric("in-flight-batches")).as("the request d0 has not answered").isEqualTo(1.0);
        assertThat(sink.metric("queued-records")).isEqualTo(1.0);
        assertThat(sink.metric("queued-bytes")).isEqualTo(devices.device("d0").received().get(0).payload().length);
        assertThat(sink.metric("connected")).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(2) == 2);
        assertThat(sink.metric("filtered-total")).isEqualTo(1.0);
        assertThat(sink.metric("retries-total")).isEqualTo(1.0);
        assertThat(sink.metric("failed-batches-total")).isEqualTo(1.0);
        assertThat(sink.metric("batches-total")).isEqualTo(1.0);
        assertThat(sink.metric("batch-latency-max")).isNotNegative();
        assertThat(sink.metric("end-to-end-lag-max")).as("from the record's timestamp to the 2.04, the timeout "
                + "included").isGreaterThanOrEqualTo(400);
        assertThat(sink.metric("queued-records")).isZero();
        assertThat(sink.metric("queued-bytes")).isZero();
        assertThat(sink.metric("in-flight-batches")).isZero();
    }

    @Test
    void aRecordOfATopicNoStatementReadsIsABadRecord() throws Exception {
        TestDevices devices = devices("d0");
        SinkRun sink = run(true, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands");
        SinkRecord stray = new SinkRecord("other_commands", 0, null, "d0", null, command("d0", "on"), 7, 1L,
                TimestampType.CREATE_TIME);
        sink.put(List.of(stray));

        assertThat(sink.context.deadLetters).containsExactly(stray);
        assertThat(sink.context.deadLetterErrors.get(0)).hasMessageContaining("No KCQL statement reads the topic "
                + "'other_commands' (record topic=other_commands partition=0 offset=7)");
        assertThat(devices.device("d0").received()).isEmpty();
    }

    @Test
    void aboveMaxPendingItPausesItsPartitionsAndResumesWhenHalfAreFinished() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").delay(200);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.max.pending", "4");
        TopicPartition partition = new TopicPartition(SinkRun.TOPIC, 0);
        sink.context.assigned.add(partition);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(SinkRun.record(i, "d0", command("d0", i)));
        }
        sink.put(records);

        assertThat(sink.context.paused).as("6 records open, 4 at most").containsExactly(partition);
        assertThat(sink.metric("queued-records")).isEqualTo(6.0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            sink.tick();
            assertThat(sink.context.paused).as("resumed once 2 or fewer are open").isEmpty();
        });
        assertThat(sink.metric("queued-records")).isLessThanOrEqualTo(2.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(6) == 6);
    }
}
