package io.streamgrid.demo;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.collection.IQueue;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the grid the way a user's dashboard would: a Hazelcast client, a map listener for device state, blocking
 * ringbuffer readers and a reliable-topic listener for what arrives (each reading's latency is measured when it
 * arrives), a queue consumer (the seed's {@code q.take}), and SQL. {@link #read} gathers it for the views.
 */
final class GridWatch implements AutoCloseable {

    /** The query both views show; the sink makes the mapping with its first write to the map. */
    static final String DEVICE_STATE_SQL = "SELECT __key, temperature, humidity, ts FROM device_state ORDER BY __key";
    private static final long WINDOW_MILLIS = 60_000;
    private static final int RECENT = 8;

    private final HazelcastInstance client;
    private final Ringbuffer<Object> sensorReadings;
    private final Ringbuffer<Object> readings;
    private final IMap<Object, Object> deviceState;
    private final Map<String, Snapshot.Device> devices = new ConcurrentSkipListMap<>();
    private final Map<String, Snapshot.Device> coapSensors = new ConcurrentSkipListMap<>();
    private final ReadingIntervals intervals = new ReadingIntervals();
    private final LatencyWindow mqttLatency = new LatencyWindow(WINDOW_MILLIS, 200_000);
    private final LatencyWindow coapLatency = new LatencyWindow(WINDOW_MILLIS, 200_000);
    private final Deque<String> recentCoap = new ArrayDeque<>();
    private final Deque<Map<String, Object>> recentAlerts = new ArrayDeque<>();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong stateUpdates = new AtomicLong();
    private final Map<String, Deque<long[]>> totals = new LinkedHashMap<>(); // per structure {millis, total}
    private volatile boolean closed;

    GridWatch(String member, String clusterName) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(clusterName);
        config.setInstanceName("streamgrid-dashboard");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false"); // the demo stops it, in its order
        config.getNetworkConfig().addAddress(member);
        client = HazelcastClient.newHazelcastClient(config);
        sensorReadings = client.getRingbuffer("sensor_ringbuffer");
        readings = client.getRingbuffer("readings");
        deviceState = client.getMap("device_state");
        deviceState.addEntryListener(new DeviceStateListener(), true);
        IQueue<Object> queue = client.getQueue("dev");
        client.getReliableTopic("alerts").addMessageListener(message -> {
            alerts.incrementAndGet();
            remember(recentAlerts, RecordFields.of(message.getMessageObject()));
        });
        start("queue-dev", () -> {
            Object entry = queue.take();
            taken.incrementAndGet();
            Object payload = RecordFields.of(entry).get("payload");
            remember(recentCoap, payload == null ? String.valueOf(entry) : String.valueOf(payload));
            if (payload != null) {
                sensorReading(RecordFields.of(String.valueOf(payload)));
            }
        });
        start("ringbuffer-sensor_ringbuffer", reader(sensorReadings, "timestamp", coapLatency));
        start("ringbuffer-readings", reader(readings, "ts", mqttLatency));
    }

    /** Reads every value written from now on, measuring each one's latency from its device timestamp. */
    private ReaderThread.Step reader(Ringbuffer<Object> ringbuffer, String timestampField, LatencyWindow latency) {
        long[] next = {ringbuffer.tailSequence() + 1};
        return () -> {
            ReadResultSet<Object> batch;
            try {
                batch = ringbuffer.readManyAsync(next[0], 1, 500, null).toCompletableFuture().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StaleSequenceException) { // fell behind a full ringbuffer: go on from its head
                    next[0] = ringbuffer.headSequence();
                    return;
                }
                throw e;
            }
            long arrived = System.currentTimeMillis();
            for (Object value : batch) {
                long sent = RecordFields.millis(RecordFields.of(value), timestampField);
                if (sent > 0) {
                    latency.record(arrived, arrived - sent);
                }
            }
            next[0] = batch.getNextSequenceToReadFrom();
        };
    }

    /** A CoAP sensor's reading (the seed's payload): its latest fields, for its tile, and its interval. */
    private void sensorReading(Map<String, Object> fields) {
        Object id = fields.get("sensorId");
        if (id == null) {
            return;
        }
        String sensor = String.valueOf(id);
        intervals.record(sensor, RecordFields.millis(fields, "timestamp"));
        coapSensors.put(sensor, new Snapshot.Device(sensor, fields, System.currentTimeMillis(),
                intervals.intervalMillis(sensor)));
    }

    private void start(String name, ReaderThread.Step step) {
        ReaderThread.start("dashboard-" + name, step, () -> closed);
    }

    /** What the grid holds now, for the views. */
    record Reading(List<Snapshot.Structure> structures, List<Snapshot.Device> devices, Snapshot.Latency mqttLatency,
            Snapshot.Latency coapLatency, List<Map<String, Object>> alerts, List<String> recentCoapReadings,
            Snapshot.SqlTable sql, List<Snapshot.Device> coapSensors) {
    }

    /** What the grid holds now; {@code runQuery} runs the SQL query too (it costs the member a job). */
    Reading read(long now, Snapshot.SqlTable lastSql, boolean runQuery) {
        List<Snapshot.Structure> structures = List.of(
                structure(now, "dev", "QUEUE (taken)", taken.get()),
                structure(now, "sensor_ringbuffer", "RING_BUFFER", sensorReadings.tailSequence() + 1),
                structure(now, "readings", "RING_BUFFER", readings.tailSequence() + 1),
                mapStructure(now, "device_state", deviceState.size(), stateUpdates.get()),
                structure(now, "alerts", "RELIABLE_TOPIC", alerts.get()));
        List<Snapshot.Device> deviceList = new ArrayList<>(devices.values());
        List<Map<String, Object>> alertList;
        List<String> coapList;
        synchronized (this) {
            alertList = new ArrayList<>(recentAlerts);
            coapList = new ArrayList<>(recentCoap);
        }
        return new Reading(structures, deviceList, latency(mqttLatency, now), latency(coapLatency, now), alertList,
                coapList, runQuery || lastSql == null ? query() : lastSql, new ArrayList<>(coapSensors.values()));
    }

    /** A structure that only grows: its count and its rate are records. */
    private Snapshot.Structure structure(long now, String name, String kind, long written) {
        return structure(now, name, kind, written, "records", written, "records/s");
    }

    /** A map: its count is its entries, its rate the updates (entries stay put while their values change). */
    private Snapshot.Structure mapStructure(long now, String name, long entries, long updates) {
        return structure(now, name, "IMAP", entries, "entries", updates, "updates/s");
    }

    private Snapshot.Structure structure(long now, String name, String kind, long total, String totalUnit,
            long written, String rateUnit) {
        Deque<long[]> samples;
        synchronized (totals) {
            samples = totals.computeIfAbsent(name, n -> new ArrayDeque<>());
            samples.addLast(new long[] {now, written});
            while (samples.size() > 2 && samples.peekFirst()[0] < now - WINDOW_MILLIS) {
                samples.removeFirst();
            }
            List<Double> history = new ArrayList<>();
            long[] previous = null;
            for (long[] sample : samples) {
                if (previous != null && sample[0] > previous[0]) {
                    history.add(Math.max(0, sample[1] - previous[1]) * 1000.0 / (sample[0] - previous[0]));
                }
                previous = sample;
            }
            double perSecond = history.isEmpty() ? 0 : history.get(history.size() - 1);
            return new Snapshot.Structure(name, kind, total, totalUnit, perSecond, rateUnit, history);
        }
    }

    private static Snapshot.Latency latency(LatencyWindow window, long now) {
        LatencyWindow.Percentiles p = window.percentiles(now);
        return new Snapshot.Latency(p.samples(), p.p50(), p.p99(), p.max());
    }

    private Snapshot.SqlTable query() {
        try (SqlResult result = client.getSql().execute(DEVICE_STATE_SQL)) {
            List<String> columns = new ArrayList<>();
            result.getRowMetadata().getColumns().forEach(column -> columns.add(column.getName()));
            List<List<String>> rows = new ArrayList<>();
            for (SqlRow row : result) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    cells.add(cell(row.getObject(i)));
                }
                rows.add(cells);
            }
            return new Snapshot.SqlTable(DEVICE_STATE_SQL, columns, rows, null);
        } catch (RuntimeException e) { // no mapping before the sink's first write
            return new Snapshot.SqlTable(DEVICE_STATE_SQL, List.of(), List.of(), String.valueOf(e.getMessage()));
        }
    }

    /** A cell as text; fractions with two decimals, so a column's values line up. */
    private static String cell(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return String.format(Locale.ROOT, "%.2f", ((Number) value).doubleValue());
        }
        return value instanceof BigDecimal decimal ? String.format(Locale.ROOT, "%.2f", decimal)
                : String.valueOf(value);
    }

    private <T> void remember(Deque<T> recent, T value) {
        synchronized (this) {
            recent.addFirst(value);
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
    }

    @Override
    public void close() {
        closed = true; // the readers' blocked calls fail as the client goes: no interrupts, which Hazelcast logs
        client.shutdown();
    }

    /**
     * Keeps each device's latest fields, when they came and its interval, pushed by the member as the sink writes
     * them (the map's version guard keeps them in order).
     */
    private final class DeviceStateListener implements EntryAddedListener<Object, Object>,
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
            stateUpdates.incrementAndGet();
            String id = String.valueOf(event.getKey());
            Map<String, Object> fields = RecordFields.of(event.getValue());
            intervals.record(id, RecordFields.millis(fields, "ts"));
            devices.put(id, new Snapshot.Device(id, fields, System.currentTimeMillis(), intervals.intervalMillis(id)));
        }
    }
}
