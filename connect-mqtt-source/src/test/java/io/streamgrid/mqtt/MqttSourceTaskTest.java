package io.streamgrid.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttSourceTaskTest {

    private static MoquetteBroker broker;
    private static MqttClient device;
    private final List<MqttSourceTask> tasks = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new MoquetteBroker();
        device = Tasks.publisher(broker.url());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        device.disconnect();
        broker.close();
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(MqttSourceTask::stop);
    }

    private MqttSourceTask start(String kcql, String... settings) {
        return startOn(broker.url(), kcql, settings);
    }

    private MqttSourceTask startOn(String url, String kcql, String... settings) {
        MqttSourceTask task = Tasks.start(Tasks.props(url, kcql, settings));
        tasks.add(task);
        return task;
    }

    private static String unique(String prefix) {
        return prefix + System.nanoTime();
    }

    @Test
    void recordCarriesPayloadTopicKeyHeadersAndArrivalTime() throws Exception {
        String root = unique("sensors");
        MqttSourceTask task = start("INSERT INTO readings SELECT * FROM " + root + "/+/temp");
        long before = System.currentTimeMillis();
        Tasks.publish(device, root + "/kitchen/temp", "21.5", 1);
        SourceRecord record = Tasks.poll(task, 1, 10_000, true).get(0);
        assertThat(record.topic()).isEqualTo("readings");
        assertThat(record.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(record.key()).isEqualTo(root + "/kitchen/temp");
        assertThat(record.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat(new String((byte[]) record.value(), StandardCharsets.UTF_8)).isEqualTo("21.5");
        assertThat(record.timestamp()).isBetween(before, System.currentTimeMillis());
        assertThat(record.headers().lastWithName("mqtt.topic").value()).isEqualTo(root + "/kitchen/temp");
        assertThat(record.headers().lastWithName("mqtt.qos").value()).isEqualTo(1);
        assertThat(record.headers().lastWithName("mqtt.retained").value()).isEqualTo(false);
        assertThat(record.headers().lastWithName("mqtt.duplicate").value()).isEqualTo(false);
        assertThat((Integer) record.headers().lastWithName("mqtt.message.id").value()).isPositive();
    }

    @Test
    void wildcardsTakeOnlyMatchingTopics() throws Exception {
        String root = unique("w");
        MqttSourceTask task = start("INSERT INTO all_of_a SELECT * FROM " + root + "/a/#");
        for (String topic : List.of(root + "/a", root + "/a/b", root + "/a/b/c", root + "/ab", root + "/b/a")) {
            Tasks.publish(device, topic, topic, 1);
        }
        List<SourceRecord> records = Tasks.poll(task, 3, 10_000, true);
        records.addAll(Tasks.drain(task, 500, true));
        assertThat(records).extracting(r -> (String) r.key())
                .containsExactlyInAnyOrder(root + "/a", root + "/a/b", root + "/a/b/c");
    }

    @Test
    void jsonPayloadWithSelectAliasIgnoreAndWithKey() throws Exception {
        String root = unique("devices");
        MqttSourceTask task = start("INSERT INTO telemetry SELECT device, temperature AS temp, site FROM " + root
                + "/# WITHCONVERTER = `json` WITHKEY(site, device) KEYDELIMITER = '/';"
                + "INSERT INTO telemetry_all SELECT * FROM " + root + "/# IGNORE secret WITHCONVERTER = `json`");
        Tasks.publish(device, root + "/d1", "{\"device\":\"d1\",\"temperature\":21.5,\"site\":\"roof\",\"secret\":\"x\"}", 1);
        List<SourceRecord> records = Tasks.poll(task, 2, 10_000, true);
        SourceRecord selected = records.stream().filter(r -> r.topic().equals("telemetry")).findFirst().orElseThrow();
        assertThat(selected.key()).isEqualTo("roof/d1");
        assertThat(selected.valueSchema().fields()).extracting(Field::name).containsExactly("device", "temp", "site");
        assertThat(((Struct) selected.value()).get("temp")).isEqualTo(21.5);
        SourceRecord all = records.stream().filter(r -> r.topic().equals("telemetry_all")).findFirst().orElseThrow();
        assertThat(all.key()).isEqualTo(root + "/d1");
        assertThat(all.valueSchema().fields()).extracting(Field::name).containsExactly("device", "temperature", "site");
    }

    @Test
    void dollarTargetNamesTheKafkaTopicAfterTheMqttTopic() throws Exception {
        String root = unique("plant");
        MqttSourceTask task = start("INSERT INTO `$` SELECT * FROM '" + root + "/+/line'");
        Tasks.publish(device, root + "/north_1/line", "x", 0);
        SourceRecord record = Tasks.poll(task, 1, 10_000, true).get(0);
        assertThat(record.topic()).isEqualTo(root + ".north_5F1.line");
    }

    @Test
    void everyConverter(@TempDir Path dir) throws Exception {
        String root = unique("conv");
        String avsc = """
                {"type":"record","name":"Reading","namespace":"io.example","fields":[
                  {"name":"device","type":"string"},{"name":"temperature","type":"double"},
                  {"name":"unit","type":["null","string"],"default":null}]}""";
        Path schemaFile = dir.resolve("reading.avsc");
        Files.writeString(schemaFile, avsc);
        MqttSourceTask task = start(String.join(";",
                "INSERT INTO as_bytes SELECT * FROM " + root + "/bytes",
                "INSERT INTO as_string SELECT * FROM " + root + "/string WITHCONVERTER=`string`",
                "INSERT INTO as_json SELECT * FROM " + root + "/json WITHCONVERTER=`json`",
                "INSERT INTO as_declared SELECT * FROM " + root + "/declared WITHCONVERTER=`json-schema` "
                        + "PROPERTIES('schema.file'='" + schemaFile + "')",
                "INSERT INTO as_avro SELECT * FROM " + root + "/avro WITHCONVERTER=`avro` "
                        + "PROPERTIES('schema.file'='" + schemaFile + "')",
                "INSERT INTO as_legacy SELECT * FROM " + root + "/legacy "
                        + "WITHCONVERTER=`io.lenses.streamreactor.connect.converters.source.JsonSimpleConverter`"));
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(avsc);
        GenericData.Record reading = new GenericData.Record(avro);
        reading.put("device", "d9");
        reading.put("temperature", 19.25);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(avro).write(reading, encoder);
        encoder.flush();

        device.publish(root + "/bytes", new byte[] {0, (byte) 0xff}, 1, false);
        Tasks.publish(device, root + "/string", "héllo", 1);
        Tasks.publish(device, root + "/json", "{\"n\":1,\"ok\":true}", 1);
        Tasks.publish(device, root + "/declared", "{\"device\":\"d8\",\"temperature\":20}", 1);
        device.publish(root + "/avro", out.toByteArray(), 1, false);
        Tasks.publish(device, root + "/legacy", "{\"a\":\"b\"}", 1);
        List<SourceRecord> records = Tasks.poll(task, 6, 10_000, true);
        assertThat(records).hasSize(6);
        java.util.Map<String, SourceRecord> byTopic = new java.util.HashMap<>();
        records.forEach(r -> byTopic.put(r.topic(), r));
        assertThat((byte[]) byTopic.get("as_bytes").value()).containsExactly(0, 0xff);
        assertThat(byTopic.get("as_string").value()).isEqualTo("héllo");
        Struct json = (Struct) byTopic.get("as_json").value();
        assertThat(json.get("n")).isEqualTo(1L);
        assertThat(json.get("ok")).isEqualTo(true);
        Struct declared = (Struct) byTopic.get("as_declared").value();
        assertThat(declared.schema().name()).isEqualTo("io.example.Reading");
        assertThat(declared.get("temperature")).isEqualTo(20.0);
        assertThat(declared.get("unit")).isNull();
        Struct fromAvro = (Struct) byTopic.get("as_avro").value();
        assertThat(fromAvro.get("device")).isEqualTo("d9");
        assertThat(fromAvro.get("temperature")).isEqualTo(19.25);
        assertThat(((Struct) byTopic.get("as_legacy").value()).get("a")).isEqualTo("b");
    }

    @Test
    void severalStatementsMatchingOneMessageEachMakeARecord() throws Exception {
        String root = unique("fan");
        MqttSourceTask task = start("INSERT INTO k1 SELECT * FROM " + root + "/#; INSERT INTO k2 SELECT * FROM "
                + root + "/x/+");
        Tasks.publish(device, root + "/x/y", "v", 1);
        List<SourceRecord> records = Tasks.poll(task, 2, 10_000, true);
        records.addAll(Tasks.drain(task, 500, true));
        assertThat(records).extracting(SourceRecord::topic).containsExactlyInAnyOrder("k1", "k2");
    }

    @Test
    void whereKeepsMatchingMessagesAndAcknowledgesTheOthersAtOnce() throws Exception {
        String root = unique("where");
        String connector = unique("where-connector");
        MqttSourceTask task = start("INSERT INTO alerts SELECT * FROM " + root + "/# WITHCONVERTER=`json` "
                + "WHERE temperature > 80 AND _header.mqtt.qos = 1 AND _topic LIKE '%/boiler'; INSERT INTO all_"
                + root + " SELECT * FROM " + root + "/kitchen/# WITHCONVERTER=`json`", "name", connector);
        Tasks.publish(device, root + "/cellar/boiler", "{\"temperature\":20}", 1);
        Tasks.publish(device, root + "/cellar/boiler", "{\"temperature\":95}", 1);
        Tasks.publish(device, root + "/kitchen/boiler", "{\"temperature\":21}", 1);
        List<SourceRecord> records = Tasks.poll(task, 2, 10_000, false);
        records.addAll(Tasks.drain(task, 500, false));

        assertThat(records).extracting(SourceRecord::topic).containsExactly("alerts", "all_" + root);
        assertThat(((Struct) records.get(0).value()).get("temperature")).isEqualTo(95L);
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName metrics = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        assertThat(jmx.getAttribute(metrics, "acknowledged-total"))
                .as("the message no statement keeps, at once; the others wait for Kafka").isEqualTo(1.0);
        assertThat(jmx.getAttribute(new javax.management.ObjectName("kafka.connect:type=plugins,connector="
                + connector + ",task=0,statement=1"), "filtered-total")).isEqualTo(2.0);
        records.forEach(r -> task.commitRecord(r, null));
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).isEqualTo(3.0);
    }

    @Test
    void kafkaTopicsNamedAfterTopicLevelsPayloadFieldsAndTheWholeTopic() throws Exception {
        String root = unique("route");
        MqttSourceTask task = start("INSERT INTO telemetry_${2} SELECT * FROM " + root + "/+/+/data WITHCONVERTER=`json`;"
                + "INSERT INTO site_${site}_${3} SELECT * FROM " + root + "/+/+/data WITHCONVERTER=`json`;"
                + "INSERT INTO mqtt_${topic} SELECT * FROM " + root + "/+/+/data");
        Tasks.publish(device, root + "/factory/press-1/data", "{\"site\":\"north\",\"v\":1}", 1);
        List<SourceRecord> records = Tasks.poll(task, 3, 10_000, true);
        records.addAll(Tasks.drain(task, 500, true));
        assertThat(records).extracting(SourceRecord::topic).containsExactlyInAnyOrder("telemetry_factory",
                "site_north_press-1", "mqtt_" + root + ".factory.press-1.data");
    }

    @Test
    void aMessageThatCannotNameItsKafkaTopicIsBadData() throws Exception {
        String root = unique("noname");
        MqttSourceTask task = start("INSERT INTO site_${site} SELECT * FROM " + root + "/# WITHCONVERTER=`json`",
                "connect.mqtt.bad.message.policy", "skip");
        Tasks.publish(device, root + "/x", "{\"other\":1}", 1);
        Tasks.publish(device, root + "/x", "{\"site\":\"roof\"}", 1);
        List<SourceRecord> records = Tasks.poll(task, 1, 10_000, true);
        assertThat(records).extracting(SourceRecord::topic).containsExactly("site_roof");
        assertThat(task.skippedMessages()).isEqualTo(1);
    }

    @Test
    void templatesAreCheckedWhenTheTaskStarts() {
        assertThatThrownBy(() -> start("INSERT INTO t_${site} SELECT * FROM a/#"))
                .hasMessageContaining("named after a payload field, which needs a converter that makes structs");
        assertThatThrownBy(() -> start("INSERT INTO t_${_key} SELECT * FROM a/# WITHCONVERTER=`json`"))
                .hasMessageContaining("'${_key}' is not a topic level (${1}, ${2}, ...), ${topic} or a payload field");
        assertThatThrownBy(() -> start("INSERT INTO `t ${1}` SELECT * FROM a/#"))
                .hasMessageContaining("characters a Kafka topic name cannot hold outside its ${...}");
    }

    @Test
    void sparkplugRefusesASharedSubscription() {
        assertThatThrownBy(() -> start("INSERT INTO t SELECT * FROM '$share/g/spBv1.0/#' WITHCONVERTER = `sparkplug`"))
                .hasMessageContaining("Sparkplug B needs every message of an edge node in one place");
    }

    @Test
    void whereOnThePayloadNeedsAConverterThatMakesStructs() {
        assertThatThrownBy(() -> start("INSERT INTO t SELECT * FROM a/# WHERE temperature > 80"))
                .hasMessageContaining("line 1, column 39").hasMessageContaining("WHERE reads fields of the payload");
    }

    /**
     * A connection the broker drops while start() subscribes (a restart, a network cut right after CONNACK) is an
     * outage like any later one, not a failed start: start() subscribes again once the client has reconnected, so
     * the subscription holds when it returns, as without the drop.
     */
    @Test
    void aConnectionDroppedWhileTheTaskSubscribesAtStartIsWaitedOut() throws Exception {
        String root = unique("dropped");
        try (SubscribeDroppingProxy proxy = new SubscribeDroppingProxy(URI.create(broker.url()).getPort())) {
            MqttSourceTask task = startOn(proxy.url(), "INSERT INTO t SELECT * FROM " + root + "/#");
            assertThat(proxy.dropped()).as("the first connection closed at its SUBSCRIBE").isEqualTo(1);
            Tasks.publish(device, root + "/x", "after", 1);
            assertThat(Tasks.poll(task, 1, 10_000, true)).as("the message published once start() returned")
                    .hasSize(1);
        }
    }

    @Test
    void badPayloadFailsTheTaskNamingTheMessageUnderFail() throws Exception {
        String root = unique("bad");
        MqttSourceTask task = start("INSERT INTO t SELECT * FROM " + root + "/# WITHCONVERTER=`json`");
        Tasks.publish(device, root + "/x", "not json", 1);
        assertThatThrownBy(() -> Tasks.poll(task, 1, 10_000, true)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("MQTT message on topic '" + root + "/x'")
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("connect.mqtt.bad.message.policy=FAIL");
    }

    /**
     * Under FAIL the good messages queued behind a bad one in the same batch reach Kafka and are acknowledged
     * before the task fails; the bad one stays unacknowledged, for the broker to send again.
     */
    @Test
    void underFailTheMessagesBehindABadOneInTheSameBatchAreHandedOverBeforeTheTaskFails() throws Exception {
        String root = unique("fail-batch");
        String connector = unique("fail-batch-connector");
        MqttSourceTask task = start("INSERT INTO t SELECT * FROM " + root + "/# WITHCONVERTER=`json`",
                "name", connector);
        Tasks.publish(device, root + "/x", "{\"n\":1}", 1);
        Tasks.publish(device, root + "/x", "not json", 1);
        Tasks.publish(device, root + "/x", "{\"n\":2}", 1);
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName metrics = new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                ((Number) jmx.getAttribute(metrics, "queued-records")).intValue() == 3);

        List<SourceRecord> batch = task.poll();
        assertThat(batch).as("one batch, without the bad message").extracting(r -> ((Struct) r.value()).get("n"))
                .containsExactly(1L, 2L);
        batch.forEach(r -> task.commitRecord(r, null));
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).as("the good ones").isEqualTo(2.0);
        assertThatThrownBy(task::poll).isInstanceOf(ConnectException.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining("connect.mqtt.bad.message.policy=FAIL");
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).as("not the bad one").isEqualTo(2.0);
    }

    @Test
    void badPayloadIsSkippedCountedAndTheRestFlowsUnderSkip() throws Exception {
        String root = unique("skip");
        MqttSourceTask task = start("INSERT INTO t SELECT * FROM " + root + "/# WITHCONVERTER=`json`",
                "connect.mqtt.bad.message.policy", "skip");
        Tasks.publish(device, root + "/x", "{broken", 1);
        Tasks.publish(device, root + "/x", "{\"fine\":1}", 1);
        List<SourceRecord> records = Tasks.poll(task, 1, 10_000, true);
        assertThat(records).hasSize(1);
        assertThat(((Struct) records.get(0).value()).get("fine")).isEqualTo(1L);
        assertThat(task.skippedMessages()).isEqualTo(1);
    }

    @Test
    void badPayloadGoesToTheDeadLetterTopicAndIsAcknowledgedOnlyOnceKafkaHasItUnderDlq() throws Exception {
        String root = unique("dlq");
        String connector = unique("dlq-connector");
        MqttSourceTask task = start("INSERT INTO t SELECT * FROM " + root + "/# WITHCONVERTER=`json`",
                "connect.mqtt.bad.message.policy", "dlq", "connect.mqtt.dead.letter.topic", "mqtt-dead-letters",
                "name", connector);
        long before = System.currentTimeMillis();
        Tasks.publish(device, root + "/x", "not json", 1);
        Tasks.publish(device, root + "/x", "{\"fine\":2}", 1);
        List<SourceRecord> records = Tasks.poll(task, 2, 10_000, false);
        assertThat(records).hasSize(2);
        SourceRecord dead = records.get(0);
        assertThat(dead.topic()).isEqualTo("mqtt-dead-letters");
        assertThat(dead.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat(new String((byte[]) dead.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(dead.headers().lastWithName("streamgrid.error.reason").value().toString()).contains("not valid JSON");
        assertThat(dead.headers().lastWithName("streamgrid.error.policy").value()).isEqualTo("DLQ");
        assertThat((Long) dead.headers().lastWithName("streamgrid.error.time").value()).isGreaterThanOrEqualTo(before);
        assertThat(dead.headers().lastWithName("mqtt.topic").value()).isEqualTo(root + "/x");
        assertThat(dead.headers().lastWithName("mqtt.qos").value()).isEqualTo(1);
        assertThat((Integer) dead.headers().lastWithName("mqtt.message.id").value()).isPositive();
        assertThat(records.get(1).topic()).isEqualTo("t");

        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName metrics = new javax.management.ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).as("not before Kafka has the dead letter")
                .isEqualTo(0.0);
        task.commitRecord(dead, null);
        assertThat(jmx.getAttribute(metrics, "acknowledged-total")).isEqualTo(1.0);
        assertThat(jmx.getAttribute(metrics, "dead-lettered-total")).isEqualTo(1.0);
    }

    @Test
    void unreachableBrokerFailsStartWithAClearMessage() {
        int port = Broker.freePort();
        assertThatThrownBy(() -> Tasks.start(Tasks.props("tcp://127.0.0.1:" + port, "INSERT INTO t SELECT * FROM a",
                "connect.mqtt.connection.timeout", "2")))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("Cannot connect to the MQTT broker at [tcp://127.0.0.1:" + port + "]")
                .hasMessageContaining("within 2 s (connect.mqtt.connection.timeout)");
    }

    @Test
    void fullQueueStopsTakingMessagesAndNothingIsLost() throws Exception {
        String root = unique("bounded");
        MqttSourceTask task = start("INSERT INTO t SELECT * FROM " + root + "/#", "connect.mqtt.queue.size", "10",
                "connect.mqtt.poll.batch.size", "7");
        int total = 300;
        for (int i = 0; i < total; i++) {
            Tasks.publish(device, root + "/m", "m" + i, 1);
        }
        List<SourceRecord> first = task.poll();
        assertThat(first).hasSizeLessThanOrEqualTo(7);
        List<SourceRecord> records = new ArrayList<>(first);
        first.forEach(r -> task.commitRecord(r, null));
        records.addAll(Tasks.poll(task, total - records.size(), 30_000, true));
        Set<String> payloads = new HashSet<>();
        records.forEach(r -> payloads.add(new String((byte[]) r.value(), StandardCharsets.UTF_8)));
        assertThat(payloads).hasSize(total);
    }
}
