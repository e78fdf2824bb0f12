package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.collection.IList;
import com.hazelcast.map.IMap;
import io.streamgrid.simulators.CoapFleetSimulator;
import io.streamgrid.simulators.CoapSensorSimulator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
 * sink's connect timeout, the CoAP device; and a fleet's load while workers and members come and go (the churn
 * scenario, which runs last: it leaves fewer workers). Nothing may be lost; duplicates (at least once) are measured
 * and printed. A Kafka 4.3 broker and two Connect workers as processes, only our plugins on plugin.path.
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

    /** How many records the topic's {@code partitions} hold (their end offsets). */
    private static long inKafka(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(ends).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** An MQTT source (QoS 1, persistent sessions) from {@code filter} into topic rel_<name>, payloads as they are. */
    private static void postMqttSource(Mosquitto broker, String name, int tasks, String filter, String mqttVersion) {
        postMqttSource(broker, name, tasks, filter, mqttVersion, Map.of());
    }

    private static void postMqttSource(Mosquitto broker, String name, int tasks, String filter, String mqttVersion,
                                       Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "connect.mqtt.version", mqttVersion,
                "connector.class", "io.streamgrid.mqtt.MqttSourceConnector",
                "tasks.max", String.valueOf(tasks),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "connect.mqtt.hosts", broker.url(),
                "connect.mqtt.client.id", "rel-" + name,
                "connect.mqtt.service.quality", "1",
                "connect.mqtt.kcql", "INSERT INTO rel_" + name + " SELECT * FROM " + filter + " WITHCONVERTER=`string`"));
        config.putAll(more);
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector("mqtt-" + name, config));
        ConnectRest.awaitRunning(kafka.restUrl(), "mqtt-" + name, tasks);
    }

    /** A sink (two tasks) writing each record's id into a map (what arrived) and a list (how often it arrived). */
    private static void postSink(String name, String topic, MemberProcesses members, Map<String, String> more) {
        postSink(name, topic, members, 2, more);
    }

    private static void postSink(String name, String topic, MemberProcesses members, int tasks,
                                 Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", "io.streamgrid.hazelcast.HazelcastSinkConnector",
                "tasks.max", String.valueOf(tasks),
                "topics", topic,
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "connect.hazelcast.cluster.members", members.addresses(),
                "connect.hazelcast.cluster.name", members.clusterName(),
                "connect.hazelcast.kcql", "INSERT INTO ids_" + name + " SELECT id FROM " + topic + " PK id STOREAS IMAP;"
                        + "INSERT INTO all_" + name + " SELECT id FROM " + topic + " STOREAS LIST"));
        config.putAll(more);
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector("sink-" + name, config));
        ConnectRest.awaitRunning(kafka.restUrl(), "sink-" + name, tasks);
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
            // as docs/reliability.md recommends for sinks: the killed worker's sink consumer gives its partitions up
            // after 10 s instead of the consumer's default 45 s
            postSink(name, "rel_" + name, members, Map.of("consumer.override.session.timeout.ms", "10000",
                    "consumer.override.heartbeat.interval.ms", "3000"));
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

    /**
     * A fleet's load while Connect workers and Hazelcast members come and go: 1,000 MQTT devices (one process, QoS 1)
     * into an MQTT source with tasks.max=3 on a shared subscription and a sink with tasks.max=3, two members (backup
     * count 1), and a CoAP fleet (the fleet simulator, each device its own UDP port) POSTing to a server-mode CoAP
     * source whose three tasks share one port (its readings checked in Kafka, where the 2.04 waits). One after the other: a worker joins (2 to 3 workers), one is killed (kill -9), one leaves (SIGTERM),
     * a member is killed and another joins; {@link Churn#FULL} also brings the killed worker back before one leaves.
     * For each: when delivery into Hazelcast fell below 90 % of the devices' rate and when it was back, the
     * duplicates, and the longest a device went without a new reading; at the end nothing is lost.
     * {@link Churn#QUICK} runs in CI; {@link Churn#FULL} ({@code -Dstreamgrid.churn=full}, {@code benchmarks/run
     * churn}) at twice the rate, with longer steady stretches between the events.
     */
    @Test
    void workersAndMembersComingAndGoingUnderAFleetsLoadLoseNothing() throws Exception {
        Churn churn = Churn.valueOf(System.getProperty("streamgrid.churn", "quick").toUpperCase(Locale.ROOT));
        String name = "churn";
        try (MemberProcesses members = new MemberProcesses(2, dir.resolve(name))) {
            createTopic("rel_" + name, 6);
            postMqttSource(mosquitto, name, 3, "$share/churn/rel/churn/#", "5");
            // a dead worker's sink consumer holds its partitions until its session times out: 10 s, not the
            // consumer's default 45 s (docs/reliability.md)
            postSink(name, "rel_" + name, members, 3, Map.of("consumer.override.session.timeout.ms", "10000",
                    "consumer.override.heartbeat.interval.ms", "3000"));
            // the CoAP fleet: devices POSTing to a server-mode source whose three tasks share one port
            String coapTopic = "rel_" + name + "_coap";
            createTopic(coapTopic, 1);
            int coapPort = ConnectCluster.freeUdpPort();
            ConnectRest.post(kafka.restUrl(), ConnectRest.connector("coap-" + name,
                    CoapServerModeIT.serverModeSource(coapTopic, coapPort, 3)));
            ConnectRest.awaitRunning(kafka.restUrl(), "coap-" + name, 3);
            IMap<Object, Object> ids = members.client().getMap("ids_" + name);
            IList<Object> all = members.client().getList("all_" + name);
            DeliveryTimeline timeline = new DeliveryTimeline(churn.devices);
            ids.addEntryListener(timeline, false);
            List<Measured> measured = new ArrayList<>();
            long sent;
            try (DeviceFleet fleet = new DeviceFleet(mosquitto.url(), "rel/" + name, churn.devices, 10, churn.period);
                 CoapFleetSimulator coapFleet = new CoapFleetSimulator("127.0.0.1",
                         new InetSocketAddress("127.0.0.1", coapPort), "telemetry", churn.coapDevices, 10_000)) {
                coapFleet.start(churn.coapPeriod.toMillis());
                double rate = fleet.rate();
                await("the fleet's readings arrive at its rate").atMost(Duration.ofSeconds(90))
                        .until(() -> delivering(timeline, rate));
                Scenarios scenarios = new Scenarios(churn, timeline, rate, all, measured);
                int joined = kafka.workers();
                scenarios.run("a worker starts and joins (2 to 3 workers)", () -> kafka.addWorker(),
                        () -> tasksOn(name, kafka.restUrl(joined)));
                scenarios.run("a worker is killed (kill -9; 3 to 2 workers)", () -> kafka.worker(1).kill(),
                        () -> noTasksOn(name, kafka.restUrl(1)));
                if (churn == Churn.FULL) {
                    scenarios.run("the killed worker comes back (2 to 3 workers)", () -> kafka.restartWorker(1),
                            () -> tasksOn(name, kafka.restUrl(1)));
                }
                scenarios.run("a worker leaves (SIGTERM; " + (churn == Churn.FULL ? "3 to 2" : "2 to 1") + " workers)",
                        () -> kafka.stopWorker(joined), () -> noTasksOn(name, kafka.restUrl(joined)));
                scenarios.run("a member is killed (kill -9) and another joins", () -> {
                    members.member(1).kill();
                    members.addMember();
                }, () -> members.client().getCluster().getMembers().size() == 2);
                assertThat(fleet.failure()).as("the fleet's own errors").isNull();
                fleet.close();
                sent = fleet.sent();
                coapFleet.pause();
                await("every CoAP reading answered, those the events left unanswered sent again")
                        .atMost(Duration.ofSeconds(90)).until(() -> coapFleet.waiting() == 0);
                assertCoapFleetLostNothing(churn, coapFleet, coapTopic);
            }
            await("every reading in Hazelcast").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().untilAsserted(() -> assertThat(ids.size()).as("distinct readings in Hazelcast")
                            .isEqualTo((int) sent));
            List<Integer> duplicates = duplicatePositions(all);
            List<String> rows = new ArrayList<>();
            for (Measured scenario : measured) {
                rows.add(scenario.row(duplicates.stream().filter(scenario::holds).count()));
            }
            System.out.printf("RELIABILITY | churn (%s): %d devices, %.0f readings/s | sent %d | lost %d | "
                    + "duplicates %d%n", churn, churn.devices, churn.devices * 1e9 / churn.period.toNanos(), sent,
                    sent - ids.size(), duplicates.size());
            rows.forEach(row -> System.out.println("RELIABILITY | churn | " + row));
            Files.write(dir.resolve("churn-" + churn.name().toLowerCase(Locale.ROOT) + ".md"), rows);
            assertThat(ids.size()).as("lost").isEqualTo((int) sent);
        } finally {
            deleteConnectors(name);
        }
    }

    /**
     * Every reading a CoAP device had a 2.04 for is in Kafka (the 2.04 waits for Kafka), and every request ended:
     * answered 2.04, or 5.03 or unanswered and then sent again.
     */
    private static void assertCoapFleetLostNothing(Churn churn, CoapFleetSimulator coapFleet, String topic)
            throws Exception {
        Map<String, Set<Long>> inKafka = CoapServerModeIT.readings(kafka.bootstrapServers(), topic);
        List<String> missing = CoapServerModeIT.missing(coapFleet, inKafka);
        System.out.printf(Locale.ROOT, "RELIABILITY | churn (%s), CoAP server mode: %d devices, %.0f readings/s | "
                        + "answered 2.04 %d | in Kafka %d | missing %d | retransmissions %d | sent again as new %d | "
                        + "5.03s %d | p99 %.0f ms%n", churn, churn.coapDevices,
                churn.coapDevices * 1e9 / churn.coapPeriod.toNanos(), coapFleet.acknowledged(),
                inKafka.values().stream().mapToInt(Set::size).sum(), missing.size(), coapFleet.retransmissions(),
                coapFleet.unanswered(), coapFleet.refused(), coapFleet.latencyMs(99));
        assertThat(missing).as("CoAP readings a device had a 2.04 for, missing in Kafka").isEmpty();
        assertThat(coapFleet.failed()).as("CoAP answers other than 2.04 and 5.03").isZero();
        assertThat(coapFleet.acknowledged() + coapFleet.refused() + coapFleet.unanswered())
                .as("every CoAP request ended").isEqualTo(coapFleet.sent());
    }

    /** How hard and how long the churn scenario runs. */
    enum Churn {
        /**
         * MQTT 500 readings/s, CoAP 100 readings/s; each event's figures once delivery has been back for 1 s.
         */
        QUICK(1000, Duration.ofSeconds(2), 200, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)),
        /**
         * MQTT 1,000 readings/s, CoAP 500 readings/s; 20 s of steady delivery before each event, figures once
         * delivery has been back 15 s.
         */
        FULL(1000, Duration.ofSeconds(1), 1000, Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofSeconds(15));

        final int devices;
        /** A device's time between two readings. */
        final Duration period;
        /** The CoAP fleet's devices (each its own UDP port), and their time between two readings. */
        final int coapDevices;
        final Duration coapPeriod;
        final Duration steadyBefore;
        final Duration settleAfter;

        Churn(int devices, Duration period, int coapDevices, Duration coapPeriod, Duration steadyBefore,
              Duration settleAfter) {
            this.devices = devices;
            this.period = period;
            this.coapDevices = coapDevices;
            this.coapPeriod = coapPeriod;
            this.steadyBefore = steadyBefore;
            this.settleAfter = settleAfter;
        }
    }

    /** What a scenario does to the cluster. */
    private interface Action {
        void run() throws Exception;
    }

    /**
     * One scenario as measured: times in nanoseconds on the timeline (the event, the first second below 90 % or -1,
     * when it was back for good, the end of its window), the positions in the list of deliveries it spans, and each
     * device's longest gap, sorted.
     */
    private record Measured(String scenario, long event, long slower, long recovered, long end, int firstDelivery,
                            int lastDelivery, long[] gaps) {

        boolean holds(int deliveryPosition) {
            return deliveryPosition >= firstDelivery && deliveryPosition < lastDelivery;
        }

        String row(long duplicates) {
            return String.format(Locale.ROOT, "| %s | %s | %.0f s | %,d | %.1f s | %.1f s |", scenario,
                    slower < 0 ? "no" : String.format(Locale.ROOT, "%.0f s", (slower - event) / 1e9),
                    (recovered - event) / 1e9, duplicates, gaps[gaps.length - 1] / 1e9, gaps[gaps.length / 2] / 1e9);
        }
    }

    /** The events one after the other, each measured on the timeline. */
    private record Scenarios(Churn churn, DeliveryTimeline timeline, double rate, IList<Object> all,
                             List<Measured> measured) {

        /**
         * Waits for steady delivery, does {@code action}, waits until {@code done} (the cluster has settled: tasks
         * moved, a member joined) and delivery has been back at 90 % of the rate for the settle time, then measures.
         */
        void run(String scenario, Action action, Callable<Boolean> done) throws Exception {
            long steadyFrom = timeline.now();
            await(scenario + ": steady before").atMost(churn.steadyBefore.plusSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> timeline.now() - steadyFrom
                            >= churn.steadyBefore.toNanos() && delivering(timeline, rate));
            int firstDelivery = listSize();
            long event = timeline.now();
            action.run();
            await(scenario + ": the cluster settles").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(done);
            long[] back = new long[1];
            await(scenario + ": delivery back at 90 %").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        if (!delivering(timeline, rate)) {
                            back[0] = 0;
                        } else if (back[0] == 0) {
                            back[0] = timeline.now();
                        }
                        return back[0] > 0 && timeline.now() - back[0] >= churn.settleAfter.toNanos();
                    });
            long end = timeline.now();
            long[] gaps = timeline.longestGaps(event, end);
            Arrays.sort(gaps);
            measured.add(new Measured(scenario, event, timeline.firstSlower(event, end, rate, 0.9),
                    timeline.recoveredAt(event, end, rate, 0.9), end, firstDelivery, listSize(), gaps));
            System.out.println("RELIABILITY | churn | " + scenario + " | readings delivered per second from the event: "
                    + timeline.perSecond(event, end));
        }

        /** How many deliveries the list holds now (read again when a member just died). */
        private int listSize() {
            int[] size = new int[1];
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> size[0] = all.size());
            return size[0];
        }
    }

    /**
     * Where in the list of deliveries (in the order they were written) a reading came again: the list is the sink's
     * second statement on the same records, so a position falls in the scenario during which it was written.
     */
    private static List<Integer> duplicatePositions(IList<Object> all) {
        List<Object> deliveries = new ArrayList<>(all);
        Set<Object> seen = new HashSet<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < deliveries.size(); i++) {
            if (!seen.add(deliveries.get(i))) {
                positions.add(i);
            }
        }
        return positions;
    }

    /** Whether the last two seconds delivered at least 90 % of {@code rate}. */
    private static boolean delivering(DeliveryTimeline timeline, double rate) {
        long now = timeline.now();
        return timeline.rate(now - Duration.ofSeconds(2).toNanos(), now) >= 0.9 * rate;
    }

    /** Whether the churn connectors run all their tasks and some of them on the worker at {@code restUrl}. */
    private static boolean tasksOn(String name, String restUrl) {
        return allRunning(name) && workersOf(name).contains(workerId(restUrl));
    }

    /** Whether the churn connectors run all their tasks, none of them on the worker at {@code restUrl}. */
    private static boolean noTasksOn(String name, String restUrl) {
        return allRunning(name) && !workersOf(name).contains(workerId(restUrl));
    }

    private static boolean allRunning(String name) {
        for (String connector : List.of("mqtt-" + name, "sink-" + name)) {
            JsonNode tasks = ConnectRest.status(kafka.restUrl(), connector).path("tasks");
            if (tasks.size() != 3) {
                return false;
            }
            for (JsonNode task : tasks) {
                if (!"RUNNING".equals(task.path("state").asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Set<String> workersOf(String name) {
        Set<String> workers = new HashSet<>();
        for (String connector : List.of("mqtt-" + name, "sink-" + name)) {
            ConnectRest.status(kafka.restUrl(), connector).path("tasks")
                    .forEach(task -> workers.add(task.path("worker_id").asText()));
        }
        return workers;
    }

    /** A worker's id in the status resources: the host and port of its REST listener. */
    private static String workerId(String restUrl) {
        return URI.create(restUrl).getAuthority();
    }

    @Test
    void theMqttBrokerKilledAndRestartedFromItsPersistenceLosesNothing() throws Exception {
        String name = "broker";
        int sent = 2_000; // the broker saves its whole store after every change: the time grows with the square
        try (MemberProcesses members = new MemberProcesses(1, dir.resolve(name))) {
            createTopic("rel_" + name, 2);
            postMqttSource(persistentMosquitto, name, 1, "rel/" + name + "/#", "3.1.1");
            postSink(name, "rel_" + name, members, Map.of());
            // mosquitto acknowledges a QoS 1 message before it saves it (docs/reliability.md): the backlog is
            // published, and so saved, while the source is paused; the broker dies while the source drains it
            ConnectRest.put(kafka.restUrl(), "mqtt-" + name, "pause");
            publishResending(persistentMosquitto, "rel/" + name + "/d", sent, 1_000_000);
            // the source drains the backlog in a second or so: the broker is killed as soon as the first of it is
            // in Kafka (watching the map, filled by the sink in large batches, once saw all 2,000 at the first look)
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                ConnectRest.put(kafka.restUrl(), "mqtt-" + name, "resume");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                        .until(() -> inKafka(admin, "rel_" + name, 2) > 0);
                long drained = inKafka(admin, "rel_" + name, 2);
                persistentMosquitto.kill();
                assertThat(drained).as("the broker dies mid-stream").isLessThan(sent);
            }
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

    /**
     * The command loop (docs/command-and-control.md) while a Connect worker of two is killed (kill -9) and started
     * again: 5,000 commands from Hazelcast through the Hazelcast source, the MQTT sink, MQTT 5 devices and the MQTT
     * source back into a status map. Every command reaches a device, every answer the map; the commands a device got
     * twice and the answers written twice are printed.
     */
    @Test
    void aWorkerKilledWhileCommandsGoToDevicesLosesNoCommandAndNoAnswer() throws Exception {
        commandsThroughAFault("loopworker", mosquitto, 5_000, "Connect worker (1 of 2) killed and restarted", () -> {
            kafka.worker(1).kill();
            kafka.restartWorker(1);
        });
    }

    /**
     * The command loop while mosquitto (saving every change) is stopped and restarted mid-stream: 2,000 commands, as
     * the broker saves its whole store after every change. SIGTERM, not kill -9: mosquitto acknowledges a QoS 1
     * message before it saves it, so a kill -9 can lose a command or an answer the broker had acknowledged (a run
     * lost 1 of 2,000 so), which no connector can prevent (docs/reliability.md); the source's broker scenario kills
     * it once its backlog is saved.
     */
    @Test
    void theMqttBrokerRestartedWhileCommandsGoToDevicesLosesNoCommandAndNoAnswer() throws Exception {
        commandsThroughAFault("loopbroker", persistentMosquitto, 2_000,
                "mosquitto stopped (SIGTERM) and restarted from its persistence", () -> {
                    persistentMosquitto.stop();
                    persistentMosquitto.restart();
                });
    }

    /** {@code sent} commands published at 500/s into the loop, {@code cause} once a tenth of them is answered. */
    private static void commandsThroughAFault(String name, Mosquitto broker, int sent, String fault, Runnable cause)
            throws Exception {
        try (MemberProcesses members = new MemberProcesses(1, dir.resolve(name));
             CommandLoopRun loop = new CommandLoopRun(kafka, broker, members, name)) {
            java.util.concurrent.CompletableFuture<Void> operator = loop.publish(sent, 500);
            await().atMost(Duration.ofSeconds(60)).until(() -> loop.answered() >= sent / 10);
            assertThat(loop.answered()).as("the fault comes while commands are on their way").isLessThan(sent / 2);
            cause.run();
            operator.get(60, java.util.concurrent.TimeUnit.SECONDS);
            loop.assertEveryCommandAnswered(String.format(Locale.ROOT, "command loop: %s while %,d commands go "
                    + "Hazelcast -> MQTT 5 devices -> Hazelcast", fault, sent), sent);
            loop.awaitRunning(); // the next scenario starts once a rebalance that brought a worker back is over
        }
    }
}
