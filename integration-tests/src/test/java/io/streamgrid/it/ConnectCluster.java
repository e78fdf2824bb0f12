package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import jakarta.ws.rs.core.Response;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A real Kafka broker and Connect workers (in this JVM) whose plugin.path holds only the packaged plugins,
 * never the test class path; a real Hazelcast member; and the config examples, POSTed as users POST them.
 */
final class ConnectCluster implements AutoCloseable {

    static final Path PLUGINS = Path.of(System.getProperty("streamgrid.plugins", "../target/plugins")).toAbsolutePath();
    static final Path EXAMPLES = Path.of(System.getProperty("streamgrid.config.examples", "../config-examples"))
            .toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedConnectCluster connect;
    final HazelcastInstance hazelcast;
    final int hazelcastPort = freePort();

    ConnectCluster(String name, int workers) {
        this(name, workers, List.of());
    }

    /** With more plugin directories on plugin.path, e.g. a converter's. */
    ConnectCluster(String name, int workers, List<Path> morePlugins) {
        File[] plugins = PLUGINS.toFile().listFiles(File::isDirectory);
        assertThat(plugins).as("packaged plugins in " + PLUGINS + " (mvn package makes them)").hasSize(3);
        Config config = new Config();
        config.setClusterName("dev");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(hazelcastPort).setPortAutoIncrement(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        hazelcast = Hazelcast.newHazelcastInstance(config);
        Map<String, String> workerProps = new HashMap<>();
        StringBuilder pluginPath = new StringBuilder(PLUGINS.toString());
        morePlugins.forEach(p -> pluginPath.append(',').append(p.toAbsolutePath()));
        workerProps.put("plugin.path", pluginPath.toString());
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", "1000");
        // a worker stopped without a clean leave gives its tasks back after 3 s, not the default 5 minutes
        workerProps.put("scheduled.rebalance.max.delay.ms", "3000");
        connect = (EmbeddedConnectCluster) new EmbeddedConnectCluster.Builder().name(name).numWorkers(workers)
                .workerProps(workerProps).build();
        connect.start();
    }

    String hazelcastAddress() {
        return "127.0.0.1:" + hazelcastPort;
    }

    /** A config example's REST body ({@code name}, {@code config}), with some settings changed. */
    static ObjectNode example(String file, Map<String, String> changes) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(EXAMPLES.resolve(file + ".json").toFile());
            ObjectNode config = (ObjectNode) body.get("config");
            changes.forEach(config::put);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /connectors with the body, as a user would; the connector must be created. */
    String post(ObjectNode body) {
        Response response = connect.requestPost(connect.endpointForResource("connectors"), body.toString(),
                Map.of("Content-Type", "application/json"));
        assertThat(response.getStatus()).as("POST /connectors: " + String.valueOf(response.getEntity())).isEqualTo(201);
        return body.get("name").asText();
    }

    /** Waits until the connector and all its tasks run; a failed one fails the test with its own trace. */
    void awaitRunning(String connector, int tasks) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = get("connectors/" + connector + "/status");
            for (JsonNode task : status.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new AssertionError("task " + task.path("id") + " of " + connector + " failed:\n"
                            + task.path("trace").asText());
                }
            }
            assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
            assertThat(status.path("tasks")).hasSize(tasks).allMatch(t -> "RUNNING".equals(t.path("state").asText()));
        });
    }

    /** GET a REST resource as JSON. */
    JsonNode get(String resource) {
        Response response = connect.requestGet(connect.endpointForResource(resource));
        try {
            return JSON.readTree(String.valueOf(response.getEntity()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PUT .../config/validate with a connector config, as the UI does. */
    JsonNode validate(String connectorClass, Map<String, String> config) {
        Map<String, String> body = new LinkedHashMap<>(config);
        body.put("connector.class", connectorClass);
        try {
            Response response = connect.requestPut(connect.endpointForResource("connector-plugins/" + connectorClass
                    + "/config/validate"), JSON.writeValueAsString(body));
            return JSON.readTree(String.valueOf(response.getEntity()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> asMap(JsonNode config) {
        Map<String, String> map = new LinkedHashMap<>();
        config.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    @Override
    public void close() {
        connect.stop();
        hazelcast.getLifecycleService().terminate();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freeUdpPort() {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> pluginClasses(JsonNode plugins) {
        return java.util.stream.StreamSupport.stream(plugins.spliterator(), false)
                .map(p -> p.get("class").asText()).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
