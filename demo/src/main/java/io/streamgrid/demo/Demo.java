package io.streamgrid.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.simulators.CoapSensorSimulator;
import io.streamgrid.simulators.CommandableMqttDevices;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole flow on one machine, on embedded defaults (README command 1): a Kafka broker and a Connect worker whose
 * plugin.path holds the packaged plugins and Apicurio's AvroConverter, Apicurio Registry, a Hazelcast member, an
 * MQTT broker, CoAP sensors and MQTT devices, every one of them on 127.0.0.1 only. The config examples are POSTed to
 * the worker's REST API with Avro values and the error handling the docs recommend; the terminal and a web dashboard
 * show what arrives in Hazelcast, the connectors' states and what was set aside. Options: {@link DemoOptions#USAGE}.
 */
public final class Demo implements AutoCloseable {

    /**
     * The MQTT sink's statements: device state (README, "Device state"), each device's readings merged into one
     * Compact record that an older reading never overwrites, with the SQL mapping the views query; readings into a
     * ringbuffer; and alerts, the readings over 28 degrees, on a reliable topic. The config example keeps plain
     * JSON values, which any cluster can take. A reading without its version ({@code ts}) is bad data: set aside
     * in the sink's dead-letter topic with the reason the device-state statement gives.
     */
    static final String MQTT_SINK_KCQL = "UPSERT INTO device_state SELECT * FROM telemetry PK device_id "
            + "WITHFORMAT COMPACT STOREAS IMAP (merge = true, version = ts, compactType = 'DeviceState', "
            + "sqlMapping = true);INSERT INTO readings SELECT device_id, temperature, humidity, ts FROM "
            + "telemetry STOREAS RING_BUFFER;INSERT INTO alerts SELECT device_id, temperature, ts FROM telemetry "
            + "WHERE temperature > 28 STOREAS RELIABLE_TOPIC";
    /**
     * The Hazelcast source's statements: the operator's commands, from the reliable topic {@code commands}, to the
     * Kafka topic of the sink that reaches the device: {@code commands} (the MQTT sink) for the MQTT devices,
     * {@code coap_commands} (the CoAP sink) for the CoAP sensors, told apart by their ids as a device registry would.
     */
    static final String HAZELCAST_SOURCE_KCQL = "INSERT INTO commands SELECT * FROM commands WITHTYPE RELIABLE_TOPIC "
            + "WHERE device_id NOT LIKE 'Sensor%' WITHKEY(device_id);INSERT INTO coap_commands SELECT * FROM commands "
            + "WITHTYPE RELIABLE_TOPIC WHERE device_id LIKE 'Sensor%' WITHKEY(device_id)";
    /**
     * The connectors the demo POSTs (config-examples/NAME.json), each with a dead-letter topic NAME-dead-letters:
     * the flow in, then the command loop (docs/command-and-control.md).
     */
    private static final List<String> CONNECTORS = List.of("coap-source", "hazelcast-sink-coap", "mqtt-source",
            "hazelcast-sink-mqtt", "hazelcast-source", "mqtt-sink", "coap-sink", "mqtt-source-command-responses",
            "hazelcast-sink-command-status");
    /** The Kafka topics of the command loop, besides the dead letters. */
    private static final List<String> COMMAND_TOPICS = List.of("commands", "coap_commands", "command_responses",
            "coap_command_results", "coap_command_errors");
    static final List<DeadLetters.Topic> DEAD_LETTER_TOPICS = CONNECTORS.stream()
            .map(connector -> new DeadLetters.Topic(connector, connector + "-dead-letters")).toList();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long VIEW_MILLIS = 2000;
    private static final int RECENT_COMMANDS = 10;

    private final DemoOptions options;
    private final Screen screen;
    private final Stoppables stoppables = new Stoppables();
    /** What the JVM exits with once the demo has stopped: 130 (as after Ctrl-C) unless it ran its time out. */
    private volatile int exitStatus = 130;
    private volatile GridWatch watch;
    private volatile Snapshot latest;
    private ApicurioRegistry registry;
    private LocalConnect connect;
    private DeadLetters deadLetters;
    private CoapSensorSimulator sensors;
    private CommandableMqttDevices devices;
    private CommandConsole console;
    private DashboardServer dashboard;

    private Demo(DemoOptions options, Screen screen) {
        this.options = options;
        this.screen = screen;
    }

