package io.streamgrid.it;

import io.streamgrid.demo.ApicurioRegistry;
import io.streamgrid.demo.MqttBrokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.moquette.broker.Server;
import io.streamgrid.simulators.CoapSensorSimulator;
import io.streamgrid.simulators.MqttDeviceSimulator;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The config examples' flows with the worker's values as Avro: Apicurio's AvroConverter (a plugin on plugin.path,
 * Confluent's is not on Maven Central) against a real Apicurio Registry. The connectors emit Structs with Connect
 * schemas, so the converter registers their schemas and Hazelcast gets the same data as with JSON.
 */
class AvroFlowsIT {

    private static ApicurioRegistry registry;
    private static ConnectCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        registry = new ApicurioRegistry();
        cluster = new ConnectCluster("avro", 1, List.of(Path.of(System.getProperty("streamgrid.converter.plugins",
                "../target/converter-plugins"))));
    }

    @AfterAll
    static void stop() {
        cluster.close();
        registry.close();
    }

    private static Map<String, String> avroValues(Map<String, String> changes) {
        Map<String, String> config = new HashMap<>(changes);
        config.putAll(registry.avroValueConverter());
        return config;
    }

    /**
     * Every record of the topic is Avro written with a schema the registry holds: Apicurio's converter names the
     * schema's global id in the header apicurio.value.globalId, and the value decodes with that schema, to the byte.
     */
    private static void assertAvroWithARegisteredSchema(String topic) throws Exception {
        ConsumerRecords<byte[], byte[]> records = cluster.connect.kafka().consume(1, 30_000, topic);
        assertThat(records.count()).isPositive();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Header header = record.headers().lastHeader("apicurio.value.globalId");
            assertThat(header).as("the record of " + topic + " names its schema").isNotNull();
            long globalId = ByteBuffer.wrap(header.value()).getLong();
            org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(registry.schema(globalId));
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(record.value(), null);
            Object datum = new GenericDatumReader<>(schema).read(null, decoder);
            assertThat(datum).isNotNull();
            assertThat(decoder.isEnd()).as("the value is exactly one Avro datum of the registered schema").isTrue();
        }
    }

    @Test
    void mqttFlowWithAvroValues() throws Exception {
        int port = ConnectCluster.freePort();
        Server broker = MqttBrokers.start(port);
        try (MqttDeviceSimulator devices = new MqttDeviceSimulator("tcp://127.0.0.1:" + port, 3)) {
            cluster.connect.kafka().createTopic("telemetry", 1);
            String source = cluster.post(ConnectCluster.example("mqtt-source",
                    avroValues(Map.of("connect.mqtt.hosts", "tcp://127.0.0.1:" + port))));
            String sink = cluster.post(ConnectCluster.example("hazelcast-sink-mqtt",
                    avroValues(Map.of("connect.hazelcast.cluster.members", cluster.hazelcastAddress()))));
            cluster.awaitRunning(source, 1);
            cluster.awaitRunning(sink, 1);
            Map<String, JsonNode> latest = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                JsonNode reading = ConnectCluster.JSON.readTree(devices.publish());
                latest.put(reading.get("device_id").asText(), reading);
            }
            Ringbuffer<Object> readings = cluster.hazelcast.getRingbuffer("readings");
            IMap<Object, Object> state = cluster.hazelcast.getMap("device_state");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(readings.size()).isEqualTo(12);
                for (Map.Entry<String, JsonNode> device : latest.entrySet()) {
                    Object value = state.get(device.getKey());
                    assertThat(value).isInstanceOf(HazelcastJsonValue.class);
                    assertThat(ConnectCluster.JSON.readTree(value.toString())).isEqualTo(device.getValue());
                }
            });
            assertAvroWithARegisteredSchema("telemetry");
        } finally {
            broker.stopServer();
        }
    }

    @Test
    void coapFlowWithAvroValues() throws Exception {
        int port = ConnectCluster.freeUdpPort();
        try (CoapSensorSimulator sensors = new CoapSensorSimulator("127.0.0.1", port, 3)) {
            cluster.connect.kafka().createTopic("coap_sensor_topic", 1);
            cluster.connect.kafka().createTopic("coap_readings", 1);
            String source = cluster.post(ConnectCluster.example("coap-source",
                    avroValues(Map.of("connect.coap.uri", "coap://127.0.0.1:" + port))));
            String sink = cluster.post(ConnectCluster.example("hazelcast-sink-coap",
                    avroValues(Map.of("connect.hazelcast.cluster.members", cluster.hazelcastAddress()))));
            cluster.awaitRunning(source, 1);
            cluster.awaitRunning(sink, 1);
            var queue = cluster.hazelcast.getQueue("dev");
            Ringbuffer<Object> ringbuffer = cluster.hazelcast.getRingbuffer("sensor_ringbuffer");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                sensors.publish();
                return queue.size() >= 2 && ringbuffer.size() >= 2;
            });
            JsonNode entry = ConnectCluster.JSON.readTree((String) queue.take());
            assertThat(entry.get("code").asText()).isEqualTo("2.05");
            assertThat(ConnectCluster.JSON.readTree(entry.get("payload").asText()).get("sensorId").asText())
                    .startsWith("Sensor");
            JsonNode reading = ConnectCluster.JSON.readTree((String) ringbuffer.readOne(ringbuffer.headSequence()));
            assertThat(reading.get("sensor_id").asText()).startsWith("Sensor");
            assertAvroWithARegisteredSchema("coap_sensor_topic");
            assertAvroWithARegisteredSchema("coap_readings");
        }
    }
}
