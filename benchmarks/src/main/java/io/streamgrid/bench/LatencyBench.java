package io.streamgrid.bench;

import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Case 5: from a device's publish to the reading being visible in Hazelcast, through both flows a user runs (device
 * -> MQTT source -> Kafka -> Hazelcast sink, and device -> CoAP source -> Kafka -> Hazelcast sink), at a steady
 * rate. Every reading carries the {@code System.nanoTime()} of its publish; an entry listener on the member (same
 * JVM, same clock) takes the difference when the entry is added to the map.
 */
final class LatencyBench {

    private static final Duration WARMUP = Duration.ofSeconds(5);

    private final BenchCluster cluster;
    private final Mosquitto broker;
    private final int perSecond;
    private final Duration duration;

    LatencyBench(BenchCluster cluster, Mosquitto broker, int perSecond, Duration duration) {
        this.cluster = cluster;
        this.broker = broker;
        this.perSecond = perSecond;
        this.duration = duration;
    }

    List<Result> run() throws Exception {
        List<Result> results = new ArrayList<>();
        results.addAll(report("MQTT", mqttFlow()));
        results.addAll(report("CoAP", coapFlow()));
        return results;
    }

    /** A reading: its sequence number and the moment it was published. */
    static String reading(long seq) {
        return "{\"seq\":" + seq + ",\"sent\":" + System.nanoTime() + ",\"temperature\":21.5}";
    }

    private List<Result> report(String flow, Latencies latencies) {
        System.out.printf("  %s flow: %s%n", flow, latencies);
        String counts = String.format("(%,d readings measured at %d/s, %,d of %,d published reached the map; max %.1f ms)",
                latencies.count(), perSecond, latencies.arrived(), latencies.published(), latencies.percentile(100));
        return List.of(
                Result.atMost("5. " + flow + " -> Hazelcast latency p50", "p50", latencies.percentile(50), "ms", 0,
                        counts),
                Result.atMost("5. " + flow + " -> Hazelcast latency p99", "p99", latencies.percentile(99), "ms", 50,
                        counts));
    }

