package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.simulators.CoapFleetSimulator;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CoAP source in server mode as users run it: the packaged plugin in a Kafka Connect 4.3 worker process, a fleet
 * of 200 simulated devices (each its own UDP port) POSTing readings to it. The worker is killed with kill -9
 * mid-stream and started again; every reading a device had a 2.04 for is in Kafka, since the 2.04 waits for Kafka,
 * and the readings that had none reach it when the devices send them again. Run alone: {@code mvn -B -q install
 * -DskipTests && mvn -B -pl integration-tests verify -Dit.test=CoapServerModeIT}.
 */
class CoapServerModeIT {

    private static final String TOPIC = "coap_fleet_readings";
    private static final int DEVICES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaRelease kafka;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "coap-server-mode", String.valueOf(System.nanoTime())))
                .toAbsolutePath();
        kafka = new KafkaRelease("4.3", CompatibilityMatrixIT.TEST_JDK, dir);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aWorkerKilledMidStreamLosesNoReadingADeviceHadA204For() throws Exception {
        int port = ConnectCluster.freeUdpPort();
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector("coap-fleet", serverModeSource(TOPIC, port, 1)));
        ConnectRest.awaitRunning(kafka.restUrl(), "coap-fleet", 1);

        try (CoapFleetSimulator fleet = new CoapFleetSimulator("127.0.0.1", new InetSocketAddress("127.0.0.1", port),
                "telemetry", DEVICES, 10_000)) {
            fleet.start(500); // 400 readings/s
            await("2.04s before the kill").atMost(Duration.ofSeconds(60)).until(() -> fleet.acknowledged() >= 2_000);
            kafka.worker(0).kill();
            long beforeKill = fleet.acknowledged();
            kafka.restartWorker(0);
            ConnectRest.awaitRunning(kafka.restUrl(), "coap-fleet", 1);
            await("2.04s after the restart").atMost(Duration.ofSeconds(90))
                    .until(() -> fleet.acknowledged() >= beforeKill + 2_000);
            fleet.pause();
            await("every reading answered, those of the kill sent again").atMost(Duration.ofSeconds(90))
                    .until(() -> fleet.waiting() == 0);

            Map<String, Set<Long>> inKafka = readings(kafka.bootstrapServers(), TOPIC);
            List<String> missing = missing(fleet, inKafka);
            long answered = IntStream.range(0, fleet.size()).mapToLong(i -> fleet.answered(i).size()).sum();
            System.out.printf("COAP SERVER MODE: %d readings answered 2.04 (%d before the kill), %d in Kafka, %d "
                            + "retransmissions, %d sent again as new after no answer, %d 5.03s, p99 %.0f ms%n", answered,
                    beforeKill, inKafka.values().stream().mapToInt(Set::size).sum(), fleet.retransmissions(),
                    fleet.unanswered(), fleet.refused(), fleet.latencyMs(99));
            assertThat(fleet.retransmissions() + fleet.unanswered()).as("the kill left readings without an answer, "
                    + "sent again").isPositive();
            assertThat(missing).as("readings a device had a 2.04 for, missing in Kafka").isEmpty();
            assertThat(fleet.failed()).as("answers other than 2.04 and 5.03").isZero();
            assertThat(fleet.acknowledged() + fleet.refused() + fleet.unanswered()).as("every request ended: "
                    + "answered 2.04, or 5.03 or unanswered and then sent again").isEqualTo(fleet.sent());
        } finally {
            ConnectRest.delete(kafka.restUrl(), "coap-fleet");
        }
    }

    /**
     * A CoAP source in server mode on 127.0.0.1:{@code port} (plain UDP; its tasks share the port), readings from
     * telemetry/&lt;device&gt; into {@code topic} as JSON with the device's id and the payload.
     */
    static Map<String, String> serverModeSource(String topic, int port, int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.streamgrid.coap.CoapSourceConnector");
        config.put("tasks.max", String.valueOf(tasks));
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("producer.override.linger.ms", "0");
        config.put("connect.coap.mode", "server");
        config.put("connect.coap.server.bind.host", "127.0.0.1");
        config.put("connect.coap.server.port", String.valueOf(port));
        config.put("connect.coap.server.allow.insecure", "true");
        config.put("connect.coap.kcql", "INSERT INTO " + topic + " SELECT device_id, payload FROM telemetry/+ "
                + "PROPERTIES('device.id' = '${2}')");
        return config;
    }

    /** The readings a device had a 2.04 for that are not in {@code inKafka}, as device#seq. */
    static List<String> missing(CoapFleetSimulator fleet, Map<String, Set<Long>> inKafka) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
            Set<Long> seen = inKafka.getOrDefault(fleet.deviceId(i), Set.of());
            for (long seq : fleet.answered(i)) {
                if (!seen.contains(seq)) {
                    missing.add(fleet.deviceId(i) + "#" + seq);
                }
            }
        }
        return missing;
    }

    /**
     * The readings in a topic of one partition written by a server-mode source with the JSON converter, by device:
     * the seq numbers inside each record's payload.
     */
    static Map<String, Set<Long>> readings(String bootstrapServers, String topic) throws Exception {
        Map<String, Set<Long>> readings = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode value = JSON.readTree(record.value());
                    JsonNode reading = JSON.readTree(value.get("payload").asText());
                    readings.computeIfAbsent(value.get("device_id").asText(), d -> new HashSet<>())
                            .add(reading.get("seq").asLong());
                }
            }
        }
        return readings;
    }
}
