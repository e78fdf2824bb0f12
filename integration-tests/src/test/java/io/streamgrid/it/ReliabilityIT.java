package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.collection.IList;
import com.hazelcast.map.IMap;
import io.streamgrid.simulators.CoapSensorSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outages users meet, each a kill -9 of a separate process while data streams, every id counted end to end:
 * a Connect worker of two, the MQTT broker, one of two Hazelcast members, the only member for longer than the
 * sink's connect timeout, the CoAP device. Nothing may be lost; duplicates (at least once) are measured and
 * printed. A Kafka 4.3 broker and two Connect workers as processes, only our plugins on plugin.path.
 * Run alone: {@code mvn -B -q install -DskipTests && mvn -B -pl integration-tests verify -Dit.test=ReliabilityIT}.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class) // a stable order
class ReliabilityIT {

    private static Path dir;
    private static KafkaRelease kafka;
    /** Sessions and queued messages in memory: for the scenarios where the broker stays up. */
    private static Mosquitto mosquitto;
    /**
     * Saves every change to disk, for the scenario that kills the broker. Each save writes the whole store, so a
     * message costs more the longer the backlog: only that scenario pays for it, with a backlog sized to match.
     */
    private static Mosquitto persistentMosquitto;

    @BeforeAll
    static void start() throws Exception {
        mosquitto = Mosquitto.start(false);
        persistentMosquitto = Mosquitto.start(true);
        dir = Files.createDirectories(Path.of("target", "reliability", String.valueOf(System.nanoTime()))).toAbsolutePath();
        kafka = new KafkaRelease("4.3", CompatibilityMatrixIT.TEST_JDK, dir, 2,
                Map.of("scheduled.rebalance.max.delay.ms", "3000"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (persistentMosquitto != null) {
            persistentMosquitto.close();
        }
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** An MQTT source (QoS 1, persistent sessions) from {@code filter} into topic rel_<name>, payloads as they are. */
    private static void postMqttSource(Mosquitto broker, String name, int tasks, String filter, String mqttVersion) {
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector("mqtt-" + name, Map.of(
                "connect.mqtt.version", mqttVersion,
                "connector.class", "io.streamgrid.mqtt.MqttSourceConnector",
                "tasks.max", String.valueOf(tasks),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "connect.mqtt.hosts", broker.url(),
                "connect.mqtt.client.id", "rel-" + name,
                "connect.mqtt.service.quality", "1",
                "connect.mqtt.kcql", "INSERT INTO rel_" + name + " SELECT * FROM " + filter + " WITHCONVERTER=`string`")));
        ConnectRest.awaitRunning(kafka.restUrl(), "mqtt-" + name, tasks);
    }

    /** A sink writing each record's id into a map (what arrived) and a list (how often it arrived). */
    private static void postSink(String name, String topic, MemberProcesses members, Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", "io.streamgrid.hazelcast.HazelcastSinkConnector",
                "tasks.max", "2",
                "topics", topic,
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "connect.hazelcast.cluster.members", members.addresses(),
                "connect.hazelcast.cluster.name", members.clusterName(),
                "connect.hazelcast.kcql", "INSERT INTO ids_" + name + " SELECT id FROM " + topic + " PK id STOREAS IMAP;"
                        + "INSERT INTO all_" + name + " SELECT id FROM " + topic + " STOREAS LIST"));
        config.putAll(more);
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector("sink-" + name, config));
        ConnectRest.awaitRunning(kafka.restUrl(), "sink-" + name, 2);
    }

    /** What the counts came to: every id there once, or else how many are missing and how many came twice. */
    private static void assertNothingLost(String scenario, MemberProcesses members, String name, int sent) {
        int[] counts = new int[2]; // distinct ids, deliveries
        // the client may meet a member that was just killed: what it reads is retried until the cluster answers
        await(scenario).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> {
                    IMap<Object, Object> ids = members.client().getMap("ids_" + name);
                    assertThat(ids.size()).as(scenario + ": distinct ids in Hazelcast").isEqualTo(sent);
                    for (int id = 0; id < sent; id += Math.max(1, sent / 50)) {
                        assertThat(ids.containsKey((long) id)).as(scenario + ": id " + id).isTrue();
                    }
                    // the list is a second statement on the same records, with its own pipe: it may still be
                    // catching up when the map is complete; what counts is that it gets there
                    IList<Object> all = members.client().getList("all_" + name);
                    counts[0] = ids.size();
                    counts[1] = all.size();
                    assertThat(counts[1]).as(scenario + ": the list holds a delivery of every id sent")
                            .isGreaterThanOrEqualTo(sent);
                });
        int duplicates = counts[1] - counts[0];
        System.out.printf("RELIABILITY | %s | sent %d | lost %d | duplicates %d%n", scenario, sent, sent - counts[0],
                duplicates);
        assertThat(counts[1]).as(scenario + ": the list holds a delivery of every id sent").isGreaterThanOrEqualTo(sent);
    }

    private static void produce(String topic, int from, int to) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, String.valueOf(i), "{\"id\":" + i + "}"));
            }
            producer.flush();
        }
    }

    /** The killed worker's tasks had messages in flight, unacknowledged: the broker delivers them again. */
    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(strings = {"3.1.1", "5"})
    void aWorkerKilledWhileMqttAndTheSinkStreamLosesNothing(String mqttVersion) throws Exception {
        String name = "worker" + mqttVersion.replace(".", "");
        int sent = 20_000;
        try (MemberProcesses members = new MemberProcesses(1, dir.resolve(name))) {
            createTopic("rel_" + name, 2);
            postMqttSource(mosquitto, name, 2, "$share/rel/rel/" + name + "/#", mqttVersion);
            postSink(name, "rel_" + name, members, Map.of());
            java.util.concurrent.CompletableFuture<Void> device = java.util.concurrent.CompletableFuture.runAsync(
                    () -> publishResending(mosquitto, "rel/" + name + "/d", sent, 4_000));
            IMap<Object, Object> ids = members.client().getMap("ids_" + name);
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.size() >= sent / 10);
            assertThat(device).as("the worker dies while the device publishes").isNotDone();
            kafka.worker(1).kill();
            device.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertNothingLost("Connect worker (1 of 2) killed mid-stream; MQTT " + mqttVersion + " QoS 1 shared "
                    + "subscription, tasks.max=2",
                    members, name, sent);
            kafka.restartWorker(1);
            // the scenarios share the Connect cluster: let the rebalance that brings worker 1 back end before the
            // next scenario starts its own connectors
            ConnectRest.awaitRunning(kafka.restUrl(), "mqtt-" + name, 2);
            ConnectRest.awaitRunning(kafka.restUrl(), "sink-" + name, 2);
        } finally {
            deleteConnectors(name);
        }
    }

    @Test
    void theMqttBrokerKilledAndRestartedFromItsPersistenceLosesNothing() throws Exception {
        String name = "broker";
        int sent = 5_000;
        try (MemberProcesses members = new MemberProcesses(1, dir.resolve(name))) {
            createTopic("rel_" + name, 2);
            postMqttSource(persistentMosquitto, name, 1, "rel/" + name + "/#", "3.1.1");
            postSink(name, "rel_" + name, members, Map.of());
            // mosquitto acknowledges a QoS 1 message before it saves it (docs/reliability.md): the backlog is
            // published, and so saved, while the source is paused; the broker dies while the source drains it
            ConnectRest.put(kafka.restUrl(), "mqtt-" + name, "pause");
            publishResending(persistentMosquitto, "rel/" + name + "/d", sent, 1_000_000);
            ConnectRest.put(kafka.restUrl(), "mqtt-" + name, "resume");
            IMap<Object, Object> ids = members.client().getMap("ids_" + name);
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.size() >= sent / 10);
            assertThat(ids.size()).as("the broker dies mid-stream").isLessThan(sent);
            persistentMosquitto.kill();
            persistentMosquitto.restart();
            assertNothingLost("mosquitto killed and restarted from its persistence file while the source drains it",
                    members, name, sent);
        } finally {
            deleteConnectors(name);
        }
    }

    @Test
    void oneOfTwoMembersKilledLosesNothing() throws Exception {
        String name = "member";
        int sent = 50_000;
        try (MemberProcesses members = new MemberProcesses(2, dir.resolve(name))) {
            createTopic("rel_" + name, 2);
            postSink(name, "rel_" + name, members, Map.of());
            java.util.concurrent.CompletableFuture<Void> producing = java.util.concurrent.CompletableFuture.runAsync(
                    () -> produce("rel_" + name, 0, sent));
            IMap<Object, Object> ids = members.client().getMap("ids_" + name);
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.size() >= sent / 10);
            assertThat(ids.size()).as("the member dies mid-stream").isLessThan(sent);
            members.member(1).kill();
            producing.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertNothingLost("one of two Hazelcast members (backup count 1) killed mid-stream", members, name, sent);
        } finally {
            deleteConnectors(name);
        }
    }

    @Test
    void theOnlyMemberAwayLongerThanTheConnectTimeoutIsWaitedOut() throws Exception {
        String name = "outage";
        int sent = 5_000;
        try (MemberProcesses members = new MemberProcesses(1, dir.resolve(name))) {
            createTopic("rel_" + name, 2);
            postSink(name, "rel_" + name, members, Map.of("connect.hazelcast.cluster.connect.timeout", "2000",
                    "connect.hazelcast.retry.interval", "500", "connect.hazelcast.max.retries", "2"));
            members.member(0).kill();
            long awayUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos(); // 4 x the connect timeout
            produce("rel_" + name, 0, sent);
            await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > awayUntil);
            assertThat(ConnectRest.status(kafka.restUrl(), "sink-" + name).toString()).doesNotContain("FAILED");
            members.member(0).restart(Duration.ofSeconds(60));
            assertNothingLost("the only Hazelcast member killed, away 8 s (connect timeout 2 s), restarted", members,
                    name, sent);
            ConnectRest.awaitRunning(kafka.restUrl(), "sink-" + name, 2);
        } finally {
            deleteConnectors(name);
        }
    }

    @Test
    void aRestartedCoapDeviceWithALongMaxAgeIsObservedAgain() throws Exception {
        String name = "coap";
        int port = ConnectCluster.freeUdpPort();
        Path lib = ConnectCluster.EXAMPLES.getParent().resolve("demo/target/simulators/lib"); // laid out by demo's package
        try (MemberProcesses members = new MemberProcesses(1, dir.resolve(name));
             ServerProcess device = ServerProcess.start("CoAP device", ServerProcess.java(CompatibilityMatrixIT.TEST_JDK,
                     lib, List.of(), CoapSensorSimulator.class.getName(), String.valueOf(port), "3", "100", "3600",
                     "127.0.0.1"), dir.resolve("coap-device.log"), 0, Duration.ZERO)) {
            createTopic("rel_" + name, 1);
            device.awaitLogged("CoAP sensors on", Duration.ofSeconds(60)); // validate asks it, so it must be up
            ConnectRest.post(kafka.restUrl(), ConnectRest.connector("coap-" + name, Map.of(
                    "connector.class", "io.streamgrid.coap.CoapSourceConnector",
                    "tasks.max", "1",
                    "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "connect.coap.uri", "coap://127.0.0.1:" + port,
                    "connect.coap.observe.silence.timeout", "2000",
                    "connect.coap.kcql", "INSERT INTO rel_" + name + " SELECT payload.sensorId AS sensor, "
                            + "payload.message AS message FROM sensors")));
            ConnectRest.awaitRunning(kafka.restUrl(), "coap-" + name, 1);
            ConnectRest.post(kafka.restUrl(), ConnectRest.connector("sink-" + name, Map.of(
                    "connector.class", "io.streamgrid.hazelcast.HazelcastSinkConnector",
                    "tasks.max", "1",
                    "topics", "rel_" + name,
                    "connect.hazelcast.cluster.members", members.addresses(),
                    "connect.hazelcast.cluster.name", members.clusterName(),
                    "connect.hazelcast.kcql", "INSERT INTO readings_" + name + " SELECT * FROM rel_" + name
                            + " STOREAS LIST")));
            ConnectRest.awaitRunning(kafka.restUrl(), "sink-" + name, 1);
            IList<Object> readings = members.client().getList("readings_" + name);
            await().atMost(Duration.ofSeconds(60)).until(() -> readings.size() >= 10);
            device.kill();
            device.restart(Duration.ZERO); // forgets its observers, as a rebooted device does
            await("readings of the restarted device").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> restartedReadingsArrived(readings));
            System.out.printf("RELIABILITY | CoAP device (Max-Age 3600 s) killed and restarted | re-observed by the "
                    + "silence watchdog (2 s) | %d readings in all%n", readings.size());
        } finally {
            deleteConnectors(name);
        }
    }

    /** The restarted device counts its messages from 1 again: low numbers after high ones mean it is observed. */
    private static boolean restartedReadingsArrived(IList<Object> readings) {
        List<Integer> numbers = readings.stream().map(Object::toString)
                .map(r -> r.replaceAll(".*Sensor message (\\d+).*", "$1")).filter(n -> n.matches("\\d+"))
                .map(Integer::parseInt).toList();
        int highest = 0;
        for (int n : numbers) {
            if (n < highest - 5) {
                return true;
            }
            highest = Math.max(highest, n);
        }
        return false;
    }

    /**
     * The scenarios share the Connect cluster: a scenario's connectors would otherwise run on through the next
     * ones, moved at every rebalance and competing for the machine.
     */
    private static void deleteConnectors(String name) {
        for (String prefix : List.of("mqtt-", "coap-", "sink-")) {
            ConnectRest.delete(kafka.restUrl(), prefix + name);
        }
    }

    /** Publishes ids 0..count-1 at QoS 1, paced; what the broker did not acknowledge is sent again after reconnecting. */
    private static void publishResending(Mosquitto broker, String topic, int count, int perSecond) {
        MqttClient publisher = null;
        long start = System.nanoTime();
        for (int i = 0; i < count; ) {
            try {
                if (publisher == null || !publisher.isConnected()) {
                    publisher = new MqttClient(broker.url(), "device-" + System.nanoTime(), new MemoryPersistence());
                    MqttConnectOptions options = new MqttConnectOptions();
                    options.setCleanSession(true);
                    publisher.connect(options);
                }
                publisher.publish(topic, ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1, false);
                i++;
                long ahead = start + i * 1_000_000_000L / perSecond - System.nanoTime();
                if (ahead > 0) {
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(ahead); // the device's own pace
                }
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                publisher = null; // the broker is gone: connect again and send id i again
                try {
                    Thread.sleep(100); // a device's reconnect back-off
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            publisher.disconnect();
            publisher.close();
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            // done anyway
        }
    }
}
