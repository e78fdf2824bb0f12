package io.streamgrid.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What an operator's command may change on a simulated device, and the device's answer to it: shared by the MQTT
 * devices and the CoAP sensors, so both take the same commands and answer alike. Two actions: {@code interval} (the
 * milliseconds between readings, {@value #MIN_INTERVAL_MS} to {@value #MAX_INTERVAL_MS}) and {@code led}
 * ({@code on} or {@code off}, which every later reading carries). A command is
 * {@code {"command_id": "c-7", "device_id": "device-2", "action": "interval", "value": 250, "sent_at": ...}}; the
 * answer {@code {"command_id": "c-7", "device_id": "device-2", "action": "interval", "result": "ok",
 * "received_at": ..., "interval_ms": 250, "led": "off"}}, its {@code result} saying why when the device refused it.
 */
public final class DeviceControls {

    static final long MIN_INTERVAL_MS = 100;
    static final long MAX_INTERVAL_MS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A device's settings now. */
    public record Settings(long intervalMs, boolean led) {
        String ledText() {
            return led ? "on" : "off";
        }
    }

    /** A device's answer: whether it applied the command, and the JSON it sends back. */
    public record Answer(boolean applied, String json) {
    }

    private final Map<String, Settings> settings = new ConcurrentHashMap<>();
    private final BiConsumer<String, Settings> onChange;

    /** {@code onChange}: told of every applied change (a device's new interval reschedules its readings). */
    DeviceControls(BiConsumer<String, Settings> onChange) {
        this.onChange = onChange;
    }

    void add(String deviceId, long intervalMs) {
        settings.put(deviceId, new Settings(intervalMs, false));
    }

    boolean knows(String deviceId) {
        return settings.containsKey(deviceId);
    }

    Settings settings(String deviceId) {
        return settings.get(deviceId);
    }

    /**
     * Applies a command to {@code deviceId} (a device this simulator runs) and answers it. {@code commandId} is what
     * the transport correlates by (MQTT 5 correlation data); without it, the command's own {@code command_id}.
     */
    synchronized Answer apply(String deviceId, String commandId, byte[] payload) {
        long received = System.currentTimeMillis();
        JsonNode command;
        try {
            command = JSON.readTree(payload);
        } catch (IOException e) {
            command = null;
        }
        String id = commandId != null ? commandId : command == null ? null : command.path("command_id").asText(null);
        String action = command == null ? null : command.path("action").asText(null);
        String refusal = command == null || !command.isObject() ? "rejected: the command is not a JSON object"
                : action == null ? "rejected: the command has no action" : null;
        if (refusal == null) {
            refusal = change(deviceId, action, command.path("value"));
        }
        Settings now = settings.get(deviceId);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("command_id", id);
        answer.put("device_id", deviceId);
        answer.put("action", action);
        answer.put("result", refusal == null ? "ok" : refusal);
        answer.put("received_at", received);
        answer.put("interval_ms", now.intervalMs());
        answer.put("led", now.ledText());
        return new Answer(refusal == null, answer.toString());
    }

    /** Applies one action; null when applied, else why not. */
    private String change(String deviceId, String action, JsonNode value) {
        Settings before = settings.get(deviceId);
        Settings after;
        switch (action) {
            case "interval" -> {
                if (!value.canConvertToLong() || value.asLong() < MIN_INTERVAL_MS || value.asLong() > MAX_INTERVAL_MS) {
                    return "rejected: interval must be " + MIN_INTERVAL_MS + " to " + MAX_INTERVAL_MS + " ms, not "
                            + value;
                }
                after = new Settings(value.asLong(), before.led());
            }
            case "led" -> {
                String state = value.asText("").toLowerCase(Locale.ROOT);
                if (!state.equals("on") && !state.equals("off")) {
                    return "rejected: led must be on or off, not " + value;
                }
                after = new Settings(before.intervalMs(), state.equals("on"));
            }
            default -> {
                return "rejected: unknown action '" + action + "' (interval or led)";
            }
        }
        settings.put(deviceId, after);
        onChange.accept(deviceId, after);
        return null;
    }
}
