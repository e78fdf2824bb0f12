package io.streamgrid.demo;

import java.util.List;
import java.util.Map;

/**
 * What the terminal view and the web dashboard show at one moment, read from Hazelcast; the dashboard receives it
 * as JSON ({@code GET /api/snapshot}).
 */
record Snapshot(long takenAtMillis, String connectRest, String devicesRunning, long coapPublished,
        long mqttPublished, List<Structure> structures, List<Device> devices, Latency mqttLatency,
        Latency coapLatency, List<Map<String, Object>> alerts, List<String> recentCoapReadings, SqlTable sql,
        List<String> schemas) {

    /** A Hazelcast structure: entries written so far and records/s over the last minute, one value per second. */
    record Structure(String name, String kind, long total, double perSecond, List<Double> history) {
    }

    /** A device's latest state, from map {@code device_state}. */
    record Device(String id, Map<String, Object> fields) {
    }

    /** Device to Hazelcast, per reading, over the last minute. */
    record Latency(int samples, double p50Millis, double p99Millis, double maxMillis) {
    }

    /** One SQL query and its result (or why it has none yet). */
    record SqlTable(String query, List<String> columns, List<List<String>> rows, String error) {
    }
}
