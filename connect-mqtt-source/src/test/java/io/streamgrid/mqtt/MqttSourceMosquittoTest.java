package io.streamgrid.mqtt;

import static io.streamgrid.mqtt.sparkplug.EdgeNodePayloads.metric;
import static io.streamgrid.mqtt.sparkplug.EdgeNodePayloads.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamgrid.kcql.Kcql;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.tahu.message.model.MetricDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against mosquitto: redelivery of what was not acknowledged, restarts, shared subscriptions, TLS, Sparkplug B. */
@Timeout(120)
class MqttSourceMosquittoTest {

    private MosquittoBroker broker;
    private final List<MqttSourceTask> tasks = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = MosquittoBroker.startOrSkip();
    }

    @AfterEach
    void stop() {
        tasks.forEach(MqttSourceTask::stop);
        if (broker != null) {
            broker.close();
        }
    }

    private MqttSourceTask start(Map<String, String> props) {
        MqttSourceTask task = Tasks.start(props);
        tasks.add(task);
        return task;
    }

    private static List<String> payloads(List<SourceRecord> records) {
        return records.stream().map(r -> new String((byte[]) r.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void messagesNotCommittedToKafkaAreDeliveredAgainAfterTheTaskStops() throws Exception {
        Map<String, String> props = Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM acks/#",
                "connect.mqtt.client.id", "ack-test", "connect.mqtt.clean", "false");
        MqttSourceTask first = start(props);
        MqttClient device = Tasks.publisher(broker.url());
        for (int i = 0; i < 5; i++) {
            Tasks.publish(device, "acks/x", "m" + i, 1);
        }
        List<SourceRecord> polled = Tasks.poll(first, 5, 10_000, false);
        assertThat(payloads(polled)).containsExactly("m0", "m1", "m2", "m3", "m4");
        first.stop(); // the worker stopped before Kafka acknowledged the records: no commitRecord
        tasks.remove(first);

        MqttSourceTask second = start(props);
        List<SourceRecord> again = Tasks.poll(second, 5, 10_000, true);
        assertThat(payloads(again)).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(again).allMatch(r -> (Boolean) r.headers().lastWithName("mqtt.duplicate").value());
        Thread.sleep(500); // let the acknowledgements reach the broker
        second.stop();
        tasks.remove(second);

        MqttSourceTask third = start(props);
        Tasks.publish(device, "acks/x", "after", 1);
        List<SourceRecord> fresh = Tasks.poll(third, 1, 10_000, true);
        fresh.addAll(Tasks.drain(third, 1000, true));
        assertThat(payloads(fresh)).as("acknowledged messages do not come back").containsExactly("after");
        device.disconnect();
    }

    @Test
    void aStoredBacklogLargerThanTheQueueDoesNotHoldUpTheStart() throws Exception {
        // mosquitto sends the session's backlog right after CONNACK, 100 in flight: more than the queue holds
        Map<String, String> props = Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM backlog/#",
                "connect.mqtt.client.id", "backlog-test", "connect.mqtt.clean", "false",
                "connect.mqtt.queue.size", "10");
        MqttSourceTask first = start(props);
        first.stop();
        tasks.remove(first);
        MqttClient device = Tasks.publisher(broker.url());
        for (int i = 0; i < 500; i++) {
            Tasks.publish(device, "backlog/x", "m" + i, 1);
        }
        long started = System.nanoTime();
        MqttSourceTask task = start(props);
        assertThat((System.nanoTime() - started) / 1_000_000).as("start() ms").isLessThan(10_000);
        List<SourceRecord> records = Tasks.poll(task, 500, 30_000, true);
        assertThat(new HashSet<>(payloads(records))).hasSize(500).contains("m0", "m499");
        device.disconnect();
    }

    @Test
    void brokerRestartReconnectsAndLosesNothing() throws Exception {
        Map<String, String> props = Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM restart/#",
                "connect.mqtt.client.id", "restart-test", "connect.mqtt.clean", "false",
                "connect.mqtt.reconnect.max.delay", "1000");
        MqttSourceTask task = start(props);
        MqttClient device = Tasks.publisher(broker.url());
        for (int i = 0; i < 50; i++) {
            Tasks.publish(device, "restart/a", "before" + i, 1);
        }
        List<SourceRecord> records = Tasks.poll(task, 50, 10_000, true);
        Thread.sleep(1500); // autosave_interval 1: the session and subscription are on disk
        broker.stop();
        Thread.sleep(500);
        broker.restart();
        device = Tasks.publisher(broker.url());
        for (int i = 0; i < 50; i++) {
            Tasks.publish(device, "restart/a", "after" + i, 1);
        }
        records.addAll(Tasks.poll(task, 100 - records.size(), 30_000, true));
        Set<String> seen = new HashSet<>(payloads(records));
        for (int i = 0; i < 50; i++) {
            assertThat(seen).contains("before" + i, "after" + i);
        }
        Thread.sleep(1500); // acknowledgements reach the broker and its autosave
        task.stop();
        tasks.remove(task);
        MqttSourceTask next = start(props);
        assertThat(payloads(Tasks.drain(next, 1500, true)))
                .as("messages taken after the reconnect were acknowledged, so none comes again").isEmpty();
        device.disconnect();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "MQTT {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"3.1.1", "5"})
    void sharedSubscriptionSpreadsOverTwoTasksWithNothingLostOrDuplicated(String version) throws Exception {
        Map<String, String> props = Tasks.props(broker.url(),
                "INSERT INTO shared SELECT * FROM '$share/workers/jobs/#'; INSERT INTO solo SELECT * FROM solo/#",
                "connect.mqtt.client.id", "share-test-" + version, "connect.mqtt.version", version);
        List<Map<String, String>> configs = MqttSourceConnector.taskConfigs(props,
                Kcql.parse(props.get("connect.mqtt.kcql")), 2);
        assertThat(configs).hasSize(2);
        MqttSourceTask one = start(configs.get(0));
        MqttSourceTask two = start(configs.get(1));
        MqttClient device = Tasks.publisher(broker.url());
        int total = 200;
        for (int i = 0; i < total; i++) {
            Tasks.publish(device, "jobs/j", "job" + i, 1);
        }
        List<SourceRecord> fromOne = new ArrayList<>();
        List<SourceRecord> fromTwo = new ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (fromOne.size() + fromTwo.size() < total && System.nanoTime() < deadline) {
            fromOne.addAll(Tasks.poll(one, 1, 100, true));
            fromTwo.addAll(Tasks.poll(two, 1, 100, true));
        }
        fromOne.addAll(Tasks.drain(one, 500, true));
        fromTwo.addAll(Tasks.drain(two, 500, true));
        List<String> all = new ArrayList<>(payloads(fromOne));
        all.addAll(payloads(fromTwo));
        assertThat(all).hasSize(total).doesNotHaveDuplicates();
        assertThat(fromOne).as("task 0 got a share").isNotEmpty();
        assertThat(fromTwo).as("task 1 got a share").isNotEmpty();
        assertThat(configs.get(0).get("connect.mqtt.kcql")).contains("solo/#");
        assertThat(configs.get(1).get("connect.mqtt.kcql")).doesNotContain("solo/#");
        device.disconnect();
    }

    @Test
    void tlsWithPasswordAndClientCertificate() throws Exception {
        for (String key : List.of("client.key", "client-encrypted.key")) {
            Map<String, String> props = Tasks.props(broker.tlsUrl(), "INSERT INTO t SELECT * FROM secure/#",
                    "connect.mqtt.username", MosquittoBroker.USER, "connect.mqtt.password", MosquittoBroker.PASSWORD,
                    "connect.mqtt.ssl.ca.cert", MosquittoBroker.TLS.resolve("ca.pem").toString(),
                    "connect.mqtt.ssl.cert", MosquittoBroker.TLS.resolve("client.pem").toString(),
                    "connect.mqtt.ssl.key", MosquittoBroker.TLS.resolve(key).toString(),
                    "connect.mqtt.ssl.key.password", "keypass");
            MqttSourceTask task = start(props);
            MqttClient device = Tasks.publisher(broker.url());
            Tasks.publish(device, "secure/a", "over tls with " + key, 1);
            assertThat(payloads(Tasks.poll(task, 1, 10_000, true))).containsExactly("over tls with " + key);
            device.disconnect();
        }
    }

    @Test
    void tlsWithTruststoreAndKeystore() throws Exception {
        Map<String, String> props = Tasks.props(broker.tlsUrl(), "INSERT INTO t SELECT * FROM secure/#",
                "connect.mqtt.username", MosquittoBroker.USER, "connect.mqtt.password", MosquittoBroker.PASSWORD,
                "connect.mqtt.ssl.truststore.location", MosquittoBroker.TLS.resolve("ca.p12").toString(),
                "connect.mqtt.ssl.truststore.password", "storepass",
                "connect.mqtt.ssl.keystore.location", MosquittoBroker.TLS.resolve("client.p12").toString(),
                "connect.mqtt.ssl.keystore.password", "storepass");
        MqttSourceTask task = start(props);
        MqttClient device = Tasks.publisher(broker.url());
        Tasks.publish(device, "secure/b", "over tls with stores", 1);
        assertThat(payloads(Tasks.poll(task, 1, 10_000, true))).containsExactly("over tls with stores");
        device.disconnect();
    }

    @Test
    void tlsWithAWrongPasswordFailsStartClearly() {
        Map<String, String> props = Tasks.props(broker.tlsUrl(), "INSERT INTO t SELECT * FROM secure/#",
                "connect.mqtt.username", MosquittoBroker.USER, "connect.mqtt.password", "wrong",
                "connect.mqtt.ssl.ca.cert", MosquittoBroker.TLS.resolve("ca.pem").toString(),
                "connect.mqtt.ssl.cert", MosquittoBroker.TLS.resolve("client.pem").toString(),
                "connect.mqtt.ssl.key", MosquittoBroker.TLS.resolve("client.key").toString(),
                "connect.mqtt.connection.timeout", "5");
        assertThatThrownBy(() -> start(props)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Cannot connect to the MQTT broker at [" + broker.tlsUrl() + "]")
                .hasMessageContaining("reason code 5");
    }

    @Test
    void tlsWithoutTheCaCertificateIsRefused() {
        Map<String, String> props = Tasks.props(broker.tlsUrl(), "INSERT INTO t SELECT * FROM secure/#",
                "connect.mqtt.username", MosquittoBroker.USER, "connect.mqtt.password", MosquittoBroker.PASSWORD,
                "connect.mqtt.ssl.cert", MosquittoBroker.TLS.resolve("client.pem").toString(),
                "connect.mqtt.ssl.key", MosquittoBroker.TLS.resolve("client.key").toString(),
                "connect.mqtt.connection.timeout", "5");
        assertThatThrownBy(() -> start(props)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Cannot connect to the MQTT broker");
    }

    /** The errors validate puts on {@code key}, after at most {@code seconds}. */
    private static List<String> validateErrors(Map<String, String> props, String key, int seconds) {
        long started = System.nanoTime();
        org.apache.kafka.common.config.Config result = new MqttSourceConnector().validate(props);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("validate answers within a few seconds")
                .isLessThan(java.time.Duration.ofSeconds(seconds));
        return result.configValues().stream().filter(v -> v.name().equals(key)).findFirst().orElseThrow()
                .errorMessages();
    }

    private static Map<String, String> tlsProps(String url, String... more) {
        Map<String, String> props = new java.util.HashMap<>(Tasks.props(url, "INSERT INTO t SELECT * FROM v/#",
                "connect.mqtt.username", MosquittoBroker.USER, "connect.mqtt.password", MosquittoBroker.PASSWORD,
                "connect.mqtt.ssl.ca.cert", MosquittoBroker.TLS.resolve("ca.pem").toString(),
                "connect.mqtt.ssl.cert", MosquittoBroker.TLS.resolve("client.pem").toString(),
                "connect.mqtt.ssl.key", MosquittoBroker.TLS.resolve("client.key").toString()));
        for (int i = 0; i < more.length; i += 2) {
            props.put(more[i], more[i + 1]);
        }
        return props;
    }

    @Test
    void validateConnectsToTheBrokerAndPassesAWorkingConfig() {
        assertThat(validateErrors(Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM v/#"),
                "connect.mqtt.hosts", 10)).isEmpty();
        assertThat(validateErrors(tlsProps(broker.tlsUrl()), "connect.mqtt.hosts", 10)).isEmpty();
    }

    @Test
    void validateOnMqtt5ConnectsWithAnMqtt5Client() {
        Map<String, String> props = new java.util.HashMap<>(Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM v/#"));
        props.put("connect.mqtt.version", "5");
        assertThat(validateErrors(props, "connect.mqtt.hosts", 10)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(broker.log()).containsPattern("as sg-check-\\w+ \\(p5,"));
    }

    @Test
    void validateOnMqtt5ReportsARefusedLoginOnThePasswordKey() {
        Map<String, String> props = tlsProps(broker.tlsUrl(), "connect.mqtt.password", "wrong");
        props.put("connect.mqtt.version", "5");
        assertThat(validateErrors(props, "connect.mqtt.password", 10)).singleElement().asString()
                .contains("refused the login").contains(MosquittoBroker.USER);
    }

    @Test
    void validateReportsABrokerNobodyListensOnOnTheHostsKey() {
        String nobody = "tcp://127.0.0.1:" + Broker.freePort();
        assertThat(validateErrors(Tasks.props(nobody, "INSERT INTO t SELECT * FROM v/#"), "connect.mqtt.hosts", 10))
                .singleElement().asString().contains("Cannot reach the MQTT broker").contains(nobody);
    }

    @Test
    void validateReportsARefusedLoginOnThePasswordKey() {
        assertThat(validateErrors(tlsProps(broker.tlsUrl(), "connect.mqtt.password", "wrong"),
                "connect.mqtt.password", 10)).singleElement().asString().contains("refused the login")
                .contains(MosquittoBroker.USER);
    }

    @Test
    void validateReportsAnUntrustedBrokerCertificateOnTheCaKey() {
        Map<String, String> props = tlsProps(broker.tlsUrl());
        props.remove("connect.mqtt.ssl.ca.cert"); // the JVM's default CAs do not know the test CA
        assertThat(validateErrors(props, "connect.mqtt.ssl.ca.cert", 10)).singleElement().asString()
                .contains("TLS").contains("does not trust the broker's certificate");
    }

    @Test
    void validateReportsAMissingClientCertificateOnTheCertKey() {
        Map<String, String> props = tlsProps(broker.tlsUrl());
        props.remove("connect.mqtt.ssl.cert");
        props.remove("connect.mqtt.ssl.key");
        assertThat(validateErrors(props, "connect.mqtt.ssl.cert", 10)).singleElement().asString()
                .contains("TLS").contains("client certificate");
    }

    @Test
    void theQueueIsBoundedByBytesAsWellAsByCount() throws Exception {
        String connector = "bytes-" + System.nanoTime();
        int mib = 1024 * 1024;
        Map<String, String> props = Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM big/#", "name", connector,
                "connect.mqtt.queue.size", "1000", "connect.mqtt.queue.max.bytes", String.valueOf(3 * mib),
                "connect.mqtt.poll.batch.size", "1");
        MqttSourceTask task = start(props);
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName metrics = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        MqttClient device = Tasks.publisher(broker.url());
        for (int i = 0; i < 10; i++) {
            byte[] payload = new byte[mib];
            java.util.Arrays.fill(payload, (byte) ('a' + i));
            device.publish("big/" + i, payload, 1, false);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                (Long) jmx.getAttribute(metrics, "queued-bytes") >= 3L * mib
                        || (Long) jmx.getAttribute(metrics, "queued-records") == 10);
        List<SourceRecord> received = new ArrayList<>();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (received.size() < 10 && System.nanoTime() < deadline) {
            assertThat((Long) jmx.getAttribute(metrics, "queued-bytes")).as("bytes waiting in the queue")
                    .isLessThanOrEqualTo(3L * mib);
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                batch.forEach(r -> task.commitRecord(r, null));
                received.addAll(batch);
            }
        }
        assertThat(received).hasSize(10).allSatisfy(r -> assertThat(((byte[]) r.value()).length).isEqualTo(mib));
        device.disconnect();
    }

    @Test
    void birthAndDataBecomeOneKeyedRecordPerMetricAndAMissedBirthAsksForOneRebirth() throws Exception {
        String connector = "sparkplug-" + System.nanoTime();
        MqttSourceTask task = start(Tasks.props(broker.url(), "INSERT INTO sparkplug SELECT * FROM spBv1.0/# "
                + "WITHCONVERTER = `sparkplug` WHERE message_type != 'NCMD' PROPERTIES('sparkplug.rebirth' = 'true')",
                "name", connector));
        MqttClient edge = Tasks.publisher(broker.url());
        List<String> commands = new CopyOnWriteArrayList<>();
        edge.subscribe("spBv1.0/plant/NCMD/#", 1, (topic, message) -> commands.add(topic));

        // DATA before any BIRTH (the task started after the edge node was born): alias only, no name
        edge.publish("spBv1.0/plant/NDATA/edge1", payload(7, metric(null, 1L, MetricDataType.Double, 20.0)), 1, false);
        edge.publish("spBv1.0/plant/NDATA/edge1", payload(8, metric(null, 1L, MetricDataType.Double, 20.5)), 1, false);
        List<SourceRecord> before = Tasks.poll(task, 2, 10_000, true);
        assertThat(before).allSatisfy(r -> assertThat(((Struct) r.value()).getString("metric")).isNull());
        await().atMost(Duration.ofSeconds(10)).until(() -> commands.size() == 1);

        // the edge node answers with a BIRTH; its DATA by alias now has names
        edge.publish("spBv1.0/plant/NBIRTH/edge1", payload(0, metric("Temperature", 1L, MetricDataType.Double, 21.0),
                metric("Running", 2L, MetricDataType.Boolean, true)), 1, false);
        edge.publish("spBv1.0/plant/NDATA/edge1", payload(1, metric(null, 1L, MetricDataType.Double, 21.5),
                metric(null, 2L, MetricDataType.Boolean, false)), 1, false);
        List<SourceRecord> after = Tasks.poll(task, 4, 10_000, true);
        assertThat(after).extracting(SourceRecord::key).containsExactly("plant/edge1/Temperature", "plant/edge1/Running",
                "plant/edge1/Temperature", "plant/edge1/Running");
        Struct last = (Struct) after.get(3).value();
        assertThat(last.getString("message_type")).isEqualTo("NDATA");
        assertThat(last.getBoolean("boolean_value")).isFalse();
        assertThat(((Struct) after.get(2).value()).getFloat64("double_value")).isEqualTo(21.5);
        assertThat(after).allMatch(r -> r.topic().equals("sparkplug"));

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> commands.size() == 1); // a second request would have gone out with the DATA: none does
        assertThat(commands).as("exactly one rebirth request").containsExactly("spBv1.0/plant/NCMD/edge1");
        javax.management.ObjectName metrics = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        assertThat(jmx.getAttribute(metrics, "sparkplug-unresolved-aliases-total")).isEqualTo(2.0);
        assertThat(jmx.getAttribute(metrics, "sparkplug-seq-gaps-total")).isEqualTo(0.0);
        edge.disconnect();
    }

    @Test
    void aSparkplugStatementNeedsNoSchemaAndMapsEveryMetricToItsKey() throws Exception {
        MqttSourceTask task = start(Tasks.props(broker.url(), "INSERT INTO by_node_${4} SELECT metric, "
                + "double_value FROM spBv1.0/+/+/+ WITHCONVERTER = `sparkplug` WHERE metric LIKE 'T%'"));
        MqttClient edge = Tasks.publisher(broker.url());
        edge.publish("spBv1.0/plant/NBIRTH/edge2", payload(0, metric("Temperature", 1L, MetricDataType.Double, 1.0),
                metric("Pressure", 2L, MetricDataType.Double, 2.0)), 1, false);
        List<SourceRecord> records = Tasks.poll(task, 1, 10_000, true);
        records.addAll(Tasks.drain(task, 500, true));
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("by_node_edge2");
            assertThat(record.key()).isEqualTo("plant/edge2/Temperature");
            assertThat(((Struct) record.value()).schema().fields()).extracting(f -> f.name())
                    .containsExactly("metric", "double_value");
        });
        edge.disconnect();
    }

    /** An MQTT 5 publisher (Paho's mqttv5 client). */
    private org.eclipse.paho.mqttv5.client.MqttClient publisher5() throws Exception {
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(broker.url(),
                "publisher5-" + System.nanoTime(), new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.connect();
        return client;
    }

    @Test
    void mqtt5PropertiesBecomeHeadersAndTheAckWaitsForKafka() throws Exception {
        String connector = "mqtt5-" + System.nanoTime();
        MqttSourceTask task = start(Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM five/# WITHCONVERTER = `json` "
                + "WHERE _header.mqtt.user.site = 'cellar'", "connect.mqtt.version", "5", "connect.mqtt.client.id",
                "five-test", "name", connector));
        org.eclipse.paho.mqttv5.client.MqttClient device = publisher5();
        org.eclipse.paho.mqttv5.common.MqttMessage message =
                new org.eclipse.paho.mqttv5.common.MqttMessage("{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        org.eclipse.paho.mqttv5.common.packet.MqttProperties properties =
                new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
        properties.setUserProperties(List.of(new org.eclipse.paho.mqttv5.common.packet.UserProperty("site", "roof"),
                new org.eclipse.paho.mqttv5.common.packet.UserProperty("site", "cellar"),
                new org.eclipse.paho.mqttv5.common.packet.UserProperty("line", "3")));
        properties.setContentType("application/json");
        properties.setResponseTopic("replies/1");
        properties.setCorrelationData(new byte[] {7, 8});
        properties.setMessageExpiryInterval(600L);
        message.setProperties(properties);
        device.publish("five/a", message);

        SourceRecord record = Tasks.poll(task, 1, 10_000, false).get(0);
        List<Object> sites = new ArrayList<>();
        record.headers().allWithName("mqtt.user.site").forEachRemaining(h -> sites.add(h.value()));
        assertThat(sites).as("repeated names keep every value, in order").containsExactly("roof", "cellar");
        assertThat(record.headers().lastWithName("mqtt.user.line").value()).isEqualTo("3");
        assertThat(record.headers().lastWithName("mqtt.content.type").value()).isEqualTo("application/json");
        assertThat(record.headers().lastWithName("mqtt.response.topic").value()).isEqualTo("replies/1");
        assertThat((byte[]) record.headers().lastWithName("mqtt.correlation.data").value()).containsExactly(7, 8);
        assertThat((Long) record.headers().lastWithName("mqtt.message.expiry").value()).isBetween(1L, 600L);

        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName metrics = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).as("not before Kafka has it").isEqualTo(0.0);
        task.commitRecord(record, null);
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).isEqualTo(1.0);
        device.disconnect();
    }

    @Test
    void mqtt5SessionKeepsWhatKafkaDidNotGetAcrossARestart() throws Exception {
        Map<String, String> props = Tasks.props(broker.url(), "INSERT INTO t SELECT * FROM fiveacks/#",
                "connect.mqtt.version", "5", "connect.mqtt.client.id", "five-acks", "connect.mqtt.session.expiry", "600");
        MqttSourceTask first = start(props);
        MqttClient device = Tasks.publisher(broker.url());
        for (int i = 0; i < 3; i++) {
            Tasks.publish(device, "fiveacks/x", "m" + i, 1);
        }
        assertThat(payloads(Tasks.poll(first, 3, 10_000, false))).containsExactly("m0", "m1", "m2");
        first.stop(); // before Kafka acknowledged: nothing was acknowledged to the broker
        tasks.remove(first);

        MqttSourceTask second = start(props);
        assertThat(payloads(Tasks.poll(second, 3, 10_000, true))).containsExactly("m0", "m1", "m2");
        device.disconnect();
    }
}
