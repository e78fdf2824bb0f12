package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import io.streamgrid.simulators.CoapSensorSimulator;
import io.streamgrid.simulators.MqttDeviceSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every connector on plain Connect workers of the Kafka releases users run (3.7, 3.9, 4.0 and the newest), each
 * broker and worker a separate process from that release's own jars with only our packaged plugins on
 * plugin.path: the config examples are POSTed to the REST API, data goes from a real mosquitto and a real CoAP
 * server through Kafka into a real Hazelcast member (5.7 or an older 5.3), commands from Kafka through the MQTT sink
 * to a device subscribed on mosquitto and through the CoAP sink to CoAP actuators (their outcomes back to Kafka by
 * its reporter), commands from a Hazelcast reliable topic through the Hazelcast source and the MQTT sink to their
 * device and a map's changes from its event journal into Kafka (the journal read from 5.3 and 5.7 members alike),
 * and the metrics are read over the worker's JMX and, through the Prometheus JMX
 * exporter agent with our rules, from its /metrics. The newest release runs on a Temurin 25 JDK where the machine
 * has one.
 */
class CompatibilityMatrixIT {

    static final Path JDK_25 = Path.of(System.getProperty("streamgrid.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    static final Path TEST_JDK = Path.of(System.getProperty("java.home"));
    static final List<String> CONNECTORS = List.of("mqtt-source", "coap-source", "hazelcast-sink-mqtt",
            "hazelcast-sink-coap", "mqtt-sink", "coap-sink", "hazelcast-source");

    private static Mosquitto mosquitto;

    static Stream<Arguments> matrix() {
        return Stream.of(
                Arguments.of("3.7", "test JDK", "5.3"),
                Arguments.of("3.9", "test JDK", "5.7"),
                Arguments.of("4.0", "test JDK", "5.3"),
                Arguments.of("4.3", "Temurin 25", "5.7"));
    }

    @BeforeAll
    static void startMosquitto() {
        mosquitto = Mosquitto.start();
    }

    @AfterAll
    static void stopMosquitto() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @ParameterizedTest(name = "Kafka Connect {0} on {1}, Hazelcast member {2}")
    @MethodSource("matrix")
    void everyConnectorRunsAndDelivers(String kafka, String jdk, String hazelcast) throws Exception {
        Path javaHome = TEST_JDK;
        if (jdk.equals("Temurin 25")) {
            assumeTrue(Files.isExecutable(JDK_25.resolve("bin/java")), "Skipped: no Temurin 25 JDK at " + JDK_25
                    + " (set -Dstreamgrid.jdk25=<JAVA_HOME> to use another)");
            javaHome = JDK_25;
        }
        Path dir = Files.createDirectories(Path.of("target", "compat", kafka + "-" + System.nanoTime()))
                .toAbsolutePath();
        int coapPort = ConnectCluster.freeUdpPort();
        try (HazelcastMember member = HazelcastMember.start(hazelcast, dir);
             KafkaRelease release = new KafkaRelease(kafka, javaHome, dir, 1, Map.of(),
                     JmxExporterAgent.withOurRules());
             CoapSensorSimulator sensors = new CoapSensorSimulator("127.0.0.1", coapPort, 3);
             MqttDeviceSimulator devices = new MqttDeviceSimulator(mosquitto.url(), 3);
             CoapActuators actuators = new CoapActuators()) {
            createTopics(release, "telemetry", "coap_sensor_topic", "coap_readings", "commands", "coap_commands",
                    "coap_command_results", "coap_command_errors", "device_state_changes",
                    "hazelcast-source-dead-letters");
            Map<String, Map<String, String>> changes = Map.of(
                    "mqtt-source", Map.of("connect.mqtt.hosts", mosquitto.url(),
                            "connect.mqtt.client.id", "compat-" + kafka + "-" + System.nanoTime()),
                    "coap-source", Map.of("connect.coap.uri", "coap://127.0.0.1:" + coapPort),
                    "hazelcast-sink-mqtt", Map.of("connect.hazelcast.cluster.members", member.address()),
                    "hazelcast-sink-coap", Map.of("connect.hazelcast.cluster.members", member.address()),
                    "mqtt-sink", Map.of("connect.mqtt.hosts", mosquitto.url(),
                            "connect.mqtt.client.id", "compat-sink-" + kafka + "-" + System.nanoTime()),
                    "coap-sink", Map.of("connect.coap.kcql", ConnectCluster.example("coap-sink", Map.of()).path("config")
                                    .path("connect.coap.kcql").asText().replace("localhost:5683", actuators.address()),
                            "connect.coap.sink.reporter.bootstrap.servers", release.bootstrapServers()),
                    "hazelcast-source", Map.of("connect.hazelcast.cluster.members", member.address()));
            for (String connector : CONNECTORS) {
                ConnectRest.post(release.restUrl(), ConnectCluster.example(connector, changes.get(connector)));
            }
            for (String connector : CONNECTORS) {
                ConnectRest.awaitRunning(release.restUrl(), connector, 1);
            }

            sensors.start(100);
            for (int i = 0; i < 30; i++) {
                devices.publish();
            }
            HazelcastInstance client = member.client();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(client.getRingbuffer("readings").size()).as("MQTT readings in the ringbuffer").isEqualTo(30);
                assertThat(client.getMap("device_state").size()).as("devices in the state map").isEqualTo(3);
                assertThat(client.getQueue("dev").size()).as("CoAP responses in the queue").isGreaterThanOrEqualTo(3);
                assertThat(client.getRingbuffer("sensor_ringbuffer").size()).as("CoAP readings").isGreaterThanOrEqualTo(3);
            });
            assertThat(client.getMap("device_state").get("device-1")).isInstanceOf(HazelcastJsonValue.class);
            commandsReachTheirDevices(release, mosquitto.url(), 3);
            coapCommandsReachDevicesAndOutcomesReachKafka(release, actuators, 3);
            hazelcastCommandsReachTheirDevices(client, mosquitto.url());
            deviceStateChangesReachKafka(release, 3);

            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(release.jmxUrl()))) {
                MBeanServerConnection server = jmx.getMBeanServerConnection();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    for (String connector : CONNECTORS) {
                        ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0");
                        assertThat((Double) server.getAttribute(name, "records-in-total")).as(connector + " records in")
                                .isPositive();
                        assertThat((Double) server.getAttribute(name, "records-out-total")).as(connector + " records out")
                                .isPositive();
                        assertThat((Double) server.getAttribute(name, "batches-total")).as(connector + " batches")
                                .isPositive();
                    }
                    ObjectName mqtt = new ObjectName("kafka.connect:type=plugins,connector=mqtt-source,task=0");
                    assertThat((Double) server.getAttribute(mqtt, "acknowledged-total")).as("QoS 1 acks")
                            .isEqualTo(30.0);
                });
                // Prometheus gets the same names from this release: its plugin metrics (4.1+) or our own MBeans
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(MonitoringIT.exportedAsInJmx(
                        server, Exposition.scrape(release.metricsUrl(0)))).as("StreamGrid metrics the JMX exporter "
                        + "with deploy/monitoring's rules does not export").isEmpty());
            }
            String workerLog = release.worker().log();
            assertThat(workerLog).doesNotContain("NoSuchMethodError").doesNotContain("NoClassDefFoundError");
            boolean pluginMetrics = !kafka.startsWith("3.") && !kafka.equals("4.0");
            assertThat(workerLog.contains("has no plugin metrics (KIP-877")).as("the fallback is logged on workers "
                    + "before 4.1, and only there").isEqualTo(!pluginMetrics);
        }
    }

    /**
     * Writes {@code count} commands to the Kafka topic {@code commands}, which the MQTT sink's config example reads,
     * and waits for each on its device's MQTT topic, as a device subscribed there sees it.
     */
    private static void commandsReachTheirDevices(KafkaRelease release, String broker, int count) throws Exception {
        List<String> arrived = new CopyOnWriteArrayList<>();
        MqttClient device = new MqttClient(broker, "compat-commands-" + System.nanoTime(), new MemoryPersistence());
        device.connect();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, release.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            device.subscribe("devices/+/cmd", 1, (topic, message) -> arrived.add(topic));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("commands", "dev-" + i, "{\"command_id\": \"c-" + i
                        + "\", \"device_id\": \"dev-" + i + "\", \"action\": \"interval\", \"value\": 5}")).get();
                expected.add("devices/dev-" + i + "/cmd");
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(arrived)
                    .as("commands the MQTT sink published").containsExactlyInAnyOrderElementsOf(expected));
        } finally {
            device.disconnect();
            device.close();
        }
    }

    /**
     * Writes {@code count} commands to {@code coap_commands}, which the CoAP sink's config example reads, waits for
     * each at its device as a PUT of the selected fields, and for each outcome in the reporter's result topic.
     */
    private static void coapCommandsReachDevicesAndOutcomesReachKafka(KafkaRelease release, CoapActuators actuators,
                                                                      int count) throws Exception {
        List<String> expected = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, release.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("coap_commands", "pump-" + i, "{\"command_id\": \"c-" + i
                        + "\", \"device_id\": \"pump-" + i + "\", \"action\": \"interval\", \"value\": 5}")).get();
                expected.add("pump-" + i);
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(actuators.received())
                .as("commands the CoAP sink sent").extracting(CoapActuators.Command::device)
                .containsExactlyInAnyOrderElementsOf(expected));
        assertThat(actuators.received()).allSatisfy(command -> {
            assertThat(command.action()).isEqualTo("interval");
            assertThat(command.method()).isEqualTo(CoAP.Code.PUT);
            assertThat(ConnectCluster.JSON.readTree(command.payload()).get("command_id").asText()).startsWith("c-");
        });
        List<String> outcomes = new ArrayList<>();
        try (KafkaConsumer<String, String> reports = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, release.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            reports.assign(List.of(new TopicPartition("coap_command_results", 0)));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> report : reports.poll(Duration.ofMillis(200))) {
                    JsonNode outcome = ConnectCluster.JSON.readTree(report.value());
                    outcomes.add(report.key() + " " + outcome.path("outcome").asText() + " "
                            + outcome.path("response_json").path("applied").asText());
                }
                assertThat(outcomes).as("the reporter's outcomes").containsExactlyInAnyOrderElementsOf(
                        expected.stream().map(device -> device + " DELIVERED true").toList());
            });
        }
    }

    /**
     * The way back: a command published to the reliable topic {@code commands} goes through the Hazelcast source
     * (its config example) into the Kafka topic {@code commands}, and through the MQTT sink to its device.
     */
    private static void hazelcastCommandsReachTheirDevices(HazelcastInstance client, String broker) throws Exception {
        List<String> arrived = new CopyOnWriteArrayList<>();
        MqttClient device = new MqttClient(broker, "compat-hazelcast-" + System.nanoTime(), new MemoryPersistence());
        device.connect();
        try {
            device.subscribe("devices/hz-1/cmd", 1, (topic, message) -> arrived.add(new String(message.getPayload(),
                    StandardCharsets.UTF_8)));
            client.getReliableTopic("commands").publish("{\"command_id\": \"h-1\", \"device_id\": \"hz-1\", "
                    + "\"action\": \"open\"}");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(arrived)
                    .as("a command from Hazelcast, through Kafka, on its device's topic").singleElement()
                    .asString().contains("\"command_id\":\"h-1\"").contains("\"action\":\"open\""));
        } finally {
            device.disconnect();
            device.close();
        }
    }

    /** The changes of the map device_state (which the Hazelcast sink fills) read from its event journal into Kafka. */
    private static void deviceStateChangesReachKafka(KafkaRelease release, int devices) {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, release.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("device_state_changes", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                assertThat(keys).as("device_state keys changed, from the map's event journal").hasSize(devices);
            });
        }
    }

    private static void createTopics(KafkaRelease release, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, release.bootstrapServers()))) {
            admin.createTopics(Stream.of(topics).map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
    }

    /** A Hazelcast member: 5.7 in this JVM, or an older release as a process from its Maven-resolved jar. */
    interface HazelcastMember extends AutoCloseable {

        String address();

        HazelcastInstance client();

        @Override
        void close();

        static HazelcastMember start(String line, Path dir) {
            if (!line.equals("5.7")) {
                MemberProcesses processes = new MemberProcesses(1, dir,
                        KafkaRelease.COMPAT.resolve("hazelcast-" + line).resolve("target").resolve("lib"), "dev");
                return member(processes.addresses(), processes.client(), processes::close);
            }
            int port = ConnectCluster.freePort();
            com.hazelcast.config.Config config = new com.hazelcast.config.Config();
            config.setClusterName("dev");
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
            // every map keeps an event journal, which a Hazelcast source's MAP_JOURNAL statements read
            config.getMapConfig("default").getEventJournalConfig().setEnabled(true);
            config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
            config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            HazelcastInstance embedded = com.hazelcast.core.Hazelcast.newHazelcastInstance(config);
            ClientConfig clientConfig = new ClientConfig();
            clientConfig.setClusterName("dev");
            clientConfig.getNetworkConfig().addAddress("127.0.0.1:" + port);
            HazelcastInstance client = HazelcastClient.newHazelcastClient(clientConfig);
            return member("127.0.0.1:" + port, client, () -> {
                client.shutdown();
                embedded.getLifecycleService().terminate();
            });
        }

        private static HazelcastMember member(String address, HazelcastInstance client, Runnable close) {
            return new HazelcastMember() {
                @Override
                public String address() {
                    return address;
                }

                @Override
                public HazelcastInstance client() {
                    return client;
                }

                @Override
                public void close() {
                    close.run();
                }
            };
        }
    }
}
