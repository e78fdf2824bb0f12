package io.streamgrid.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Snapshots as the demo takes them, for the views' tests: five devices, a CoAP sensor, the five structures, four
 * connectors, two commands answered.
 */
final class Snapshots {

    static final long NOW = 1_796_000_000_000L;

    private Snapshots() {
    }

    static Snapshot sample() {
        return withDevice("device-1");
    }

    /** A sample whose first device is called {@code firstDeviceId}. */
    static Snapshot withDevice(String firstDeviceId) {
        List<Snapshot.Device> devices = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String id = i == 1 ? firstDeviceId : "device-" + i;
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("device_id", id);
            fields.put("humidity", 40.5 + i);
            fields.put("temperature", 20.0 + i);
            fields.put("ts", NOW - 1000 * i);
            devices.add(new Snapshot.Device(id, fields, NOW - 1000 * i, 1000));
            rows.add(List.of(id, String.format(Locale.ROOT, "%.2f", 20.0 + i), "41.50",
                    String.valueOf(NOW - 1000 * i)));
        }
        List<Snapshot.Structure> structures = List.of(
                new Snapshot.Structure("dev", "QUEUE (taken)", 1234, "records", 2.0, "records/s", List.of(2.0, 2.0)),
                new Snapshot.Structure("sensor_ringbuffer", "RING_BUFFER", 1234, "records", 2.0, "records/s",
                        List.of(2.0)),
                new Snapshot.Structure("readings", "RING_BUFFER", 5678, "records", 5.0, "records/s", List.of(5.0)),
                new Snapshot.Structure("device_state", "IMAP", 5, "entries", 5.0, "updates/s", List.of(5.0)),
                new Snapshot.Structure("alerts", "RELIABLE_TOPIC", 321, "records", 0.5, "records/s", List.of(0.5)));
        List<Snapshot.ConnectorState> connectors = List.of(
                running("coap-source"), running("hazelcast-sink-coap"), running("hazelcast-sink-mqtt"),
                running("mqtt-source"));
        List<Snapshot.DeadLetterTopic> deadLetters = List.of(
                new Snapshot.DeadLetterTopic("mqtt-source", "mqtt-source-dead-letters", 1,
                        "devices/x/telemetry: not JSON", NOW - 5000),
                new Snapshot.DeadLetterTopic("hazelcast-sink-mqtt", "hazelcast-sink-mqtt-dead-letters", 0, null, 0));
        return new Snapshot(NOW, "http://127.0.0.1:8083/connectors", "5 CoAP sensors (a reading each every 2500 ms, "
                + "2.0/s in all), 5 MQTT devices (a reading each every 1000 ms, 5.0/s in all)", 3000, 1234, 5678,
                structures, devices, new Snapshot.Latency(300, 12, 35, 40), new Snapshot.Latency(120, 20, 45, 50),
                List.of(Map.of("device_id", firstDeviceId, "temperature", 29.5)),
                List.of("{\"sensorId\":\"Sensor1\",\"timestamp\":" + NOW + ",\"temperature\":21.5}"),
                new Snapshot.SqlTable(GridWatch.DEVICE_STATE_SQL, List.of("__key", "temperature", "humidity", "ts"),
                        rows, null),
                List.of("telemetry-value", "coap_sensor_topic-value"), connectors, deadLetters,
                List.of(new Snapshot.Device("Sensor1", Map.of("sensorId", "Sensor1", "temperature", 21.5, "led", "off",
                        "interval_ms", 2500, "timestamp", NOW - 800), NOW - 700, 2500)),
                new Snapshot.CommandLoop(new Snapshot.Latency(2, 30, 45, 45), List.of(
                        new Snapshot.Command("c1-2", "Sensor1", "led", "on", NOW - 3000, "acknowledged", "ok",
                                NOW - 2990, NOW - 2985, 45),
                        new Snapshot.Command("c1-1", "device-2", "interval", "250", NOW - 9000, "acknowledged", "ok",
                                NOW - 8985, NOW - 8980, 30))));
    }

    private static Snapshot.ConnectorState running(String name) {
        return new Snapshot.ConnectorState(name, "RUNNING", null, List.of(new Snapshot.TaskState(0, "RUNNING", null)));
    }
}
