package io.streamgrid.demo;

import java.util.List;
import java.util.Map;

/**
 * What the terminal view and the web dashboard show at one moment, read from Hazelcast, the Connect REST API and the
 * dead-letter topics; the dashboard receives it as JSON ({@code GET /api/snapshot}).
 *
 * @param deviceSilentAfterMillis how long a device may send nothing before the views call it silent (three of its
 *                                intervals)
 */
record Snapshot(long takenAtMillis, String connectRest, String devicesRunning, long deviceSilentAfterMillis,
        long coapPublished, long mqttPublished, List<Structure> structures, List<Device> devices, Latency mqttLatency,
        Latency coapLatency, List<Map<String, Object>> alerts, List<String> recentCoapReadings, SqlTable sql,
        List<String> schemas, List<ConnectorState> connectors, List<DeadLetterTopic> deadLetters,
        List<Device> coapSensors, CommandLoop commands) {

    /**
     * A Hazelcast structure: its count (records written so far, or a map's entries) and the rate over the last
     * minute, one value per second (records/s, or a map's updates/s: its entries stay put while values change).
     */
    record Structure(String name, String kind, long total, String totalUnit, double perSecond, String rateUnit,
            List<Double> history) {
    }

    /**
     * A device's latest state (an MQTT device's from map {@code device_state}, a CoAP sensor's from the readings
     * taken from queue {@code dev}) and when it last changed; {@code intervalMillis}: the time between its latest
     * readings, from their own timestamps (0 until it has sent a few), which a command may change.
     */
    record Device(String id, Map<String, Object> fields, long updatedAtMillis, double intervalMillis) {
    }

    /** Commands sent from the dashboard: the latest, newest first, and the round trips of the last minute. */
    record CommandLoop(Latency roundTrip, List<Command> recent) {
    }

    /**
     * A command and what came back of it through map {@code command_status}: its state ({@code published} by the
     * console, {@code sent} once the map has it from Kafka, {@code acknowledged} once the device's answer is there,
     * or {@code rejected} / {@code failed}), the device's result, when the device got it and when its answer reached
     * Kafka (0: not yet), and the round trip from {@code sent_at} to the answer in Hazelcast (0: not yet).
     */
    record Command(String commandId, String deviceId, String action, String value, long sentAtMillis, String state,
            String result, long deliveredAtMillis, long acknowledgedAtMillis, long roundTripMillis) {
    }

    /** Latencies over the last minute: device to Hazelcast per reading, or the round trips of commands. */
    record Latency(int samples, double p50Millis, double p99Millis, double maxMillis) {
    }

    /** One SQL query and its result (or why it has none yet). */
    record SqlTable(String query, List<String> columns, List<List<String>> rows, String error) {
    }

    /** A connector's state from the Connect REST API; {@code trace}: the first line of a failure's, or null. */
    record ConnectorState(String name, String state, String trace, List<TaskState> tasks) {
    }

    /** A task's state; {@code trace}: the first line of its failure's, or null. */
    record TaskState(int id, String state, String trace) {
    }

    /** What a connector set aside as bad input: how many, and the latest one's reason and time (0: none yet). */
    record DeadLetterTopic(String connector, String topic, long count, String lastReason, long lastAtMillis) {
    }
}
