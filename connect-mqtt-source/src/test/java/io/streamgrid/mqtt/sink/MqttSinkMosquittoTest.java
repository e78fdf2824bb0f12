package io.streamgrid.mqtt.sink;

import static io.streamgrid.mqtt.sink.SinkFixture.committable;
import static io.streamgrid.mqtt.sink.SinkFixture.metric;
import static io.streamgrid.mqtt.sink.SinkFixture.props;
import static io.streamgrid.mqtt.sink.SinkFixture.put;
import static io.streamgrid.mqtt.sink.SinkFixture.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import io.streamgrid.mqtt.Broker;
import io.streamgrid.mqtt.MosquittoBroker;
import io.streamgrid.mqtt.sink.SinkFixture.Received;
import io.streamgrid.mqtt.sink.SinkFixture.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MQTT sink against mosquitto, with a subscriber that sees what arrives: QoS 0, 1 and 2 with MQTT 3.1.1 and 5,
 * MQTT 5 properties, topics from the data, bad records, tombstones, the in-flight window, offsets that wait for
 * the broker's acknowledgement, and a broker that goes away while records are published.
 */
@Timeout(120)
class MqttSinkMosquittoTest {

    private MosquittoBroker broker;
    private final List<MqttSinkTask> tasks = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        tasks.forEach(MqttSinkTask::stop);
        for (Subscriber subscriber : subscribers) {
            subscriber.close();
        }
        if (broker != null) {
            broker.resume(); // a frozen broker would not stop
            broker.close();
        }
    }

    private MqttSinkTask start(Map<String, String> props, RecordingSinkTaskContext context) {
        MqttSinkTask task = SinkFixture.start(props, context);
        tasks.add(task);
        return task;
    }

    private Subscriber subscribe(String filter) throws Exception {
        Subscriber subscriber = new Subscriber(broker.url(), filter);
        subscribers.add(subscriber);
        return subscriber;
    }

    private static List<SinkRecord> records(int from, int count, String key) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            records.add(record(i, key, "{\"device_id\":\"" + key + "\",\"n\":" + i + "}"));
        }
        return records;
    }

    /** The record number {@code n} in a JSON payload. */
    private static int number(Received message) {
        Matcher n = Pattern.compile("\"n\":(\\d+)").matcher(message.payload());
        assertThat(n.find()).as(message.payload()).isTrue();
        return Integer.parseInt(n.group(1));
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void everyQosArrivesAndIsCommittedOnceTheBrokerAcknowledgedIt(String version) throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Subscriber subscriber = subscribe("qos/#");
        int offset = 0;
        for (int qos = 0; qos <= 2; qos++) {
            Map<String, String> props = props(broker.url(), "INSERT INTO qos/" + qos + " SELECT n FROM commands",
                    "connect.mqtt.version", version, "connect.mqtt.service.quality", String.valueOf(qos));
            RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
            MqttSinkTask task = start(props, context);
            put(task, context, records(offset, 50, "d"));
            assertThat(committable(task, offset + 50)).as("QoS " + qos + ": every record acknowledged")
                    .isEqualTo(offset + 50);
            int published = qos;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(subscriber.received.stream()
                    .filter(r -> r.topic().equals("qos/" + published)).toList()).hasSize(50)
                    .allSatisfy(r -> assertThat(r.qos()).isEqualTo(published)));
            List<String> payloads = subscriber.received.stream().filter(r -> r.topic().equals("qos/" + published))
                    .map(Received::payload).toList();
            List<String> expected = new ArrayList<>();
            for (int i = offset; i < offset + 50; i++) {
                expected.add("{\"n\":" + i + "}");
            }
            assertThat(payloads).as("in the order of the records").isEqualTo(expected);
            assertThat(metric(props, "records-in-total")).isEqualTo(50.0);
            assertThat(metric(props, "records-out-total")).isEqualTo(50.0);
            assertThat(metric(props, "acknowledged-total")).as("PUBACK or PUBCOMP, none for QoS 0")
                    .isEqualTo(qos == 0 ? 0.0 : 50.0);
            assertThat((Double) metric(props, "batches-total")).isPositive();
            assertThat(metric(props, "in-flight-batches")).isEqualTo(0L);
            assertThat(metric(props, "connected")).isEqualTo(1L);
            offset += 50;
        }
        assertThat(broker.log()).as("the protocol the sink spoke").containsPattern("as mqtt-sink-\\d+-0 \\("
                + (version.equals("5") ? "p5" : "p2") + ",");
    }

    @Test
    void mqtt5PropertiesReachTheSubscriberFromHeadersAndTemplates() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Subscriber subscriber = subscribe("devices/#");
        Map<String, String> props = props(broker.url(), "INSERT INTO devices/${device_id}/cmd SELECT * FROM commands "
                + "PROPERTIES('response.topic' = 'devices/${device_id}/cmd/response', 'correlation.data' = '${n}', "
                + "'message.expiry' = '300')", "connect.mqtt.version", "5");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        ConnectHeaders forwarded = new ConnectHeaders();
        forwarded.addString("mqtt.response.topic", "replies/r1").addBytes("mqtt.correlation.data", new byte[] {1, 2})
                .addString("mqtt.user.site", "north").addString("mqtt.user.site", "south")
                .addString("mqtt.content.type", "application/json").addLong("mqtt.message.expiry", 60L);
        put(task, context, List.of(record(0, "k", "{\"device_id\":\"d1\",\"n\":7}"),
                record(1, "k", "{\"device_id\":\"d2\",\"n\":8}", forwarded)));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.size() == 2);
        Received templated = subscriber.received.get(0);
        assertThat(templated.topic()).isEqualTo("devices/d1/cmd");
        assertThat(templated.properties().getResponseTopic()).isEqualTo("devices/d1/cmd/response");
        assertThat(new String(templated.properties().getCorrelationData(), StandardCharsets.UTF_8)).isEqualTo("7");
        assertThat(templated.properties().getMessageExpiryInterval()).isBetween(1L, 300L);
        Received fromHeaders = subscriber.received.get(1);
        assertThat(fromHeaders.topic()).isEqualTo("devices/d2/cmd");
        assertThat(fromHeaders.properties().getResponseTopic()).as("the header wins").isEqualTo("replies/r1");
        assertThat(fromHeaders.properties().getCorrelationData()).containsExactly(1, 2);
        assertThat(fromHeaders.properties().getContentType()).isEqualTo("application/json");
        assertThat(fromHeaders.properties().getMessageExpiryInterval()).isBetween(1L, 60L);
        assertThat(fromHeaders.properties().getUserProperties()).extracting(UserProperty::getKey,
                UserProperty::getValue).containsExactly(org.assertj.core.groups.Tuple.tuple("site", "north"),
                org.assertj.core.groups.Tuple.tuple("site", "south"));
    }

    @Test
    void eachRecordGoesToTheTopicItsValuesNameInOrderAndABadOneToTheDeadLetterQueue() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Subscriber subscriber = subscribe("fleet/#");
        Map<String, String> props = props(broker.url(), "INSERT INTO fleet/${_header.site}/${_key}/${device_id} "
                + "SELECT n, device_id FROM commands");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        MqttSinkTask task = start(props, context);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String device = "d" + (i % 3);
            records.add(record(i, "k" + (i % 3), "{\"device_id\":\"" + (i == 13 ? "evil/#" : device) + "\",\"n\":" + i
                    + "}", new ConnectHeaders().addString("site", i == 21 ? "" : "north")));
        }
        put(task, context, records);
        assertThat(committable(task, 30)).as("bad records reported, the rest acknowledged").isEqualTo(30);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(13L, 21L);
        assertThat(context.deadLetterErrors.get(0).getMessage()).contains("topic=commands partition=0 offset=13")
                .contains("evil/#");
        assertThat(context.deadLetterErrors.get(1).getMessage()).contains("offset=21").contains("is empty");
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.size() == 28);
        Map<String, List<Integer>> byTopic = new HashMap<>();
        subscriber.received.forEach(r -> byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>())
                .add(number(r)));
        assertThat(byTopic).containsOnlyKeys("fleet/north/k0/d0", "fleet/north/k1/d1", "fleet/north/k2/d2");
        byTopic.forEach((topic, numbers) -> {
            assertThat(numbers).as(topic + " in record order").isSorted();
            assertThat(numbers).allMatch(n -> topic.endsWith("/d" + (n % 3)));
        });
        assertThat(metric(props, "dead-lettered-total")).isEqualTo(2.0);
    }

    @Test
    void withoutADeadLetterQueueTheErrorPolicyDecides() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        String kcql = "INSERT INTO out/${device_id} SELECT * FROM commands";
        MqttSinkTask throwing = start(props(broker.url(), kcql, "connect.mqtt.error.policy", "THROW"),
                new RecordingSinkTaskContext(false));
        assertThatThrownBy(() -> throwing.put(List.of(record(5, "k", "{\"n\":1}"))))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("topic=commands partition=0 offset=5")
                .hasMessageContaining("'${device_id}' in the name 'out/${device_id}' has no value");
        Map<String, String> noop = props(broker.url(), kcql, "connect.mqtt.error.policy", "NOOP");
        MqttSinkTask dropping = start(noop, new RecordingSinkTaskContext(false));
        dropping.put(List.of(record(5, "k", "{\"n\":1}"), record(6, "k", "{\"device_id\":\"d\"}")));
        assertThat(committable(dropping, 7)).isEqualTo(7);
        assertThat(metric(noop, "dropped-total")).isEqualTo(1.0);
        assertThat(metric(noop, "records-out-total")).isEqualTo(1.0);
    }

    @Test
    void aMessageLargerThanTheBrokerTakesIsABadRecord() throws Exception {
        broker = MosquittoBroker.startOrSkip("max_packet_size 2000");
        Subscriber subscriber = subscribe("big/#");
        Map<String, String> props = props(broker.url(), "INSERT INTO big/5 SELECT * FROM commands WITHFORMAT TEXT",
                "connect.mqtt.version", "5");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        MqttSinkTask task = start(props, context);
        put(task, context, List.of(record(0, "k", "small"), record(1, "k", "x".repeat(5000)),
                record(2, "k", "small again")));
        assertThat(committable(task, 3)).isEqualTo(3);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        assertThat(context.deadLetterErrors.get(0).getMessage()).contains("offset=1").contains("more than the broker "
                + "takes (2000 bytes");
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.size() == 2);
        assertThat(subscriber.payloads()).containsExactly("small", "small again");

        Map<String, String> v3 = props(broker.url(), "INSERT INTO big/3 SELECT * FROM commands WITHFORMAT TEXT",
                "connect.mqtt.max.packet.size", "2000");
        RecordingSinkTaskContext v3Context = new RecordingSinkTaskContext(true);
        MqttSinkTask v3Task = start(v3, v3Context);
        put(v3Task, v3Context, List.of(record(0, "k", "x".repeat(5000)), record(1, "k", "fits")));
        assertThat(committable(v3Task, 2)).isEqualTo(2);
        assertThat(v3Context.deadLetterErrors.get(0).getMessage()).contains("connect.mqtt.max.packet.size");
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.payloads().contains("fits"));
    }

    @Test
    void aTombstoneClearsTheRetainedCommandOnlyWithRetain() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Map<String, String> props = props(broker.url(), "INSERT INTO led/${_key} SELECT * FROM commands WITHFORMAT "
                + "TEXT PROPERTIES('retain' = 'true'); INSERT INTO log/${_key} SELECT * FROM commands WITHFORMAT TEXT");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        put(task, context, List.of(record(0, "d1", "on"), record(1, "d2", "on")));
        assertThat(committable(task, 2)).isEqualTo(2);
        Subscriber before = subscribe("led/#");
        await().atMost(Duration.ofSeconds(20)).until(() -> before.received.size() == 2);
        assertThat(before.received).allMatch(Received::retained);

        put(task, context, List.of(record(2, "d1", null)));
        assertThat(committable(task, 3)).isEqualTo(3);
        assertThat(metric(props, "skipped-total")).as("the log statement does not retain: skipped")
                .isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(20)).until(() -> before.received.size() == 3);
        assertThat(before.received.get(2).payload()).isEmpty();
        Subscriber after = subscribe("led/#");
        await().atMost(Duration.ofSeconds(20)).until(() -> after.received.size() == 1);
        assertThat(after.received).extracting(Received::topic).as("d1's retained command is gone")
                .containsExactly("led/d2");
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void offsetsStopAtTheFirstMessageTheBrokerHasNotAcknowledgedAndTheWindowBoundsWhatIsInFlight(String version)
            throws Exception {
        broker = MosquittoBroker.startOrSkip(); // max_inflight_messages 100: MQTT 5's Receive Maximum
        Subscriber subscriber = subscribe("window/#");
        boolean v5 = version.equals("5");
        Map<String, String> props = props(broker.url(), "INSERT INTO window/${device_id} SELECT n, device_id FROM commands",
                "connect.mqtt.version", version, "connect.mqtt.max.in.flight", v5 ? "1000" : "7");
        int window = v5 ? 100 : 7;
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        put(task, context, records(0, 10, "a"));
        assertThat(committable(task, 10)).isEqualTo(10);

        broker.pause();
        int sent = window + 5;
        task.put(records(10, sent, "b")); // returns: no more than a window waits in the task
        assertThat(metric(props, "in-flight-batches")).as("the window").isEqualTo((long) window);
        assertThat(metric(props, "queued-records")).isEqualTo(5L);
        assertThat(committable(task, 10 + sent)).as("nothing the broker has not acknowledged").isEqualTo(10);

        broker.resume();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(committable(task, 10 + sent))
                .isEqualTo(10 + sent));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.size() == 10 + sent);
    }

    /** The errors validate puts on {@code key}; it answers within a few seconds. */
    private static List<String> validateErrors(Map<String, String> props, String key) {
        long started = System.nanoTime();
        Config result = new MqttSinkConnector().validate(props);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("validate answers within a few seconds")
                .isLessThan(Duration.ofSeconds(10));
        return result.configValues().stream().filter(v -> v.name().equals(key)).findFirst().orElseThrow()
                .errorMessages();
    }

    private Map<String, String> tlsProps(String version, String password) {
        return props(broker.tlsUrl(), "INSERT INTO secure/${device_id} SELECT * FROM commands",
                "connect.mqtt.version", version,
                "connect.mqtt.username", MosquittoBroker.USER, "connect.mqtt.password", password,
                "connect.mqtt.ssl.ca.cert", MosquittoBroker.TLS.resolve("ca.pem").toString(),
                "connect.mqtt.ssl.cert", MosquittoBroker.TLS.resolve("client.pem").toString(),
                "connect.mqtt.ssl.key", MosquittoBroker.TLS.resolve("client.key").toString());
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void validateChecksTheBrokerAndTheLoginAndTheTaskPublishesOverTls(String version) throws Exception {
        broker = MosquittoBroker.startOrSkip();
        assertThat(validateErrors(tlsProps(version, MosquittoBroker.PASSWORD), "connect.mqtt.hosts")).isEmpty();
        assertThat(validateErrors(tlsProps(version, "wrong"), "connect.mqtt.password")).singleElement().asString()
                .contains("refused the login").contains(MosquittoBroker.USER);
        String nobody = "tcp://127.0.0.1:" + Broker.freePort();
        assertThat(validateErrors(props(nobody, "INSERT INTO a SELECT * FROM commands"), "connect.mqtt.hosts"))
                .singleElement().asString().contains("Cannot reach the MQTT broker").contains(nobody);
        assertThat(validateErrors(props(broker.url(), "INSERT INTO a/${device} SELECT n FROM commands"),
                "connect.mqtt.kcql")).singleElement().asString()
                .contains("'${device}' reads the field 'device', which the SELECT list does not take");

        Subscriber subscriber = subscribe("secure/#");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(tlsProps(version, MosquittoBroker.PASSWORD), context);
        put(task, context, records(0, 3, "tls"));
        assertThat(committable(task, 3)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.size() == 3);
        assertThat(subscriber.received).extracting(Received::topic).containsOnly("secure/tls");
    }

    /** Six records for the topic ${_header.area}/${device_id}: the fourth (offset 3) to the forbidden area. */
    private static List<SinkRecord> areaRecords() {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(record(i, "k", "{\"device_id\":\"d" + i + "\"}", new ConnectHeaders().addString("area",
                    i == 3 ? MosquittoBroker.FORBIDDEN : "allowed")));
        }
        return records;
    }

    /**
     * At QoS 1 the broker refuses with its PUBACK; at QoS 2 with its PUBREC, at which Paho's mqttv5 client drops the
     * connection and fails every message in flight: those are published again one at a time to find the refused one.
     */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void aMessageTheBrokerRefusesIsABadRecordWithItsReasonCode(int qos) throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Subscriber subscriber = subscribe("#");
        Map<String, String> props = tlsProps("5", MosquittoBroker.PASSWORD);
        props.put("connect.mqtt.kcql", "INSERT INTO ${_header.area}/${device_id} SELECT * FROM commands");
        props.put("connect.mqtt.service.quality", String.valueOf(qos));
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        MqttSinkTask task = start(props, context);
        List<SinkRecord> records = areaRecords();
        put(task, context, records);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committable(task, 6)).isEqualTo(6));
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(3L);
        assertThat(context.deadLetterErrors.get(0).getMessage()).contains("topic=commands partition=0 offset=3")
                .contains("'forbidden/d3'").contains("reason code 0x87 (Not authorized)");
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received.stream()
                .map(Received::topic).distinct().count() == 5);
        assertThat(subscriber.received).extracting(Received::topic).as("at least once, the others in order")
                .containsSubsequence("allowed/d0", "allowed/d1", "allowed/d2", "allowed/d4", "allowed/d5")
                .doesNotContain("forbidden/d3");
    }

    /**
     * The worker only logs an exception from preCommit and carries on: a refusal that preCommit finds without a
     * dead-letter queue must not be thrown there, but fail the task at the next put, its record never committed.
     */
    @Test
    void aRefusalPreCommitFindsWithoutADeadLetterQueueFailsTheTaskAtTheNextPut() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Map<String, String> props = tlsProps("5", MosquittoBroker.PASSWORD);
        props.put("connect.mqtt.kcql", "INSERT INTO ${_header.area}/${device_id} SELECT * FROM commands");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        List<SinkRecord> records = areaRecords();
        task.put(records); // returns with every message in flight: the broker's answers come after it
        assertThat(committable(task, 6)).as("preCommit (waiting for the answers) finds the refusal, throws nothing, "
                + "and commits nothing past it").isLessThanOrEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(() -> task.put(List.of()))
                .as("the refusal fails the task at a put, whichever call found it")
                .isInstanceOf(ConnectException.class).hasMessageContaining("topic=commands partition=0 offset=3")
                .hasMessageContaining("reason code 0x87 (Not authorized)"));
        assertThat(committable(task, 6)).as("never past the refused record").isLessThanOrEqualTo(3);
        assertThatThrownBy(() -> task.put(List.of())).as("and at every put after it")
                .isInstanceOf(ConnectException.class).hasMessageContaining("offset=3");
    }

    /**
     * mosquitto closes the connection of a 3.1.1 client that sends more than its max_packet_size, and such a client
     * cannot learn the limit: the message is published again after every reconnection unless the sink finds that
     * the connection drops whenever that message alone is published.
     */
    @Test
    void aMessageAfterWhichTheBrokerAlwaysDropsTheConnectionIsABadRecord() throws Exception {
        broker = MosquittoBroker.startOrSkip("max_packet_size 2000");
        Subscriber subscriber = subscribe("dropping/#");
        Map<String, String> props = props(broker.url(), "INSERT INTO dropping/3 SELECT * FROM commands WITHFORMAT TEXT");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        MqttSinkTask task = start(props, context);
        put(task, context, List.of(record(0, "k", "small"), record(1, "k", "x".repeat(5000)),
                record(2, "k", "small again")));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            put(task, context, List.of()); // the worker's puts go on meanwhile
            assertThat(committable(task, 3)).isEqualTo(3);
        });
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        assertThat(context.deadLetterErrors.get(0).getMessage()).contains("topic=commands partition=0 offset=1")
                .contains("the broker closes the connection whenever this message is published");
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.payloads().contains("small again"));
        assertThat(subscriber.payloads()).as("at least once, in order").containsSubsequence("small", "small again")
                .doesNotContain("x".repeat(5000));
        assertThat((Double) metric(props, "retries-total")).as("reconnections").isGreaterThanOrEqualTo(3.0);
    }

    /**
     * A partition that moved to another task while its messages were in flight: they are not published again after
     * a reconnection (the new owner may have published newer ones meanwhile).
     */
    @Test
    void messagesInFlightOfAPartitionThatMovedAreNotPublishedAgainAfterAReconnection() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Map<String, String> props = props(broker.url(), "INSERT INTO moved/${_partition}/${device_id} SELECT * FROM "
                + "commands PROPERTIES('retain' = 'true')");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        broker.pause();
        task.put(records(0, 5, "d")); // in flight, unanswered
        TopicPartition moved = new TopicPartition(SinkFixture.TOPIC, 0);
        task.close(List.of(moved));
        broker.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(props, "connected").equals(0L));
        broker.restart();
        TopicPartition kept = new TopicPartition(SinkFixture.TOPIC, 1);
        SinkRecord marker = new SinkRecord(SinkFixture.TOPIC, 1, null, "k", null, "{\"device_id\":\"marker\"}", 0);
        put(task, context, List.of(marker));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(task.preCommit(Map.of(kept,
                new OffsetAndMetadata(1))).get(kept).offset()).isEqualTo(1));
        Subscriber retained = subscribe("moved/#"); // published in order on one connection: whatever went before
        await().atMost(Duration.ofSeconds(20)).until(() -> retained.received.stream() // the marker is retained too
                .anyMatch(r -> r.topic().equals("moved/1/marker")));
        assertThat(retained.received).extracting(Received::topic).as("nothing of the moved partition")
                .containsExactly("moved/1/marker");
    }

    /**
     * Connected, but nothing acknowledged for connect.mqtt.connection.timeout (the broker frozen with SIGSTOP): a
     * failed write. RETRY hands the records back; NOOP drops the records that wait, counting those, not the messages
     * in flight, which the broker may still acknowledge.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RETRY", "NOOP"})
    void aBrokerThatStopsAnsweringIsAFailedWrite(String policy) throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Map<String, String> props = props(broker.url(), "INSERT INTO stalled/${device_id} SELECT * FROM commands",
                "connect.mqtt.max.in.flight", "5", "connect.mqtt.connection.timeout", "2",
                "connect.mqtt.error.policy", policy, "connect.mqtt.retry.interval", "500");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        broker.pause();
        List<SinkRecord> records = records(0, 20, "d");
        if (policy.equals("RETRY")) {
            assertThatThrownBy(() -> task.put(records)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("acknowledged none of the 5 messages in flight for 2 s");
        } else {
            task.put(records);
            assertThat(metric(props, "dropped-total")).as("the 15 records that waited").isEqualTo(15.0);
            assertThat(metric(props, "in-flight-batches")).isEqualTo(5L);
        }
        broker.resume();
        put(task, context, records); // handed back: already taken
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committable(task, 20)).isEqualTo(20));
        assertThat(metric(props, "records-out-total")).isEqualTo(policy.equals("RETRY") ? 20.0 : 5.0);
    }

    /**
     * A broker that comes back with a smaller Maximum Packet Size (a failover, a new config) is believed: for the
     * records put after the reconnection, and for a message that waited through the outage, checked against the
     * old limit (mosquitto would drop the connection for it, again and again).
     */
    @Test
    void theBrokersLimitsAreReadAgainAtEachReconnection() throws Exception {
        broker = MosquittoBroker.startOrSkip("max_packet_size 100000");
        Subscriber subscriber = subscribe("limits/#");
        Map<String, String> props = props(broker.url(), "INSERT INTO limits/5 SELECT * FROM commands WITHFORMAT TEXT",
                "connect.mqtt.version", "5");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        MqttSinkTask task = start(props, context);
        put(task, context, List.of(record(0, "k", "x".repeat(5000))));
        assertThat(committable(task, 1)).isEqualTo(1);
        broker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(props, "connected").equals(0L));
        task.put(List.of(record(1, "k", "y".repeat(5000)))); // less than a window: it waits in the task
        broker.reconfigure("max_packet_size 2000");
        broker.restart();
        await().atMost(Duration.ofSeconds(20)).until(() -> metric(props, "connected").equals(1L));
        put(task, context, List.of(record(2, "k", "z".repeat(5000)), record(3, "k", "fits")));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(committable(task, 4)).isEqualTo(4));
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L, 2L);
        assertThat(context.deadLetterErrors).allSatisfy(e -> assertThat(e.getMessage())
                .contains("more than the broker takes (2000 bytes"));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.payloads().contains("fits"));
        assertThat(metric(props, "retries-total")).as("one reconnection: no message made the broker drop it")
                .isEqualTo(1.0);
    }

    /** A message Paho cannot encode is a bad record that says why, not one of an absurd size. */
    @Test
    void aMessageMqttCannotEncodeIsABadRecordSayingWhy() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Map<String, String> props = props(broker.url(), "INSERT INTO encode/5 SELECT * FROM commands",
                "connect.mqtt.version", "5");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        MqttSinkTask task = start(props, context);
        put(task, context, List.of(record(0, "k", "{\"n\":1}", new ConnectHeaders().addString("mqtt.user.note",
                "y".repeat(70_000)))));
        assertThat(committable(task, 1)).isEqualTo(1);
        assertThat(context.deadLetterErrors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("offset=0").contains("cannot be encoded as an MQTT 5 packet").doesNotContain("bytes, more than");
    }

    @Test
    void aBrokerAwayLongerThanTheOutageTimeoutFailsTheTaskSayingSo() throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Map<String, String> props = props(broker.url(), "INSERT INTO gone/${device_id} SELECT * FROM commands",
                "connect.mqtt.max.in.flight", "5", "connect.mqtt.broker.outage.timeout", "1500");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        broker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(props, "connected").equals(0L));
        List<SinkRecord> batch = records(0, 20, "d");
        ConnectException failure = null;
        for (int attempt = 0; failure == null; attempt++) { // the worker, handing the batch back after each back-off
            try {
                task.put(batch);
            } catch (RetriableException e) {
                assertThat(attempt).as("retries before the outage timeout").isLessThan(10);
                Thread.sleep(context.timeouts.get(context.timeouts.size() - 1)); // the worker's back-off
            } catch (ConnectException e) {
                failure = e;
            }
        }
        assertThat(failure).hasMessageContaining("the server has been away for")
                .hasMessageContaining("longer than the 1500 ms the task waits");
        assertThat(committable(task, 20)).as("nothing the broker did not acknowledge").isZero();
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void aBrokerRestartWhilePublishingLosesNothingAndFailsNoTask(String version) throws Exception {
        broker = MosquittoBroker.startOrSkip();
        Subscriber subscriber = subscribe("outage/#");
        Map<String, String> props = props(broker.url(), "INSERT INTO outage/${device_id} SELECT n, device_id FROM commands",
                "connect.mqtt.version", version, "connect.mqtt.max.in.flight", "50");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        MqttSinkTask task = start(props, context);
        int total = 3000;
        long committedWhileDown = -1;
        int retriesWhileDown = 0;
        for (int from = 0; from < total; from += 100) {
            if (from == 1000) {
                broker.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> metric(props, "connected").equals(0L));
            }
            List<SinkRecord> batch = records(from, 100, "d" + (from % 7));
            while (true) { // the worker: the batch again after the back-off put() asks for
                try {
                    task.put(batch);
                    break;
                } catch (RetriableException e) {
                    long committed = committable(task, from + 100);
                    if (committedWhileDown < 0) {
                        committedWhileDown = committed;
                    }
                    assertThat(committed).as("nothing more is committed while the broker is away")
                            .isEqualTo(committedWhileDown);
                    if (++retriesWhileDown == 3) {
                        broker.restart();
                    }
                    Thread.sleep(context.timeouts.get(context.timeouts.size() - 1)); // the worker's back-off
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committable(task, total))
                .isEqualTo(total));
        assertThat(retriesWhileDown).as("put() asked the worker to wait while the broker was away")
                .isGreaterThanOrEqualTo(3);
        assertThat(committedWhileDown).as("not past what the broker acknowledged before it went").isBetween(0L, 1000L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<Integer> numbers = new HashSet<>();
            subscriber.received.forEach(r -> numbers.add(number(r)));
            assertThat(numbers).as("every record arrived at least once").hasSize(total);
        });
        Map<String, List<Integer>> firstArrivals = new HashMap<>();
        Set<Integer> seen = new HashSet<>();
        subscriber.received.stream().filter(r -> seen.add(number(r))).forEach(r ->
                firstArrivals.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(number(r)));
        firstArrivals.forEach((topic, numbers) -> assertThat(numbers).as(topic + ": each message's first arrival in "
                + "record order (a message published again after the loss may come twice)").isSorted());
        assertThat((Double) metric(props, "retries-total")).as("reconnections").isPositive();
        assertThat(metric(props, "connected")).isEqualTo(1L);
        System.out.printf("MQTT %s outage: %d records, %d messages arrived (%d twice), %d failed in flight%n", version,
                total, subscriber.received.size(), subscriber.received.size() - total,
                ((Double) metric(props, "failed-batches-total")).longValue());
    }
}
