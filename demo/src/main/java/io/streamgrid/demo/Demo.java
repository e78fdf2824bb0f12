package io.streamgrid.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.collection.IQueue;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.sql.HazelcastSqlException;
import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;
import com.hazelcast.sql.SqlService;
import io.moquette.broker.Server;
import io.streamgrid.it.ApicurioRegistry;
import io.streamgrid.it.MqttBrokers;
import io.streamgrid.simulators.CoapSensorSimulator;
import io.streamgrid.simulators.MqttDeviceSimulator;
import jakarta.ws.rs.core.Response;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The whole flow on one machine, on embedded defaults: a Kafka broker and a Connect worker whose plugin.path
 * holds the packaged plugins and Apicurio's AvroConverter, Apicurio Registry, a Hazelcast member, an MQTT broker,
 * CoAP sensors and MQTT devices; the config examples are POSTed to the worker's REST API with Avro values, and the
 * terminal shows what arrives in Hazelcast.
 * Options: --hazelcast-port 5701 --mqtt-port 1883 --coap-port 5633 --registry-port 8081 --seconds N.
 */
public final class Demo {

    /**
     * The MQTT sink's statements with device state (README, "Device state"): each device's readings merge into
     * one Compact record, an older reading never overwrites a newer one, and the sink creates the SQL mapping
     * that the view's query reads. The config example keeps plain JSON values, which any cluster can take.
     */
    static final String DEVICE_STATE_KCQL = "INSERT INTO readings SELECT device_id, temperature, humidity, ts FROM "
            + "telemetry STOREAS RING_BUFFER;UPSERT INTO device_state SELECT * FROM telemetry PK device_id "
            + "WITHFORMAT COMPACT STOREAS IMAP (merge = true, version = ts, compactType = 'DeviceState', "
            + "sqlMapping = true)";
    static final String DEVICE_STATE_SQL = "SELECT __key, temperature, humidity, ts FROM device_state ORDER BY __key";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLEAR = "\033[H\033[2J";

