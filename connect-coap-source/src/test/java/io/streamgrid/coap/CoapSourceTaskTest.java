package io.streamgrid.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class CoapSourceTaskTest {

    /** The fields of the seed's printed record, in order; ours adds payload_bytes. */
    static final List<String> SEED_FIELDS = List.of("ingest_time", "message_id", "type", "code", "raw_code", "rtt",
            "is_last", "is_notification", "source", "destination", "timestamp", "token", "is_duplicate",
            "is_confirmable", "is_rejected", "is_acknowledged", "is_canceled", "accept", "block1", "block2",
            "content_format", "etags", "location_path", "location_query", "max_age", "observe", "proxy_uri", "size_1",
            "size_2", "uri_host", "uri_port", "uri_path", "uri_query", "payload");

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private TestCoapServer server(TestCoapServer.Security security) {
        TestCoapServer server = new TestCoapServer(security);
        closing.add(server);
        return server;
    }

    private CoapSourceTask start(Map<String, String> props) {
        CoapSourceTask task = Tasks.start(props);
        closing.add(task::stop);
        return task;
    }

    private static String reading(int n) {
        return "{\"sensorId\":\"Sensor" + n + "\",\"timestamp\":" + (1486997194029L + n) + ",\"temperature\":"
                + (20.5 + n) + ",\"message\":\"Sensor message " + n + "\"}";
    }

    /** Publishes until the task has seen a record, then more; observe needs the relation first. */
    private static List<SourceRecord> observe(CoapSourceTask task, TestCoapServer.Sensor sensor, int count)
            throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < count && records.size() < count; i++) {
            sensor.publish(reading(i));
            records.addAll(Tasks.poll(task, records.size() + 1, 300));
        }
        records.addAll(Tasks.poll(task, count - records.size(), 3000));
        return records;
    }

    @Test
    void observedNotificationsBecomeRecordsOfTheSeedsShape() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO coap_sensor_topic SELECT * FROM sensors/temp"));
        List<SourceRecord> records = observe(task, server.temperature, 5);
        assertThat(records).hasSizeGreaterThanOrEqualTo(5);
        SourceRecord record = records.get(records.size() - 1);

        assertThat(record.topic()).isEqualTo("coap_sensor_topic");
        assertThat(record.keySchema()).isEqualTo(CoapRecords.KEY_SCHEMA);
        Struct key = (Struct) record.key();
        assertThat(key.get("source")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(key.get("resource")).isEqualTo("sensors/temp");
        assertThat(record.sourcePartition()).isEqualTo(Map.of("uri", "coap://127.0.0.1:" + server.port(),
                "resource", "sensors/temp"));
        assertThat(record.sourceOffset()).containsKey("sequence");

        Schema schema = record.valueSchema();
        List<String> expected = new ArrayList<>(SEED_FIELDS);
        expected.add("payload_bytes");
        assertThat(schema.fields()).extracting(Field::name).containsExactlyElementsOf(expected);
        assertThat(schema.field("size_1").schema().type()).isEqualTo(Schema.Type.INT32);
        assertThat(schema.field("rtt").schema().type()).isEqualTo(Schema.Type.INT64);
        assertThat(schema.field("etags").schema().type()).isEqualTo(Schema.Type.ARRAY);

        Struct value = (Struct) record.value();
        String last = new String(value.getBytes("payload_bytes"), StandardCharsets.UTF_8);
        assertThat(value.getString("payload")).isEqualTo(last).startsWith("{\"sensorId\":\"Sensor");
        assertThat(value.getInt64("ingest_time")).isEqualTo(record.timestamp())
                .isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
        assertThat(value.getInt64("timestamp")).isLessThanOrEqualTo(value.getInt64("ingest_time"));
        assertThat(value.getInt32("message_id")).isBetween(0, 65535);
        assertThat(value.getString("type")).isIn("NON", "CON", "ACK");
        assertThat(value.getString("code")).isEqualTo("2.05");
        assertThat(value.getInt32("raw_code")).isEqualTo(69);
        assertThat(value.getBoolean("is_last")).isTrue();
        assertThat(value.getBoolean("is_notification")).isTrue();
        assertThat(value.getString("source")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(value.getString("token")).matches("[0-9a-f]+");
        assertThat(value.getBoolean("is_duplicate")).isFalse();
        assertThat(value.getBoolean("is_canceled")).isFalse();
        assertThat(value.getInt32("content_format")).isEqualTo(50);
        assertThat(value.getArray("etags")).isEmpty();
        assertThat(value.getInt64("max_age")).isEqualTo(30L);
        assertThat(value.getInt32("observe")).isNotNull();
        assertThat(value.get("size_1")).isNull();
        assertThat(value.getString("uri_host")).isEqualTo("127.0.0.1");
        assertThat(value.getInt32("uri_port")).isEqualTo(server.port());
        assertThat(value.getString("uri_path")).isEqualTo("sensors/temp");
        assertThat(value.get("uri_query")).isNull();
        assertThat(value.get("proxy_uri")).isNull();
    }

    @Test
    void fieldsInsideAJsonPayloadCanBeSelected() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        // the observe registration's response carries the current state: a reading, not the server's initial {}
        server.temperature.publish(reading(0));
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO readings SELECT payload.sensorId AS "
                + "sensor_id, payload.temperature, code FROM sensors/temp"));
        SourceRecord record = observe(task, server.temperature, 2).get(1);
        Struct value = (Struct) record.value();
        assertThat(value.schema().fields()).extracting(Field::name).containsExactly("sensor_id", "temperature", "code");
        assertThat(value.getString("sensor_id")).startsWith("Sensor");
        assertThat(value.get("temperature")).isInstanceOf(Double.class);
        assertThat(value.get("code")).isEqualTo("2.05");
    }

    @Test
    void whereKeepsOnlyTheResponsesItHoldsForAndCountsTheRest() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        server.temperature.publish(reading(0));
        String connector = "coap-where-" + System.nanoTime();
        Map<String, String> props = Tasks.props(server.uri(), "INSERT INTO hot SELECT payload.sensorId AS sensor, "
                + "payload.temperature FROM sensors/temp WHERE payload.temperature > 22 AND code = '2.05'");
        props.put("name", connector);
        CoapSourceTask task = start(props);
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; records.stream().noneMatch(r -> ((Struct) r.value()).get("temperature").equals(25.5)); i++) {
            assertThat(i).as("the reading of 25.5 arrives").isLessThan(100);
            server.temperature.publish(reading(i % 6));
            records.addAll(Tasks.poll(task, 1, 200));
        }
        assertThat(records).allSatisfy(r -> assertThat((Double) ((Struct) r.value()).get("temperature")).isGreaterThan(22));
        javax.management.ObjectName statement = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0,statement=1");
        assertThat((Double) java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .getAttribute(statement, "filtered-total")).as("20.5, 21.5 and 22.5 at least").isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void theKafkaTopicIsNamedAfterTheResourceAndTheHost() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO coap_${host}_${resource} SELECT * FROM "
                + "sensors/temp"));
        SourceRecord record = observe(task, server.temperature, 1).get(0);
        assertThat(record.topic()).isEqualTo("coap_127.0.0.1_sensors.temp");
    }

    @Test
    void ignoreDropsResponseFields() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO slim SELECT * FROM sensors/temp "
                + "IGNORE payload_bytes, etags, token"));
        SourceRecord record = observe(task, server.temperature, 1).get(0);
        assertThat(record.valueSchema().fields()).extracting(Field::name)
                .doesNotContain("payload_bytes", "etags", "token").contains("payload", "code");
    }

    @Test
    void absentMaxAgeIsTheDefault60Seconds() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT max_age FROM config/version "
                + "PROPERTIES('mode' = 'poll', 'interval.ms' = '100')"));
        assertThat(((Struct) Tasks.poll(task, 1, 5000).get(0).value()).get("max_age")).isEqualTo(60L);
    }

    @Test
    void binaryPayloadIsKeptByteForByte() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO blobs SELECT * FROM blob"));
        byte[] bytes = new byte[600];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        List<SourceRecord> records = new ArrayList<>();
        while (records.stream().noneMatch(r -> ((Struct) r.value()).getBytes("payload_bytes").length == bytes.length)
                && records.size() < 50) {
            server.blob.publish(bytes);
            records.addAll(Tasks.poll(task, records.size() + 1, 500));
        }
        Struct value = (Struct) records.get(records.size() - 1).value();
        assertThat(value.getBytes("payload_bytes")).containsExactly(bytes);
        assertThat(value.get("payload")).as("binary is not text").isNull();
        assertThat(value.getInt32("content_format")).isEqualTo(42);
    }

    @Test
    void pollingReadsAtTheIntervalAndSurvivesAServerOutage() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO versions SELECT payload FROM config/version "
                + "PROPERTIES('mode' = 'poll', 'interval.ms' = '200')", "connect.coap.request.timeout", "500"));
        List<SourceRecord> first = Tasks.poll(task, 3, 5000);
        assertThat(first).hasSizeGreaterThanOrEqualTo(3);
        assertThat(((Struct) first.get(0).value()).get("payload")).isEqualTo("{\"version\":1}");
        server.stop();
        Tasks.poll(task, Integer.MAX_VALUE, 1500);
        server.version.set("{\"version\":2}");
        server.start();
        List<SourceRecord> after = Tasks.pollUntil(task, rs -> rs.stream()
                .anyMatch(r -> "{\"version\":2}".equals(((Struct) r.value()).get("payload"))), 10_000);
        assertThat(after).extracting(r -> ((Struct) r.value()).get("payload")).contains("{\"version\":2}");
    }

    @Test
    void discoveryObservesMatchingResourcesAndPicksUpNewOnes() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO discovered_${resource} SELECT payload FROM "
                + ".well-known/core PROPERTIES('rt' = 'temperature', 'discovery.interval.ms' = '300')"));
        Thread.sleep(1000);
        TestCoapServer.Sensor outdoor = new TestCoapServer.Sensor("outdoor", "temperature");
        server.addSensor(outdoor);
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline && !(seen(records, "sensors/temp") && seen(records, "sensors/outdoor"))) {
            server.temperature.publish("{\"t\":1}");
            server.humidity.publish("{\"h\":1}");
            outdoor.publish("{\"o\":1}");
            records.addAll(Tasks.poll(task, records.size() + 1, 200));
        }
        assertThat(seen(records, "sensors/temp")).isTrue();
        assertThat(seen(records, "sensors/outdoor")).as("a resource added later is discovered").isTrue();
        assertThat(seen(records, "sensors/humidity")).as("rt=humidity is not wanted").isFalse();
        assertThat(records).allSatisfy(r -> assertThat(r.topic()).as("a Kafka topic per discovered resource")
                .isEqualTo("discovered_" + ((String) ((Struct) r.key()).get("resource")).replace('/', '.')));
    }

    private static boolean seen(List<SourceRecord> records, String resource) {
        return records.stream().anyMatch(r -> resource.equals(((Struct) r.key()).get("resource")));
    }

    @Test
    void observationComesBackWithin10sAfterAServerRestart() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                "connect.coap.observe.silence.timeout", "2000"));
        assertThat(observe(task, server.temperature, 3)).hasSizeGreaterThanOrEqualTo(3);
        server.restart();
        long restartedAt = System.nanoTime();
        List<SourceRecord> after = new ArrayList<>();
        while (after.stream().noneMatch(r -> "{\"after\":true}".equals(((Struct) r.value()).get("payload")))
                && System.nanoTime() - restartedAt < 10_000_000_000L) {
            server.temperature.publish("{\"after\":true}");
            after.addAll(Tasks.poll(task, after.size() + 1, 200));
        }
        assertThat(after).extracting(r -> ((Struct) r.value()).get("payload")).contains("{\"after\":true}");
    }

    @Test
    void fullQueueDropsTheOldestNotificationAndCountsIt() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                "connect.coap.queue.size", "5"));
        observe(task, server.temperature, 1);
        for (int i = 0; i < 200; i++) {
            server.temperature.publish("{\"n\":" + i + "}");
            Thread.sleep(2);
        }
        // every notification has come once the drops stop growing (two looks half a second apart agree)
        AtomicLong dropped = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = task.droppedNotifications();
            return now > 0 && now == dropped.getAndSet(now);
        });
        List<SourceRecord> kept = Tasks.poll(task, Integer.MAX_VALUE, 500);
        assertThat(kept).hasSizeLessThanOrEqualTo(5);
        assertThat(((Struct) kept.get(kept.size() - 1).value()).get("payload")).isEqualTo("{\"n\":199}");
        assertThat(task.droppedNotifications()).isPositive();
    }

    @Test
    void payloadFieldsOfANonJsonPayloadFollowTheBadMessagePolicy() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        String kcql = "INSERT INTO t SELECT payload.x FROM sensors/temp";
        server.temperature.publish("not json");
        CoapSourceTask failing = start(Tasks.props(server.uri(), kcql));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 30; i++) {
                server.temperature.publish("not json " + i);
                Tasks.poll(failing, 1, 200);
            }
        }).isInstanceOf(ConnectException.class).hasMessageContaining("sensors/temp")
                .hasMessageContaining("the payload is not JSON").hasMessageContaining("bad.message.policy=FAIL");

        CoapSourceTask skipping = start(Tasks.props(server.uri(), kcql, "connect.coap.bad.message.policy", "SKIP"));
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < 50 && records.isEmpty(); i++) {
            server.temperature.publish(i % 2 == 0 ? "broken" : "{\"x\":" + i + "}");
            records.addAll(Tasks.poll(skipping, 1, 200));
        }
        assertThat(records).isNotEmpty();
        assertThat(skipping.skippedResponses()).isPositive();
    }

    /**
     * A CoAP response is never sent again: under FAIL the good responses queued behind a bad one in the same
     * batch reach Kafka before the task fails, instead of being lost with the task.
     */
    @Test
    void underFailTheResponsesBehindABadOneInTheSameBatchAreHandedOverBeforeTheTaskFails() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        String connector = "coap-fail-" + System.nanoTime();
        Map<String, String> props = Tasks.props(server.uri(), "INSERT INTO t SELECT payload.x FROM sensors/temp");
        props.put("name", connector);
        server.temperature.publish("{\"x\":0}"); // the state the registration's first response carries
        CoapSourceTask task = start(props);
        List<SourceRecord> first = new ArrayList<>();
        for (int i = 0; first.isEmpty(); i++) {
            assertThat(i).as("the observation is in place").isLessThan(100);
            server.temperature.publish("{\"x\":0}");
            first.addAll(Tasks.poll(task, 1, 200));
        }
        Tasks.pollUntil(task, records -> false, 500); // whatever the set-up left behind

        server.temperature.publishPaced("{\"x\":1}");
        server.temperature.publishPaced("not json");
        server.temperature.publishPaced("{\"x\":2}");
        javax.management.ObjectName metrics = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) ManagementFactory.getPlatformMBeanServer()
                .getAttribute(metrics, "queued-records")).intValue() == 3);

        List<SourceRecord> batch = task.poll();
        assertThat(batch).as("one batch, without the bad response").extracting(r -> ((Struct) r.value()).get("x"))
                .containsExactly(1L, 2L);
        assertThatThrownBy(task::poll).isInstanceOf(ConnectException.class)
                .hasMessageContaining("the payload is not JSON").hasMessageContaining("bad.message.policy=FAIL");
    }

    @Test
    void aBadResponseGoesToTheDeadLetterTopicAsItCameUnderDlq() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.NONE);
        server.temperature.publish("not json");
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload.x FROM sensors/temp",
                "connect.coap.bad.message.policy", "DLQ", "connect.coap.dead.letter.topic", "coap-dead-letters"));
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < 50 && records.isEmpty(); i++) {
            server.temperature.publish("still not json " + i);
            records.addAll(Tasks.poll(task, 1, 200));
        }
        assertThat(records).isNotEmpty().allSatisfy(dead -> {
            assertThat(dead.topic()).isEqualTo("coap-dead-letters");
            assertThat(new String((byte[]) dead.value(), java.nio.charset.StandardCharsets.UTF_8)).contains("not json");
            assertThat(dead.headers().lastWithName("streamgrid.error.reason").value().toString())
                    .contains("the payload is not JSON");
            assertThat(dead.headers().lastWithName("coap.resource").value().toString()).endsWith("/sensors/temp");
            assertThat(dead.headers().lastWithName("coap.code").value()).isEqualTo("2.05");
        });
    }

    @Test
    void dtlsWithPreSharedKey() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.PSK);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                "connect.coap.dtls.psk.identity", TestCoapServer.PSK_IDENTITY,
                "connect.coap.dtls.psk.secret", TestCoapServer.PSK_SECRET));
        assertThat(observe(task, server.temperature, 2)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void dtlsWithX509Certificates() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.X509);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                "connect.coap.dtls.ca.cert", TestCoapServer.DTLS.resolve("ca.pem").toString(),
                "connect.coap.dtls.cert", TestCoapServer.DTLS.resolve("client.pem").toString(),
                "connect.coap.dtls.key", TestCoapServer.DTLS.resolve("client.key").toString()));
        assertThat(observe(task, server.temperature, 2)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void dtlsWithRawPublicKeys() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.RPK);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                "connect.coap.dtls.rpk", "true",
                "connect.coap.dtls.key", TestCoapServer.DTLS.resolve("client-rpk.key").toString(),
                "connect.coap.dtls.public.key", TestCoapServer.DTLS.resolve("client-rpk.pub").toString(),
                "connect.coap.dtls.rpk.trusted", TestCoapServer.DTLS.resolve("server-rpk.pub").toString()));
        assertThat(observe(task, server.temperature, 2)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void dtlsWithAWrongKeyGetsNothing() throws Exception {
        TestCoapServer server = server(TestCoapServer.Security.PSK);
        CoapSourceTask task = start(Tasks.props(server.uri(), "INSERT INTO t SELECT payload FROM sensors/temp",
                "connect.coap.dtls.psk.identity", TestCoapServer.PSK_IDENTITY,
                "connect.coap.dtls.psk.secret", "wrong"));
        for (int i = 0; i < 10; i++) {
            server.temperature.publish(reading(i));
        }
        assertThat(Tasks.poll(task, 1, 2000)).isEmpty();
    }
}