    private Latencies mqttFlow() throws Exception {
        String topic = "latency_mqtt";
        Map<String, String> source = new HashMap<>();
        source.put("connector.class", "io.streamgrid.mqtt.MqttSourceConnector");
        source.put("tasks.max", "1");
        source.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        source.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        source.put("connect.mqtt.hosts", broker.url());
        source.put("connect.mqtt.client.id", "latency-source");
        source.put("connect.mqtt.service.quality", "1");
        source.put("connect.mqtt.kcql", "INSERT INTO " + topic + " SELECT * FROM latency/+/data");
        MqttAsyncClient device = new MqttAsyncClient(broker.url(), "latency-device", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        device.connect(options).waitForCompletion();
        try {
            return measure(topic, source, seq -> device.publish("latency/dev-" + (seq % 100) + "/data",
                    reading(seq).getBytes(StandardCharsets.UTF_8), 1, false), null, null);
        } finally {
            device.disconnect().waitForCompletion();
            device.close();
        }
    }

    private Latencies coapFlow() throws Exception {
        String topic = "latency_coap";
        try (BenchCoapServer device = new BenchCoapServer(perSecond, LatencyBench::reading)) {
            Map<String, String> source = new HashMap<>();
            source.put("connector.class", "io.streamgrid.coap.CoapSourceConnector");
            source.put("tasks.max", "1");
            source.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            source.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            source.put("value.converter.schemas.enable", "false");
            source.put("connect.coap.uri", device.uri());
            source.put("connect.coap.kcql", "INSERT INTO " + topic
                    + " SELECT payload.seq AS seq, payload.sent AS sent FROM bench");
            return measure(topic, source, null, device::published, device::stopPublishing);
        }
    }

    @FunctionalInterface
    private interface Publisher {
        void publish(long seq) throws Exception;
    }

    /**
     * Starts the source and a sink that upserts each reading into a map by its sequence number, then publishes at
     * the rate (unless the device paces itself: {@code publisher} null) and records one latency per new entry.
     */
    private Latencies measure(String topic, Map<String, String> source, Publisher publisher,
            LongSupplier devicePublished, Runnable stopDevice) throws Exception {
        String map = topic + "_state";
        Map<String, String> sink = cluster.sinkConfig(topic,
                "UPSERT INTO " + map + " SELECT * FROM " + topic + " PK seq WITHFORMAT JSON STOREAS IMAP");
        cluster.connect.kafka().createTopic(topic, 1);
        Recorder recorder = new Recorder(perSecond * (int) (duration.toSeconds() + WARMUP.toSeconds() + 10));
        IMap<Object, Object> entries = cluster.member.getMap(map);
        UUID listener = entries.addEntryListener((EntryAddedListener<Object, Object>) event ->
                recorder.record(String.valueOf(event.getValue())), true);
        cluster.start(topic + "_sink", sink, 1);
        cluster.start(topic + "_source", source, 1);
        try {
            long total = (WARMUP.toSeconds() + duration.toSeconds()) * perSecond;
            long start = System.nanoTime();
            if (publisher != null) {
                for (long seq = 1; seq <= total; seq++) {
                    long wait = start + seq * 1_000_000_000L / perSecond - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    publisher.publish(seq);
                }
            } else {
                Sleep.millis((WARMUP.toSeconds() + duration.toSeconds()) * 1000);
            }
            if (publisher == null) {
                stopDevice.run();
            }
            long published = publisher != null ? total : devicePublished.getAsLong() + 1; // + its first value
            Sleep.millis(3000); // the last readings arrive
            return recorder.after(start + WARMUP.toNanos(), published, entries.size());
        } finally {
            cluster.delete(topic + "_source");
            cluster.delete(topic + "_sink");
            entries.removeEntryListener(listener);
        }
    }

    /** Latencies of readings published after the warm-up, in ms. */
    record Latencies(double[] millis, long published, long arrived) {

        int count() {
            return millis.length;
        }

        double percentile(double p) {
            if (millis.length == 0) {
                throw new IllegalStateException("no reading reached Hazelcast");
            }
            int index = (int) Math.ceil(p / 100 * millis.length) - 1;
            return millis[Math.max(0, Math.min(millis.length - 1, index))];
        }

        @Override
        public String toString() {
            return String.format("%d readings measured, %d of %d published reached the map, p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms", count(), arrived, published, percentile(50), percentile(99), percentile(100));
        }
    }

    /** Collects (publish time, arrival time) pairs from the listener's thread. */
    private static final class Recorder {
        private final long[] sent;
        private final long[] arrived;
        private final AtomicInteger next = new AtomicInteger();

        Recorder(int capacity) {
            sent = new long[capacity];
            arrived = new long[capacity];
        }

        void record(String value) {
            long now = System.nanoTime();
            int at = value.indexOf("\"sent\":");
            if (at < 0) {
                throw new IllegalStateException("a reading without its publish time: " + value);
            }
            int from = at + 7;
            int to = from;
            while (to < value.length() && (Character.isDigit(value.charAt(to)) || value.charAt(to) == '-')) {
                to++;
            }
            int i = next.getAndIncrement();
            if (i < sent.length) {
                sent[i] = Long.parseLong(value.substring(from, to));
                arrived[i] = now;
            }
        }

        Latencies after(long warmedUp, long published, long inMap) {
            int n = Math.min(next.get(), sent.length);
            double[] millis = new double[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (sent[i] >= warmedUp) {
                    millis[count++] = (arrived[i] - sent[i]) / 1e6;
                }
            }
            double[] measured = Arrays.copyOf(millis, count);
            Arrays.sort(measured);
            return new Latencies(measured, published, inMap);
        }
    }
}