    private Demo() {
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.err.println("The demo could not start: " + e);
            System.exit(1); // the servers already started must not keep the JVM alive
        }
    }

    /** Runs the demo until --seconds have passed (or forever) and returns the last view it showed. */
    static String run(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int hazelcastPort = Integer.parseInt(options.getOrDefault("hazelcast-port", "5701"));
        int mqttPort = Integer.parseInt(options.getOrDefault("mqtt-port", "1883"));
        int coapPort = Integer.parseInt(options.getOrDefault("coap-port", "5633"));
        int registryPort = Integer.parseInt(options.getOrDefault("registry-port", "8081"));
        long seconds = Long.parseLong(options.getOrDefault("seconds", "0"));
        Path plugins = Path.of(System.getProperty("streamgrid.plugins", "target/plugins")).toAbsolutePath();
        Path converters = Path.of(System.getProperty("streamgrid.converter.plugins", "target/converter-plugins"))
                .toAbsolutePath();
        Path examples = Path.of(System.getProperty("streamgrid.config.examples", "config-examples")).toAbsolutePath();
        PrintStream out = System.out;

        out.println("Starting Hazelcast on 127.0.0.1:" + hazelcastPort + " ...");
        HazelcastInstance hazelcast = hazelcast(hazelcastPort);
        out.println("Starting the MQTT broker on tcp://127.0.0.1:" + mqttPort + " ...");
        Server mqtt = MqttBrokers.start(mqttPort);
        out.println("Starting CoAP sensors on coap://127.0.0.1:" + coapPort + "/sensors ...");
        CoapSensorSimulator sensors = new CoapSensorSimulator("127.0.0.1", coapPort, 5);
        out.println("Starting Apicurio Registry on http://127.0.0.1:" + registryPort + " ...");
        ApicurioRegistry registry = new ApicurioRegistry(registryPort);
        String pluginPath = plugins + "," + converters;
        out.println("Starting Kafka and a Connect worker with plugin.path=" + pluginPath + " ...");
        EmbeddedConnectCluster connect = (EmbeddedConnectCluster) new EmbeddedConnectCluster.Builder().name("demo")
                .numWorkers(1).workerProps(new HashMap<>(Map.of("plugin.path", pluginPath, "plugin.discovery",
                        "service_load", "offset.flush.interval.ms", "1000"))).build(); // the builder changes the map
        connect.start();
        MqttDeviceSimulator devices = new MqttDeviceSimulator("tcp://127.0.0.1:" + mqttPort, 5);
        Runnable shutdown = () -> {
            out.println("\nStopping ...");
            try {
                devices.close();
            } catch (Exception e) {
                out.println("MQTT devices: " + e);
            }
            sensors.close();
            connect.stop();
            registry.close();
            mqtt.stopServer();
            hazelcast.shutdown();
            out.println("Stopped.");
        };
        Thread hook = new Thread(shutdown, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        for (String topic : List.of("coap_sensor_topic", "coap_readings", "telemetry")) {
            connect.kafka().createTopic(topic, 1);
        }
        // values as Avro, their schemas registered in Apicurio Registry (Apicurio's converter is on plugin.path)
        Map<String, String> coap = new HashMap<>(registry.avroValueConverter());
        coap.put("connect.coap.uri", "coap://127.0.0.1:" + coapPort);
        Map<String, String> mqttHosts = new HashMap<>(registry.avroValueConverter());
        mqttHosts.put("connect.mqtt.hosts", "tcp://127.0.0.1:" + mqttPort);
        Map<String, String> members = new HashMap<>(registry.avroValueConverter());
        members.put("connect.hazelcast.cluster.members", "127.0.0.1:" + hazelcastPort);
        post(connect, examples, "coap-source", coap);
        post(connect, examples, "hazelcast-sink-coap", members);
        post(connect, examples, "mqtt-source", mqttHosts);
        Map<String, String> deviceState = new HashMap<>(members);
        deviceState.put("connect.hazelcast.kcql", DEVICE_STATE_KCQL);
        post(connect, examples, "hazelcast-sink-mqtt", deviceState);
        sensors.start(500);
        devices.start(200);

        long start = System.nanoTime();
        View view = new View(hazelcast, connect.endpointForResource("connectors"), registry);
        String shown = "";
        while (seconds == 0 || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            Thread.sleep(2000);
            shown = view.render(sensors.published(), devices.published());
            out.print(shown);
            out.flush();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        shutdown.run();
        return shown;
    }

    private static void post(EmbeddedConnectCluster connect, Path examples, String name, Map<String, String> changes)
            throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(examples.resolve(name + ".json").toFile());
        changes.forEach(((ObjectNode) body.get("config"))::put);
        Response response = connect.requestPost(connect.endpointForResource("connectors"), body.toString(),
                Map.of("Content-Type", "application/json"));
        if (response.getStatus() != 201) {
            throw new IllegalStateException("POST " + name + " failed: " + response.getEntity());
        }
        System.out.println("POSTed config-examples/" + name + ".json");
    }

    private static HazelcastInstance hazelcast(int port) {
        Config config = new Config();
        config.setClusterName("dev");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getJetConfig().setEnabled(true); // SQL runs on Jet: the device-state query needs it
        return Hazelcast.newHazelcastInstance(config);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("options are --name value, not " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    /** What the terminal shows every two seconds. */
    static final class View {
        private final IQueue<Object> queue;
        private final Ringbuffer<Object> sensorReadings;
        private final Ringbuffer<Object> readings;
        private final IMap<Object, Object> deviceState;
        private final SqlService sql;
        private final String restUrl;
        private final ApicurioRegistry registry;
        private final Deque<String> recent = new ArrayDeque<>();
        private long taken;
        private long lastTotal;
        private long lastNanos = System.nanoTime();

        View(HazelcastInstance hazelcast, String restUrl, ApicurioRegistry registry) {
            this.registry = registry;
            this.queue = hazelcast.getQueue("dev");
            this.sensorReadings = hazelcast.getRingbuffer("sensor_ringbuffer");
            this.readings = hazelcast.getRingbuffer("readings");
            this.deviceState = hazelcast.getMap("device_state");
            this.sql = hazelcast.getSql();
            this.restUrl = restUrl;
        }

        String render(long coapPublished, long mqttPublished) throws Exception {
            Object entry;
            while ((entry = queue.poll()) != null) { // q.take, as in the seed
                taken++;
                JsonNode json = JSON.readTree(entry.toString());
                recent.addFirst(json.path("payload").asText());
                while (recent.size() > 5) {
                    recent.removeLast();
                }
            }
            long total = taken + sensorReadings.size() + readings.size();
            long now = System.nanoTime();
            double rate = (total - lastTotal) / ((now - lastNanos) / 1e9);
            lastTotal = total;
            lastNanos = now;
            StringBuilder view = new StringBuilder(CLEAR);
            view.append("StreamGrid demo   Connect REST: ").append(restUrl).append("   (Ctrl-C stops everything)\n\n");
            view.append(String.format(Locale.ROOT, "published: %d CoAP notifications, %d MQTT messages%n",
                    coapPublished, mqttPublished));
            view.append(String.format(Locale.ROOT, "in Hazelcast: queue dev taken %d | ringbuffer sensor_ringbuffer %d | "
                    + "ringbuffer readings %d | map device_state %d%n", taken, sensorReadings.size(), readings.size(),
                    deviceState.size()));
            view.append(String.format(Locale.ROOT, "records/s into Hazelcast: %.1f%n", rate));
            view.append("Avro schemas registered in Apicurio Registry: ").append(registry.get("/apis/ccompat/v7/subjects"))
                    .append('\n');
            if (readings.size() > 0) {
                JsonNode newest = JSON.readTree(readings.readOne(readings.tailSequence()).toString());
                view.append("end-to-end latency (MQTT publish -> Hazelcast, newest reading): ")
                        .append(System.currentTimeMillis() - newest.path("ts").asLong()).append(" ms\n");
            }
            view.append("\nrecent CoAP readings taken from queue dev:\n");
            recent.forEach(r -> view.append("  ").append(r).append('\n'));
            view.append("\nlatest state per device (map device_state: merged Compact records, version = ts), by SQL:\n")
                    .append("  sql> ").append(DEVICE_STATE_SQL).append('\n');
            deviceStateRows(view);
            return view.toString();
        }

        private void deviceStateRows(StringBuilder view) {
            try (SqlResult rows = sql.execute(DEVICE_STATE_SQL)) {
                for (SqlRow row : rows) {
                    view.append(String.format(Locale.ROOT, "  %-10s temperature %s  humidity %s  ts %s%n",
                            row.getObject(0), row.getObject(1), row.getObject(2), row.getObject(3)));
                }
            } catch (HazelcastSqlException e) { // the sink makes the mapping with its first write
                view.append("  (no mapping yet: ").append(e.getMessage()).append(")\n");
            }
        }
    }
}
