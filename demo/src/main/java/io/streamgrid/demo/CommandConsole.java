package io.streamgrid.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.topic.ITopic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An operator's console, as the demo's dashboard uses it: a Hazelcast client that publishes each command,
 * {@code {command_id, device_id, action, value, sent_at}}, to the reliable topic {@value #TOPIC} (from there the
 * Hazelcast source takes it to Kafka and the MQTT or CoAP sink to the device), and follows the map {@value #STATUS},
 * where the Hazelcast sink merges what comes back (the device's answer, by command id). The round trip it shows is
 * the whole loop, Hazelcast to device to Hazelcast: from {@code sent_at} to the moment the answer reached the map.
 */
final class CommandConsole implements AutoCloseable {

    static final String TOPIC = "commands";
    static final String STATUS = "command_status";
    /** The commands a device takes (io.streamgrid.simulators.DeviceControls). */
    static final List<String> ACTIONS = List.of("interval", "led");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT = 50;
    private static final long WINDOW_MILLIS = 60_000;

    private final HazelcastInstance client;
    private final ITopic<Object> commands;
    private final Map<String, Snapshot.Command> sent = new LinkedHashMap<>(); // by command id, oldest first
    private final LatencyWindow roundTrips = new LatencyWindow(WINDOW_MILLIS, 10_000);
    private final AtomicLong next = new AtomicLong();
    private final String prefix = "c" + Long.toString(System.currentTimeMillis() % 1_000_000, 36) + "-";

    CommandConsole(String member, String clusterName) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setInstanceName("streamgrid-console");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // the demo stops it, in its order
        config.getNetworkConfig().addAddress(member);
        client = HazelcastClient.newHazelcastClient(config);
        commands = client.getReliableTopic(TOPIC);
        client.getMap(STATUS).addEntryListener(new StatusListener(), true);
    }

    /**
     * Publishes a command and returns it as sent; an action no device takes, or a value it cannot be, is refused
     * here with the reason, as a console's form would.
     */
    Snapshot.Command send(String deviceId, String action, Object value) {
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException("device_id is missing");
        }
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("action must be one of " + ACTIONS + ", not '" + action + "'");
        }
        if (!(value instanceof Number || value instanceof String)) {
            throw new IllegalArgumentException("value must be a number or a string, not " + value);
        }
        String id = prefix + next.incrementAndGet();
        long sentAt = System.currentTimeMillis();
        ObjectNode command = JSON.createObjectNode();
        command.put("command_id", id);
        command.put("device_id", deviceId);
        command.put("action", action);
        command.set("value", JSON.valueToTree(value));
        command.put("sent_at", sentAt);
        Snapshot.Command tracked = new Snapshot.Command(id, deviceId, action, String.valueOf(value), sentAt,
                "published", null, 0, 0, 0);
        synchronized (sent) {
            sent.put(id, tracked);
            Iterator<String> oldest = sent.keySet().iterator();
            while (sent.size() > KEPT) {
                oldest.next();
                oldest.remove();
            }
        }
        commands.publish(new HazelcastJsonValue(command.toString()));
        return tracked;
    }

    /** The latest commands, newest first, and the round trips of the last minute. */
    Snapshot.CommandLoop read(long now, int latest) {
        List<Snapshot.Command> recent;
        synchronized (sent) {
            recent = new ArrayList<>(sent.values());
        }
        Collections.reverse(recent);
        LatencyWindow.Percentiles p = roundTrips.percentiles(now);
        return new Snapshot.CommandLoop(new Snapshot.Latency(p.samples(), p.p50(), p.p99(), p.max()),
                recent.subList(0, Math.min(latest, recent.size())));
    }

    @Override
    public void close() {
        client.shutdown();
    }

    /** The command's state from what the sink merged into command_status. */
    static String state(Map<String, Object> status) {
        Object outcome = status.get("outcome");
        Object result = status.get("result");
        if (outcome != null && !"DELIVERED".equals(outcome)) {
            return String.valueOf(outcome).toLowerCase(Locale.ROOT); // the CoAP sink's: rejected, failed
        }
        if (result == null) {
            return status.containsKey("delivered_at") ? "delivered" : "sent";
        }
        if ("ok".equals(result)) {
            return "acknowledged";
        }
        return String.valueOf(result).startsWith("rejected") ? "rejected" : "failed";
    }

    /** Follows command_status: each change of a command this console sent updates its state. */
    private final class StatusListener implements EntryAddedListener<Object, Object>,
            EntryUpdatedListener<Object, Object> {
        @Override
        public void entryAdded(EntryEvent<Object, Object> event) {
            update(event);
        }

        @Override
        public void entryUpdated(EntryEvent<Object, Object> event) {
            update(event);
        }

        private void update(EntryEvent<Object, Object> event) {
            long now = System.currentTimeMillis();
            String id = String.valueOf(event.getKey());
            Map<String, Object> status = RecordFields.of(event.getValue());
            String state = state(status);
            Object result = status.get("result");
            synchronized (sent) {
                Snapshot.Command before = sent.get(id);
                if (before == null) {
                    return; // another console's command
                }
                boolean answered = !state.equals("sent") && !state.equals("delivered");
                long roundTrip = before.roundTripMillis();
                if (answered && roundTrip == 0) {
                    roundTrip = Math.max(1, now - before.sentAtMillis());
                    roundTrips.record(now, roundTrip);
                }
                sent.put(id, new Snapshot.Command(id, before.deviceId(), before.action(), before.value(),
                        before.sentAtMillis(), state, result == null ? null : String.valueOf(result),
                        RecordFields.millis(status, "delivered_at"), RecordFields.millis(status, "acknowledged_at"),
                        roundTrip));
            }
        }
    }
}