    public static void main(String[] args) {
        quietLogs();
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage() + "\n" + DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        Screen screen = Screen.open(options.plain(), System.out);
        // Kafka and its libraries may print to System.out; the demo speaks through its screen
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        Demo demo = new Demo(options, screen);
        Thread stopOnSignal = new Thread(() -> {
            demo.close();
            // everything is stopped (or was given its time): do not wait for a library's own hooks, which may
            // wait without limit for a server the demo has stopped
            Runtime.getRuntime().halt(demo.exitStatus);
        }, "demo-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal); // Ctrl-C
        try {
            demo.start();
            demo.showUntil(options.seconds());
        } catch (Exception e) {
            if (demo.stoppables.stopping()) {
                return; // Ctrl-C while starting or showing: the shutdown hook is stopping everything
            }
            screen.line("The demo could not start: " + e);
            Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            demo.close();
            Runtime.getRuntime().halt(1); // what did start must not keep the JVM alive
        }
        if (!demo.stoppables.stopping()) {
            demo.exitStatus = 0; // ran its --seconds: a success, not a stop by signal
            System.exit(0); // the hook stops everything
        }
    }

    /**
     * Our lines and real warnings only: slf4j-simple at WARN, without the chatter a fresh single-node cluster
     * makes by design. System properties, so that no simplelogger.properties elsewhere on the class path wins.
     */
    private static void quietLogs() {
        Map<String, String> levels = Map.of("org.slf4j.simpleLogger.defaultLogLevel", "warn",
                "org.slf4j.simpleLogger.showThreadName", "false",
                "org.slf4j.simpleLogger.showDateTime", "false",
                "org.slf4j.simpleLogger.showShortLogName", "true",
                // "Performing controller activation. The metadata log appears to be empty": a new KRaft cluster
                "org.slf4j.simpleLogger.log.org.apache.kafka.controller.QuorumController", "error",
                // "Sending the MQTT message ... to the dead-letter topic": the views show every dead letter
                "org.slf4j.simpleLogger.log.io.streamgrid.common.queue.SourcePoller", "error",
                // "No Dead Letter Address configured for queue ...": the MQTT broker's note on each subscription;
                // MQTT has no dead-letter address
                "org.slf4j.simpleLogger.log.org.apache.activemq.artemis.core.server", "error",
                // "Future.complete(Object) on completed future", "No eventHandler for callId", with a stack trace:
                // the Hazelcast client of a connector's validate() racing its own quick shutdown
                "org.slf4j.simpleLogger.log.com.hazelcast.client.impl.spi.ClientInvocationService", "error",
                "org.slf4j.simpleLogger.log.com.hazelcast.client.impl.spi.ClientListenerService", "error",
                // "Connection[...] closed. Reason: Exception ... Broken pipe", with a stack trace: the member writing
                // to such a client as it goes
                "org.slf4j.simpleLogger.log.com.hazelcast.internal.server.tcp.TcpServerConnection", "error");
        levels.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    private void start() throws Exception {
        Path plugins = Path.of(System.getProperty("streamgrid.plugins", "target/plugins")).toAbsolutePath().normalize();
        Path converters = Path.of(System.getProperty("streamgrid.converter.plugins", "target/converter-plugins"))
                .toAbsolutePath().normalize();
        Path examples = Path.of(System.getProperty("streamgrid.config.examples", "config-examples")).toAbsolutePath()
                .normalize();
        String host = Loopback.HOST;

        screen.line("Starting Hazelcast on " + host + ":" + options.hazelcastPort() + " ...");
        HazelcastInstance hazelcast = hazelcast(options.hazelcastPort());
        stoppables.add("Hazelcast", hazelcast::shutdown); // one member: nothing to migrate, so quick
        screen.line("Starting the MQTT broker (MQTT 3.1.1 and 5) on tcp://" + host + ":" + options.mqttPort() + " ...");
        MqttBroker5 mqtt = MqttBroker5.start(options.mqttPort());
        stoppables.add("MQTT broker", mqtt::close);
        screen.line("Starting " + options.coapSensors() + " CoAP sensors on coap://" + host + ":" + options.coapPort()
                + "/sensors ...");
        sensors = new CoapSensorSimulator(host, options.coapPort(), options.coapSensors());
        stoppables.add("CoAP sensors", sensors::close);
        screen.line("Starting Apicurio Registry on http://" + host + ":" + options.registryPort() + " ...");
        registry = new ApicurioRegistry(options.registryPort());
        stoppables.add("Apicurio Registry", registry::close);
        screen.line("Starting Kafka on " + host + " ...");
        LocalKafka kafka = LocalKafka.start();
        stoppables.add("Kafka", kafka::close);
        String pluginPath = plugins + "," + converters;
        screen.line("Starting a Connect worker with plugin.path=" + pluginPath + " ...");
        connect = LocalConnect.start(kafka.bootstrapServers(), Map.of("plugin.path", pluginPath,
                "plugin.discovery", "service_load", "offset.flush.interval.ms", "1000",
                "task.shutdown.graceful.timeout.ms", "2000"));
        stoppables.add("Connect worker", connect::close, 15_000);
        devices = new CommandableMqttDevices("tcp://" + host + ":" + options.mqttPort(), options.mqttDevices());
        stoppables.add("MQTT devices", devices::close);

        // the Hazelcast source's heartbeats (its default topic): this broker creates no topic on first use
        List<String> topics = new ArrayList<>(List.of("coap_sensor_topic", "coap_readings", "telemetry",
                "__hazelcast-source-heartbeats"));
        topics.addAll(COMMAND_TOPICS);
        DEAD_LETTER_TOPICS.forEach(topic -> topics.add(topic.name()));
        kafka.createTopics(topics);
        deadLetters = new DeadLetters(kafka.bootstrapServers(), DEAD_LETTER_TOPICS);
        stoppables.add("dead-letter reader", deadLetters::close);
        // values as Avro, their schemas registered in Apicurio Registry (Apicurio's converter is on plugin.path)
        Map<String, String> coap = new HashMap<>(registry.avroValueConverter());
        coap.put("connect.coap.uri", "coap://" + host + ":" + options.coapPort());
        coap.put("connect.coap.bind.host", host);
        Map<String, String> mqttHosts = new HashMap<>(registry.avroValueConverter());
        mqttHosts.put("connect.mqtt.hosts", "tcp://" + host + ":" + options.mqttPort());
        Map<String, String> members = new HashMap<>(registry.avroValueConverter());
        members.put("connect.hazelcast.cluster.members", host + ":" + options.hazelcastPort());
        post(examples, "coap-source", coap);
        post(examples, "hazelcast-sink-coap", members);
        post(examples, "mqtt-source", mqttHosts);
        Map<String, String> mqttSink = new HashMap<>(members);
        mqttSink.put("connect.hazelcast.kcql", MQTT_SINK_KCQL);
        post(examples, "hazelcast-sink-mqtt", mqttSink);
        postCommandLoop(examples, kafka.bootstrapServers());

        watch = new GridWatch(host + ":" + options.hazelcastPort(), "dev");
        stoppables.add("dashboard client", watch::close);
        console = new CommandConsole(host + ":" + options.hazelcastPort(), "dev");
        stoppables.add("operator console", console::close);
        dashboard = new DashboardServer(options.dashboardPort(), () -> latest, console::send);
        stoppables.add("dashboard", dashboard::close);
        sensors.start(Math.max(1, options.coapIntervalMs() / options.coapSensors()));
        devices.start(options.mqttIntervalMs());
        screen.line("Running: " + options.devicesDescription());
        screen.line("Dashboard: " + dashboard.url());
    }

    /**
     * The command loop (docs/command-and-control.md), from its config examples pointed at the demo's servers:
     * the Hazelcast source takes the console's commands to Kafka, the MQTT sink and the CoAP sink take them to the
     * devices (the CoAP sink's reporter writes each sensor's answer to Kafka), the MQTT source takes the MQTT devices'
     * answers to Kafka, and the Hazelcast sink merges commands and answers into map command_status. Plain JSON
     * values, as the examples have them (the reporter's outcomes are plain JSON in any case).
     */
    private void postCommandLoop(Path examples, String bootstrapServers) throws Exception {
        String host = Loopback.HOST;
        String members = host + ":" + options.hazelcastPort();
        String mqtt = "tcp://" + host + ":" + options.mqttPort();
        post(examples, "hazelcast-source", Map.of("connect.hazelcast.cluster.members", members,
                "connect.hazelcast.kcql", HAZELCAST_SOURCE_KCQL));
        post(examples, "mqtt-sink", Map.of("connect.mqtt.hosts", mqtt));
        String coapKcql = example(examples, "coap-sink").path("connect.coap.kcql").asText()
                .replace("coap://localhost:5683", "coap://" + host + ":" + options.coapPort());
        post(examples, "coap-sink", Map.of("connect.coap.kcql", coapKcql, "connect.coap.bind.host", host,
                "connect.coap.sink.reporter.bootstrap.servers", bootstrapServers));
        post(examples, "mqtt-source-command-responses", Map.of("connect.mqtt.hosts", mqtt));
        post(examples, "hazelcast-sink-command-status", Map.of("connect.hazelcast.cluster.members", members));
    }

    /** Refreshes the snapshot every second and the terminal every two, until {@code seconds} (0: until stopped). */
    private void showUntil(long seconds) throws InterruptedException {
        long started = System.nanoTime();
        long views = 0;
        String restUrl = connect.endpoint("connectors");
        ConnectorStates connectors = new ConnectorStates(restUrl);
        List<String> schemas = List.of();
        for (long tick = 0; (seconds == 0 || System.nanoTime() - started < TimeUnit.SECONDS.toNanos(seconds))
                && !stoppables.stopping(); tick++) {
            if (tick % 5 == 0) {
                schemas = schemas();
            }
            Snapshot previous = latest;
            long now = System.currentTimeMillis();
            GridWatch.Reading grid = watch.read(now, previous == null ? null : previous.sql(), tick % 2 == 0);
            latest = new Snapshot(now, restUrl, options.devicesDescription(), 3 * options.mqttIntervalMs(),
                    sensors.published(), devices.published(), grid.structures(), grid.devices(), grid.mqttLatency(),
                    grid.coapLatency(), grid.alerts(), grid.recentCoapReadings(), grid.sql(), schemas,
                    connectors.read(), deadLetters.snapshot(), grid.coapSensors(), console.read(now, RECENT_COMMANDS));
            if (tick % (VIEW_MILLIS / 1000) == 0) {
                screen.view(TerminalView.render(latest, dashboard.url(), screen.size()));
                views++;
            }
            Thread.sleep(1000);
        }
        if (!stoppables.stopping()) {
            screen.line("Ran " + seconds + " s (" + views + " views).");
        }
    }

    private List<String> schemas() {
        try {
            List<String> subjects = new ArrayList<>();
            registry.get("/apis/ccompat/v7/subjects").forEach(subject -> subjects.add(subject.asText()));
            return subjects;
        } catch (Exception e) {
            return List.of("(registry: " + e.getMessage() + ")");
        }
    }

    private static ObjectNode example(Path examples, String name) throws IOException {
        return (ObjectNode) JSON.readTree(examples.resolve(name + ".json").toFile()).get("config");
    }

    private void post(Path examples, String name, Map<String, String> changes) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(examples.resolve(name + ".json").toFile());
        ObjectNode config = (ObjectNode) body.get("config");
        changes.forEach(config::put);
        setAside(name, config.path("connector.class").asText()).forEach(config::put);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(connect.endpoint("connectors"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST " + name + " failed: " + response.statusCode() + " " + response.body());
        }
        screen.line("POSTed config-examples/" + name + ".json");
    }

    /**
     * The error handling the docs recommend, added to every connector the demo runs: a reading the flow cannot take
     * (not JSON, no version field, ...) is set aside in the connector's dead-letter topic with the reason, and the
     * flow goes on. The sources do it themselves ({@code bad.message.policy=DLQ}); the sink through Kafka Connect's
     * dead-letter queue, with the context headers that carry the reason.
     */
    static Map<String, String> setAside(String connector, String connectorClass) {
        String topic = connector + "-dead-letters";
        return switch (connectorClass) {
            case "io.streamgrid.coap.CoapSourceConnector" -> Map.of("connect.coap.bad.message.policy", "DLQ",
                    "connect.coap.dead.letter.topic", topic);
            case "io.streamgrid.mqtt.MqttSourceConnector" -> Map.of("connect.mqtt.bad.message.policy", "DLQ",
                    "connect.mqtt.dead.letter.topic", topic);
            case "io.streamgrid.hazelcast.source.HazelcastSourceConnector" -> Map.of(
                    "connect.hazelcast.source.bad.message.policy", "DLQ", "connect.hazelcast.source.dead.letter.topic",
                    topic);
            default -> Map.of("errors.tolerance", "all", "errors.deadletterqueue.topic.name", topic,
                    "errors.deadletterqueue.context.headers.enable", "true",
                    "errors.deadletterqueue.topic.replication.factor", "1");
        };
    }

    private static HazelcastInstance hazelcast(int port) {
        Config config = new Config();
        config.setClusterName("dev");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // the demo stops it, after the connectors
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember(Loopback.HOST + ":" + port);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(Loopback.HOST);
        config.setProperty("hazelcast.socket.bind.any", "false"); // else it listens on every interface
        config.getJetConfig().setEnabled(true); // SQL runs on Jet: the device-state query needs it
        return Hazelcast.newHazelcastInstance(config);
    }

    /**
     * Stops everything (once), within a few seconds, and says so. What the servers log while they go down (clients
     * losing the broker that stops before them) is not for the user: standard error is muted from here on.
     */
    @Override
    public void close() {
        if (stoppables.stopAll(screen, () -> System.setErr(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)))) {
            screen.line("Stopped.");
        }
    }
}
