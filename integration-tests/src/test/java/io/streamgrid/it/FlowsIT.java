package io.streamgrid.it;

import io.streamgrid.demo.MqttBrokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.moquette.broker.Server;
import io.streamgrid.simulators.CoapSensorSimulator;
import io.streamgrid.simulators.MqttDeviceSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The config examples' flows on a real Connect cluster that loads the packaged plugins from plugin.path. */
class FlowsIT {

    private static ConnectCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new ConnectCluster("flows", 1);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void pluginsComeFromPluginPathNotTheTestClassPath() {
        assertThat(ConnectCluster.pluginClasses(cluster.get("connector-plugins"))).contains(
                "io.streamgrid.hazelcast.HazelcastSinkConnector", "io.streamgrid.mqtt.MqttSourceConnector",
                "io.streamgrid.coap.CoapSourceConnector", "io.streamgrid.mqtt.sink.MqttSinkConnector");
        assertThatThrownBy(() -> Class.forName("io.streamgrid.hazelcast.HazelcastSinkConnector"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void coapSensorsToHazelcastQueueAndRingbuffer() throws Exception {
        int port = ConnectCluster.freeUdpPort();
        try (CoapSensorSimulator sensors = new CoapSensorSimulator("127.0.0.1", port, 3)) {
            cluster.connect.kafka().createTopic("coap_sensor_topic", 1);
            cluster.connect.kafka().createTopic("coap_readings", 1);
            String source = cluster.post(ConnectCluster.example("coap-source",
                    Map.of("connect.coap.uri", "coap://127.0.0.1:" + port)));
            String sink = cluster.post(ConnectCluster.example("hazelcast-sink-coap",
                    Map.of("connect.hazelcast.cluster.members", cluster.hazelcastAddress())));
            cluster.awaitRunning(source, 1);
            cluster.awaitRunning(sink, 1);

            var queue = cluster.hazelcast.getQueue("dev");
            Ringbuffer<Object> ringbuffer = cluster.hazelcast.getRingbuffer("sensor_ringbuffer");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                sensors.publish();
                return queue.size() >= 3 && ringbuffer.size() >= 3;
            });

            JsonNode entry = ConnectCluster.JSON.readTree((String) queue.take());
            for (String field : List.of("ingest_time", "message_id", "type", "code", "raw_code", "rtt", "is_last",
                    "is_notification", "source", "destination", "timestamp", "token", "is_duplicate", "is_confirmable",
                    "is_rejected", "is_acknowledged", "is_canceled", "accept", "block1", "block2", "content_format",
                    "etags", "location_path", "location_query", "max_age", "observe", "proxy_uri", "size_1", "size_2",
                    "uri_host", "uri_port", "uri_path", "uri_query", "payload", "payload_bytes")) {
                assertThat(entry.has(field)).as("queue entry has the seed's field " + field).isTrue();
            }
            assertThat(entry.get("code").asText()).isEqualTo("2.05");
            assertThat(entry.get("raw_code").asInt()).isEqualTo(69);
            assertThat(entry.get("source").asText()).isEqualTo("127.0.0.1:" + port);
            assertThat(entry.get("uri_path").asText()).isEqualTo("sensors");
            assertThat(entry.get("content_format").asInt()).isEqualTo(50);
            assertThat(entry.get("max_age").asLong()).isEqualTo(2);
            JsonNode payload = ConnectCluster.JSON.readTree(entry.get("payload").asText());
            assertThat(payload.get("sensorId").asText()).startsWith("Sensor");
            assertThat(payload.get("message").asText()).startsWith("Sensor message");

            JsonNode reading = ConnectCluster.JSON.readTree((String) ringbuffer.readOne(ringbuffer.headSequence()));
            List<String> fields = new ArrayList<>();
            reading.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("sensor_id", "timestamp", "temperature");
            assertThat(reading.get("sensor_id").asText()).startsWith("Sensor");
            assertThat(reading.get("temperature").isNumber()).isTrue();
        }
    }

    @Test
    void sparkplugMetricsReachAKeyedMapHoldingTheLatestValueOfEach() throws Exception {
        int port = ConnectCluster.freePort();
        Server broker = MqttBrokers.start(port);
        org.eclipse.paho.client.mqttv3.MqttClient edge = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + port, "edge-node-" + System.nanoTime(),
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        try {
            cluster.connect.kafka().createTopic("sparkplug_metrics", 1);
            com.fasterxml.jackson.databind.node.ObjectNode sourceBody = ConnectCluster.example("mqtt-source-sparkplug",
                    Map.of("connect.mqtt.hosts", "tcp://127.0.0.1:" + port));
            com.fasterxml.jackson.databind.node.ObjectNode sinkBody = ConnectCluster.example("hazelcast-sink-mqtt",
                    Map.of("topics", "sparkplug_metrics",
                            "connect.hazelcast.cluster.members", cluster.hazelcastAddress(),
                            "connect.hazelcast.kcql", "UPSERT INTO sparkplug_latest SELECT metric, double_value, "
                                    + "boolean_value, seq FROM sparkplug_metrics PK _key STOREAS IMAP"));
            String source = cluster.post(sourceBody);
            String sink = cluster.post(sinkBody.put("name", "hazelcast-sink-sparkplug"));
            cluster.awaitRunning(source, 1);
            cluster.awaitRunning(sink, 1);
            edge.connect();

            edge.publish("spBv1.0/plant/NBIRTH/edge1", sparkplug(0, sparkplugMetric("Temperature", 1L,
                    org.eclipse.tahu.message.model.MetricDataType.Double, 20.0), sparkplugMetric("Running", 2L,
                    org.eclipse.tahu.message.model.MetricDataType.Boolean, true)), 1, false);
            for (int seq = 1; seq <= 10; seq++) {
                edge.publish("spBv1.0/plant/NDATA/edge1", sparkplug(seq, sparkplugMetric(null, 1L,
                        org.eclipse.tahu.message.model.MetricDataType.Double, 20.0 + seq)), 1, false);
            }
            edge.publish("spBv1.0/plant/NDATA/edge1", sparkplug(11, sparkplugMetric(null, 2L,
                    org.eclipse.tahu.message.model.MetricDataType.Boolean, false)), 1, false);

            IMap<Object, Object> latest = cluster.hazelcast.getMap("sparkplug_latest");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(latest.keySet()).containsExactlyInAnyOrder("plant/edge1/Temperature", "plant/edge1/Running");
                JsonNode temperature = ConnectCluster.JSON.readTree(latest.get("plant/edge1/Temperature").toString());
                assertThat(temperature.get("double_value").asDouble()).isEqualTo(30.0);
                assertThat(temperature.get("seq").asInt()).isEqualTo(10);
                JsonNode running = ConnectCluster.JSON.readTree(latest.get("plant/edge1/Running").toString());
                assertThat(running.get("boolean_value").asBoolean()).isFalse();
            });
        } finally {
            if (edge.isConnected()) {
                edge.disconnect();
            }
            broker.stopServer();
        }
    }

    static byte[] sparkplug(long seq, org.eclipse.tahu.message.model.Metric... metrics) throws Exception {
        return new org.eclipse.tahu.message.SparkplugBPayloadEncoder().getBytes(
                new org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder().setSeq(seq)
                        .setTimestamp(new java.util.Date()).addMetrics(List.of(metrics)).createPayload(), false);
    }

    static org.eclipse.tahu.message.model.Metric sparkplugMetric(String name, Long alias,
            org.eclipse.tahu.message.model.MetricDataType type, Object value) throws Exception {
        org.eclipse.tahu.message.model.Metric.MetricBuilder builder = name != null
                ? new org.eclipse.tahu.message.model.Metric.MetricBuilder(name, type, value).alias(alias)
                : new org.eclipse.tahu.message.model.Metric.MetricBuilder(alias, type, value);
        return builder.timestamp(new java.util.Date()).createMetric();
    }

    @Test
    void onlyAlertsReachTheReliableTopic() throws Exception {
        int port = ConnectCluster.freePort();
        Server broker = MqttBrokers.start(port);
        try (MqttDeviceSimulator devices = new MqttDeviceSimulator("tcp://127.0.0.1:" + port, 3)) {
            cluster.connect.kafka().createTopic("telemetry_alerts", 1);
            com.fasterxml.jackson.databind.node.ObjectNode sourceBody = ConnectCluster.example("mqtt-source", Map.of(
                    "connect.mqtt.hosts", "tcp://127.0.0.1:" + port,
                    "connect.mqtt.kcql", "INSERT INTO telemetry_alerts SELECT * FROM devices/+/telemetry "
                            + "WITHCONVERTER=`json` WITHKEY(device_id)"));
            com.fasterxml.jackson.databind.node.ObjectNode sinkBody = ConnectCluster.example("hazelcast-sink-mqtt",
                    Map.of("topics", "telemetry_alerts",
                            "connect.hazelcast.cluster.members", cluster.hazelcastAddress(),
                            "connect.hazelcast.kcql", "INSERT INTO all_readings SELECT * FROM telemetry_alerts "
                                    + "STOREAS RING_BUFFER; INSERT INTO alerts SELECT device_id, temperature, ts FROM "
                                    + "telemetry_alerts WHERE temperature > 24 STOREAS RELIABLE_TOPIC"));
            String source = cluster.post(sourceBody.put("name", "mqtt-source-alerts"));
            String sink = cluster.post(sinkBody.put("name", "hazelcast-sink-alerts"));
            cluster.awaitRunning(source, 1);
            cluster.awaitRunning(sink, 1);

            List<Object> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
            cluster.hazelcast.getReliableTopic("alerts").addMessageListener(m -> alerts.add(m.getMessageObject()));
            List<JsonNode> expected = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                JsonNode reading = ConnectCluster.JSON.readTree(devices.publish());
                if (reading.get("temperature").asDouble() > 24) {
                    expected.add(reading);
                }
            }
            assertThat(expected).as("the simulator sends some readings above 24").isNotEmpty().hasSizeLessThan(60);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(cluster.hazelcast.getRingbuffer("all_readings").size()).isEqualTo(60));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(alerts).hasSize(expected.size()));
            for (int i = 0; i < expected.size(); i++) {
                JsonNode alert = ConnectCluster.JSON.readTree((String) alerts.get(i));
                assertThat(alert.get("device_id")).isEqualTo(expected.get(i).get("device_id"));
                assertThat(alert.get("temperature").asDouble()).isEqualTo(expected.get(i).get("temperature").asDouble());
            }
            assertThat(cluster.hazelcast.getRingbuffer("_hz_rb_alerts").size()).as("nothing else")
                    .isEqualTo(expected.size());
            javax.management.ObjectName statement = new javax.management.ObjectName(
                    "kafka.connect:type=plugins,connector=" + sink + ",task=0,statement=2");
            assertThat(java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(statement, "filtered-total")).isEqualTo((double) (60 - expected.size()));
        } finally {
            broker.stopServer();
        }
    }

    @Test
    void mqttDevicesToHazelcastRingbufferAndLatestStateMap() throws Exception {
        int port = ConnectCluster.freePort();
        Server broker = MqttBrokers.start(port);
        try (MqttDeviceSimulator devices = new MqttDeviceSimulator("tcp://127.0.0.1:" + port, 3)) {
            cluster.connect.kafka().createTopic("telemetry", 1);
            String source = cluster.post(ConnectCluster.example("mqtt-source",
                    Map.of("connect.mqtt.hosts", "tcp://127.0.0.1:" + port)));
            String sink = cluster.post(ConnectCluster.example("hazelcast-sink-mqtt",
                    Map.of("connect.hazelcast.cluster.members", cluster.hazelcastAddress())));
            cluster.awaitRunning(source, 1);
            cluster.awaitRunning(sink, 1);

            Map<String, JsonNode> latest = new ConcurrentHashMap<>();
            List<String> published = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String reading = devices.publish();
                published.add(reading);
                JsonNode json = ConnectCluster.JSON.readTree(reading);
                latest.put(json.get("device_id").asText(), json);
            }
            Ringbuffer<Object> readings = cluster.hazelcast.getRingbuffer("readings");
            IMap<Object, Object> state = cluster.hazelcast.getMap("device_state");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(readings.size()).isEqualTo(30);
                for (Map.Entry<String, JsonNode> device : latest.entrySet()) {
                    Object value = state.get(device.getKey());
                    assertThat(value).isInstanceOf(HazelcastJsonValue.class);
                    assertThat(ConnectCluster.JSON.readTree(value.toString())).isEqualTo(device.getValue());
                }
            });
            Map<String, Integer> perDevice = new HashMap<>();
            for (long seq = readings.headSequence(); seq <= readings.tailSequence(); seq++) {
                JsonNode reading = ConnectCluster.JSON.readTree((String) readings.readOne(seq));
                List<String> fields = new ArrayList<>();
                reading.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).containsExactly("device_id", "temperature", "humidity", "ts");
                perDevice.merge(reading.get("device_id").asText(), 1, Integer::sum);
                assertThat(reading).isEqualTo(ConnectCluster.JSON.readTree(published.get((int) (seq - readings.headSequence()))));
            }
            assertThat(perDevice).containsOnlyKeys(latest.keySet()).allSatisfy((d, n) -> assertThat(n).isEqualTo(10));

            // the metrics, read as an operator reads them: the worker's MBeans (plugin metrics on this worker)
            javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName sourceMetrics = new javax.management.ObjectName(
                    "kafka.connect:type=plugins,connector=" + source + ",task=0");
            javax.management.ObjectName sinkMetrics = new javax.management.ObjectName(
                    "kafka.connect:type=plugins,connector=" + sink + ",task=0");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(jmx.getAttribute(sourceMetrics, "records-in-total")).isEqualTo(30.0);
                assertThat(jmx.getAttribute(sourceMetrics, "records-out-total")).isEqualTo(30.0);
                assertThat(jmx.getAttribute(sourceMetrics, "acknowledged-total")).as("QoS 1: acked after Kafka")
                        .isEqualTo(30.0);
                assertThat(jmx.getAttribute(sourceMetrics, "queued-records")).isEqualTo(0L);
                assertThat(jmx.getAttribute(sourceMetrics, "in-flight-batches")).isEqualTo(0L);
                assertThat(jmx.getAttribute(sinkMetrics, "records-in-total")).isEqualTo(30.0);
                assertThat(jmx.getAttribute(sinkMetrics, "records-out-total")).as("30 readings and 30 map entries")
                        .isEqualTo(60.0);
                assertThat(jmx.getAttribute(sinkMetrics, "in-flight-batches")).isEqualTo(0L);
                assertThat(jmx.getAttribute(sinkMetrics, "queued-records")).isEqualTo(0L);
            });
            for (javax.management.ObjectName name : List.of(sourceMetrics, sinkMetrics)) {
                assertThat((Double) jmx.getAttribute(name, "batches-total")).isPositive();
                assertThat((Double) jmx.getAttribute(name, "end-to-end-lag-max")).isBetween(0.0, 60_000.0);
                for (String zero : List.of("failed-batches-total", "dead-lettered-total", "dropped-total",
                        "skipped-total")) {
                    assertThat(jmx.getAttribute(name, zero)).as(name + " " + zero).isEqualTo(0.0);
                }
            }
        } finally {
            broker.stopServer();
        }
    }

    @Test
    void restValidateShowsABrokenStatementOnTheKcqlKeyWithLineAndColumn() {
        Map<String, String> config = ConnectCluster.asMap(ConnectCluster.example("hazelcast-sink-coap", Map.of(
                "connect.hazelcast.kcql", "INSERT INTO dev SELECT * FROM coap_sensor_topic STOREAS QUEUE oops"))
                .get("config"));
        JsonNode result = cluster.validate("io.streamgrid.hazelcast.HazelcastSinkConnector", config);
        assertThat(result.get("error_count").asInt()).isGreaterThan(0);
        JsonNode kcql = null;
        for (JsonNode entry : result.get("configs")) {
            if (entry.get("value").get("name").asText().equals("connect.hazelcast.kcql")) {
                kcql = entry.get("value");
            }
        }
        assertThat(kcql).isNotNull();
        assertThat(kcql.get("errors").toString()).contains("KCQL error at line 1, column 63")
                .contains("unexpected 'oops'");
    }
}
