package io.streamgrid.coap.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.streamgrid.coap.TestDevices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private static long millisBetween(TestDevices.Received first, TestDevices.Received second) {
        return TimeUnit.NANOSECONDS.toMillis(second.atNanos() - first.atNanos());
    }

    private static List<String> values(TestDevices.Device device) {
        return device.received().stream().map(r -> {
            try {
                return JSON.readTree(r.payload()).get("value").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
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
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.retry.backoff.ms", "200");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        List<TestDevices.Received> received = devices.device("d0").received();
        assertThat(received).hasSize(3);
        assertThat(millisBetween(received.get(0), received.get(1))).as("the first back-off").isGreaterThanOrEqualTo(200);
        assertThat(millisBetween(received.get(1), received.get(2))).as("twice as long").isGreaterThanOrEqualTo(400);
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
        List<TestDevices.Received> received = devices.device("d0").received();
        assertThat(received).hasSize(2);
        assertThat(millisBetween(received.get(0), received.get(1))).as("sent again only after the request timeout "
                + "(300 ms from when the attempt began, a little before the device got it)").isGreaterThanOrEqualTo(250);
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
    void underRetryAFailedRequestIsSentAgainAfterTheRetryIntervalBeforeWhatFollows() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE, CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "RETRY",
                "connect.coap.retry.interval", "300");
        int retriable = sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")),
                SinkRun.record(1, "d0", command("d0", "off"))));

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sink.preCommit(2) < 2 && System.nanoTime() < deadline) {
            retriable += sink.tick();
        }
        assertThat(retriable).as("RetriableExceptions: none, the worker goes on with the other devices").isZero();
        List<TestDevices.Received> received = devices.device("d0").received();
        assertThat(values(devices.device("d0"))).containsExactly("on", "on", "on", "off");
        assertThat(millisBetween(received.get(0), received.get(1))).as("retry.interval").isGreaterThanOrEqualTo(300);
        assertThat(millisBetween(received.get(1), received.get(2))).as("retry.interval").isGreaterThanOrEqualTo(300);
        assertThat(sink.metric("retries-total")).as("each send of a request after its first").isEqualTo(2.0);
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
        devices.device("d0").delay(500); // one device: its records finish one by one, 500 ms apart
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
        List<Double> openWhilePaused = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            double open = sink.metric("queued-records");
            sink.tick();
            if (!sink.context.paused.isEmpty()) {
                openWhilePaused.add(open);
            }
            assertThat(sink.context.paused).as("resumed").isEmpty();
        });
        assertThat(openWhilePaused).as("still paused with 3 open").contains(3.0);
        assertThat(sink.metric("queued-records")).as("resumed with half open, not once all were finished")
                .isEqualTo(2.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(6) == 6);
    }

    @Test
    void aQueryNamesAResourceOfItsOwnSoAGatewaysDevicesAreServedInParallel() throws Exception {
        TestDevices devices = devices("gw");
        devices.device("gw").delay(300);
        SinkRun sink = run(false, "INSERT INTO `" + devices.uri() + "/actuators/gw/led?id=${device_id}` SELECT value, "
                + "device_id FROM commands");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d1", command("d1", "on")),
                SinkRun.record(2, "d2", command("d2", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(3) == 3);
        assertThat(devices.device("gw").received()).extracting(TestDevices.Received::query)
                .containsExactlyInAnyOrder("id=d0", "id=d1", "id=d2");
        assertThat(devices.mostAtOnce()).as("one lane per device behind the gateway, not one for all three")
                .isEqualTo(3);
    }

    @Test
    void aQueryThatVariesPerRecordKeepsItsOrderByAddress() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE); // "on" is sent again: "off" must wait
        SinkRun sink = run(false, "INSERT INTO `" + led(devices) + "?state=${value}` SELECT value, device_id FROM "
                + "commands", "connect.coap.sink.order.by", "address", "connect.coap.sink.retry.backoff.ms", "200");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d0", command("d0", "off"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(2) == 2);
        assertThat(devices.device("d0").received()).extracting(TestDevices.Received::query)
                .containsExactly("state=on", "state=on", "state=off");
    }

    @Test
    void orderByAddressKeepsEveryResourceOfADeviceInOneLine() throws Exception {
        TestDevices devices = devices("d0", "d1"); // two resources at one address
        devices.device("d0").answerNext(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.order.by", "address", "connect.coap.sink.retry.backoff.ms", "200");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), SinkRun.record(1, "d1", command("d1", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(2) == 2);
        List<TestDevices.Received> first = devices.device("d0").received();
        assertThat(first).hasSize(2);
        assertThat(devices.device("d1").received().get(0).atNanos()).as("d1's record waits for d0's to be answered")
                .isGreaterThan(first.get(1).atNanos());
    }

    @Test
    void twoStatementsOnOneTopicEachSendTheRecordWhichIsDoneWhenBothAre() throws Exception {
        TestDevices devices = devices("d0", "d1");
        devices.device("d1").delay(400);
        SinkRun sink = run(true, "INSERT INTO " + devices.uri() + "/actuators/d0/led SELECT value FROM commands;"
                + "INSERT INTO " + devices.uri() + "/actuators/d1/led SELECT value FROM commands WITHFORMAT TEXT "
                + "PROPERTIES('method' = 'POST')");
        devices.device("d0").answerNext(CoAP.ResponseCode.NOT_FOUND);
        SinkRecord record = SinkRun.record(0, "x", command("x", "on"));
        sink.put(List.of(record));

        await().atMost(Duration.ofSeconds(5)).until(() -> sink.tick() == 0 && sink.context.deadLetters.size() == 1);
        assertThat(sink.committable(1)).as("the second statement's request is not answered yet").isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        assertThat(sink.context.deadLetters).containsExactly(record);
        assertThat(devices.device("d0").received()).extracting(TestDevices.Received::method)
                .containsExactly(CoAP.Code.PUT);
        assertThat(devices.device("d1").received()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo(CoAP.Code.POST);
            assertThat(r.text()).isEqualTo("on");
        });
    }

    @Test
    void aHostNameInTheUriIsResolvedAndSentTo() throws Exception {
        TestDevices devices = devices("d0");
        String byName = devices.uri().replace("127.0.0.1", "localhost");
        SinkRun sink = run(false, "INSERT INTO " + byName + "/actuators/${device_id}/led SELECT value, device_id "
                + "FROM commands");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        assertThat(devices.device("d0").received()).singleElement().extracting(TestDevices.Received::uriHost)
                .as("the name goes in Uri-Host").isEqualTo("localhost");
    }

    @Test
    void aCborPayloadOfAStringThatOnlyStartsLikeJsonIsThatString() throws Exception {
        TestDevices devices = devices("d0");
        String text = "{\"x\":1} and more";
        SinkRun sink = run(false, "INSERT INTO " + devices.uri() + "/actuators/${_key}/led SELECT * FROM commands "
                + "WITHFORMAT CBOR");
        sink.put(List.of(new SinkRecord(SinkRun.TOPIC, 0, Schema.STRING_SCHEMA, "d0", Schema.STRING_SCHEMA, text, 0)));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        JsonNode decoded = new CBORMapper().readTree(devices.device("d0").received().get(0).payload());
        assertThat(decoded.isTextual()).as("a CBOR text string, not the object the text starts with: " + decoded)
                .isTrue();
        assertThat(decoded.asText()).isEqualTo(text);
    }

    @Test
    void aTooManyRequestsAnswerIsSentAgainAfterItsMaxAge() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").answerNext(CoAP.ResponseCode.TOO_MANY_REQUESTS, 1);
        SinkRun sink = run(true, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(1) == 1);
        List<TestDevices.Received> received = devices.device("d0").received();
        assertThat(received).as("4.29 is not a bad record: the device asks to be asked again later").hasSize(2);
        assertThat(sink.context.deadLetters).isEmpty();
        assertThat(millisBetween(received.get(0), received.get(1))).as("after Max-Age").isGreaterThanOrEqualTo(1000);
        assertThat(sink.metric("records-out-total")).isEqualTo(1.0);
    }

    @Test
    void aRequestEntityIncompleteAnswerIsSentAgainAndOtherFourXxAreBadRecordsAtOnce() throws Exception {
        TestDevices devices = devices("d0", "d1", "d2");
        devices.device("d0").answerNext(CoAP.ResponseCode.REQUEST_ENTITY_INCOMPLETE);
        devices.device("d1").answerNext(CoAP.ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        devices.device("d2").answerNext(CoAP.ResponseCode.PRECONDITION_FAILED);
        // a payload of 16 bytes or less: on a 4.08 to a longer one Californium itself starts a block-wise upload
        SinkRun sink = run(true, "INSERT INTO " + devices.uri() + "/actuators/${_key}/led SELECT value FROM commands "
                + "WITHFORMAT TEXT");
        SinkRecord unsupported = SinkRun.record(1, "d1", command("d1", "on"));
        SinkRecord precondition = SinkRun.record(2, "d2", command("d2", "on"));
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on")), unsupported, precondition));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(3) == 3);
        assertThat(devices.device("d0").received()).as("4.08: the device lost part of the request, it may take it "
                + "whole").hasSize(2);
        assertThat(devices.device("d1").received()).as("4.15: never sent again").hasSize(1);
        assertThat(devices.device("d2").received()).as("4.12: never sent again").hasSize(1);
        assertThat(sink.context.deadLetters).containsExactlyInAnyOrder(unsupported, precondition);
        assertThat(sink.metric("records-out-total")).isEqualTo(1.0);
        assertThat(sink.metric("retries-total")).isEqualTo(1.0);
    }

    @Test
    void underRetryADeviceThatStaysAwayDoesNotHoldUpTheOthers() throws Exception {
        TestDevices devices = devices("d0", "d1");
        devices.device("d0").answerAlways(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "1", "connect.coap.error.policy", "RETRY",
                "connect.coap.retry.interval", "300", "connect.coap.max.retries", "1000");
        assertThat(sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))))).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d0").received().size() >= 2);

        int retriable = 0;
        for (int n = 1; n <= 5; n++) {
            retriable += sink.put(List.of(SinkRun.record(n, "d1", command("d1", n))));
            int sent = n;
            await().atMost(Duration.ofSeconds(3)).until(() -> devices.device("d1").received().size() == sent);
        }
        assertThat(retriable).as("RetriableExceptions: the worker would have paused every partition").isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> devices.device("d0").received().size() >= 6);
        assertThat(values(devices.device("d0"))).as("d0's record, again every retry.interval").containsOnly("on");
        assertThat(sink.preCommit(6)).as("d0's record is still open").isZero();
    }

    @Test
    void underRetryADeviceAwayPastItsBudgetSendsItsRecordsToTheDeadLetterQueue() throws Exception {
        TestDevices devices = devices("d0", "d1");
        devices.device("d0").answerAlways(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(true, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "RETRY",
                "connect.coap.retry.interval", "50", "connect.coap.max.retries", "2");
        SinkRecord first = SinkRun.record(0, "d0", command("d0", "on"));
        SinkRecord second = SinkRun.record(2, "d0", command("d0", "off"));
        sink.put(List.of(first, SinkRun.record(1, "d1", command("d1", "on")), second));

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(3) == 3);
        assertThat(sink.context.deadLetters).containsExactly(first, second);
        assertThat(sink.context.deadLetterErrors.get(0)).hasMessageContaining("/actuators/d0/led")
                .hasMessageContaining("answered 5.03 SERVICE_UNAVAILABLE").hasMessageContaining("3 rounds");
        assertThat(values(devices.device("d0"))).as("the first record: its first round and 2 more; the second, while "
                + "the device is still away: one round").containsExactly("on", "on", "on", "off");
        assertThat(devices.device("d1").received()).hasSize(1);
        assertThat(sink.metric("retries-total")).isEqualTo(2.0);
        assertThat(sink.metric("dead-lettered-total")).isEqualTo(2.0);
    }

    @Test
    void underRetryADeviceAwayPastItsBudgetWithoutADeadLetterQueueFailsTheTaskSayingWhy() {
        TestDevices devices = devices("d0");
        devices.device("d0").answerAlways(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "RETRY",
                "connect.coap.retry.interval", "50", "connect.coap.max.retries", "1");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(sink::tick)
                .isInstanceOf(ConnectException.class).hasMessageContaining("offset=0")
                .hasMessageContaining("/actuators/d0/led").hasMessageContaining("connect.coap.max.retries")
                .hasMessageContaining("errors.deadletterqueue.topic.name"));
        assertThat(sink.preCommit(1)).isZero();
    }

    @Test
    void aRecordPastItsDevicesFullLineIsSetAsideAtOnceWhileTheOthersGoOn() throws Exception {
        TestDevices devices = devices("d0", "d1");
        devices.device("d0").answerAlways(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(true, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "RETRY",
                "connect.coap.retry.interval", "60000", "connect.coap.sink.max.pending.per.device", "2");
        SinkRecord third = SinkRun.record(2, "d0", command("d0", 2));
        SinkRecord fourth = SinkRun.record(3, "d0", command("d0", 3));
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", 0)), SinkRun.record(1, "d0", command("d0", 1)), third,
                fourth, SinkRun.record(4, "d1", command("d1", 4))));

        await().atMost(Duration.ofSeconds(5)).until(() -> sink.tick() == 0 && sink.context.deadLetters.size() == 2);
        assertThat(sink.context.deadLetters).containsExactly(third, fourth);
        assertThat(sink.context.deadLetterErrors.get(0)).hasMessageContaining("offset=2")
                .hasMessageContaining("line is full").hasMessageContaining("connect.coap.sink.max.pending.per.device");
        await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d1").received().size() == 1);
        await("d0's two records, its line, waiting for its next round").atMost(Duration.ofSeconds(5))
                .until(() -> sink.metric("queued-records") == 2.0);
        assertThat(devices.device("d0").received()).as("only the head of its line was sent").hasSize(1);
    }

    @Test
    void aRebalanceWhileADeviceWaitsForItsNextRoundLeavesNoRetryBehind() {
        TestDevices devices = devices("d0", "d1");
        devices.device("d0").answerAlways(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.request.retries", "0", "connect.coap.error.policy", "RETRY",
                "connect.coap.retry.interval", "60000");
        TopicPartition partition = new TopicPartition(SinkRun.TOPIC, 0);
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try {
                sink.task.put(List.of());
            } catch (RuntimeException e) {
                return true; // the old behaviour: the worker is asked to wait
            }
            return devices.device("d0").received().size() == 1 && sink.metric("in-flight-batches") == 0;
        });

        sink.task.close(List.of(partition));
        devices.device("d0").answerAlways(null); // the device is back by the time the partition is
        sink.task.open(List.of(partition));
        assertThatCode(() -> sink.task.put(List.of(SinkRun.record(0, "d0", command("d0", "on")),
                SinkRun.record(1, "d1", command("d1", "on")))))
                .as("the partition's records again from its committed offset: nothing waits for a retry")
                .doesNotThrowAnyException();
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.committable(2) == 2);
        assertThat(values(devices.device("d0"))).as("sent again at once, not behind the forgotten request's round")
                .containsExactly("on", "on");
    }

    @Test
    void closingAPartitionCancelsItsRequestsInFlight() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").ignoreNext(1);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.request.timeout", "60000");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d0").received().size() == 1);
        assertThat(sink.metric("in-flight-batches")).isEqualTo(1.0);

        sink.task.close(List.of(new TopicPartition(SinkRun.TOPIC, 0)));
        await().atMost(Duration.ofSeconds(1)).until(() -> sink.metric("in-flight-batches") == 0);
        assertThat(sink.metric("queued-records")).isZero();
        assertThat(sink.metric("queued-bytes")).isZero();
    }

    @Test
    void aPartitionAssignedWhilePausedIsPausedToo() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").delay(300);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.max.pending", "2");
        TopicPartition first = new TopicPartition(SinkRun.TOPIC, 0);
        TopicPartition second = new TopicPartition(SinkRun.TOPIC, 1);
        sink.context.assigned.add(first);
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", 0)), SinkRun.record(1, "d0", command("d0", 1))));
        assertThat(sink.context.paused).containsExactly(first);

        sink.context.assigned.add(second);
        sink.task.open(List.of(second));
        assertThat(sink.context.paused).as("a partition the rebalance adds would bring records past the bound")
                .containsExactlyInAnyOrder(first, second);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            sink.tick();
            assertThat(sink.context.paused).isEmpty();
        });
    }

    @Test
    void abovePendingBytesItPausesItsPartitionsAndResumesWhenHalfAreSent() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").delay(300);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands",
                "connect.coap.sink.max.pending.bytes", "100");
        TopicPartition partition = new TopicPartition(SinkRun.TOPIC, 0);
        sink.context.assigned.add(partition);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(SinkRun.record(i, "d0", command("d0", "value-" + i))); // 35 bytes of JSON each
        }
        sink.put(records);

        assertThat(sink.metric("queued-bytes")).isGreaterThanOrEqualTo(100);
        assertThat(sink.context.paused).as("4 records, 10 below max.pending, but above its bytes")
                .containsExactly(partition);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            sink.tick();
            assertThat(sink.context.paused).isEmpty();
        });
        assertThat(sink.metric("queued-bytes")).isLessThanOrEqualTo(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.committable(4) == 4);
    }

    @Test
    void stopWithRequestsInFlightReturnsAtOnceAndLogsNoError() throws Exception {
        TestDevices devices = devices("d0");
        devices.device("d0").delay(1000);
        SinkRun sink = run(false, "INSERT INTO " + led(devices) + " SELECT value, device_id FROM commands");
        sink.put(List.of(SinkRun.record(0, "d0", command("d0", "on"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> devices.device("d0").received().size() == 1);

        try (ErrorLines log = new ErrorLines()) {
            long start = System.nanoTime();
            sink.task.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(sink.preCommit(1)).as("not answered: not committed").isZero();
            // the device answers a socket that is gone: nothing may be logged as an error
            await().atMost(Duration.ofSeconds(5)).until(() -> devices.busy() == 0);
            assertThat(log.errors()).isEmpty();
        }
    }

    @Test
    void aRequestsLaneIsItsDevicesResourceOrItsDevicesAddress() {
        assertThat(CoapSinkTask.laneOf(URI.create("coap://Dev-1.Example:5683/a/led?id=7"), CoapSinkConfig.OrderBy.URI))
                .as("the host's case and CoAP's default port make no other resource")
                .isEqualTo(CoapSinkTask.laneOf(URI.create("coap://dev-1.example/a/led?id=7"), CoapSinkConfig.OrderBy.URI))
                .isEqualTo("coap://dev-1.example:5683/a/led?id=7");
        assertThat(CoapSinkTask.laneOf(URI.create("coap://h/a/led?id=7"), CoapSinkConfig.OrderBy.URI))
                .as("the query does: CoAP names a resource by its path and query")
                .isNotEqualTo(CoapSinkTask.laneOf(URI.create("coap://h/a/led?id=8"), CoapSinkConfig.OrderBy.URI));
        assertThat(CoapSinkTask.laneOf(URI.create("coap://h/a/led?"), CoapSinkConfig.OrderBy.URI))
                .isEqualTo(CoapSinkTask.laneOf(URI.create("coap://h/a/led"), CoapSinkConfig.OrderBy.URI));
        assertThat(CoapSinkTask.laneOf(URI.create("coaps://h/a/led"), CoapSinkConfig.OrderBy.URI))
                .isEqualTo("coaps://h:5684/a/led");
        assertThat(CoapSinkTask.laneOf(URI.create("coap://h"), CoapSinkConfig.OrderBy.URI))
                .isEqualTo(CoapSinkTask.laneOf(URI.create("coap://h:5683/"), CoapSinkConfig.OrderBy.URI));
        assertThat(CoapSinkTask.laneOf(URI.create("coap://h/a/led"), CoapSinkConfig.OrderBy.ADDRESS))
                .isEqualTo(CoapSinkTask.laneOf(URI.create("coap://H:5683/b?x=1"), CoapSinkConfig.OrderBy.ADDRESS))
                .isEqualTo("coap://h:5683");
        assertThat(CoapSinkTask.laneOf(URI.create("coap://[FE80::1]/a"), CoapSinkConfig.OrderBy.ADDRESS))
                .isEqualTo("coap://[fe80::1]:5683");
    }
}
