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
    /** Issue #18: IoT traffic is mostly many devices at low rates. */
    private static final double LOW_RATE_P99_LIMIT_MS = 20;
    /** Each flow of each run gets its own topic, map and connectors. */
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final BenchCluster cluster;
    private final Mosquitto broker;
    private final int perSecond;
    private final Duration duration;
    /** Settings added to both sources' configs (e.g. a producer override), named in the report. */
    private final Map<String, String> sourceSettings;

    LatencyBench(BenchCluster cluster, Mosquitto broker, int perSecond, Duration duration,
                 Map<String, String> sourceSettings) {
        this.cluster = cluster;
        this.broker = broker;
        this.perSecond = perSecond;
        this.duration = duration;
        this.sourceSettings = Map.copyOf(sourceSettings);
    }

    /**
     * Both flows at each rate with the worker's defaults, then at {@code tunedRate} with {@code tuned} settings (what
     * docs/benchmarks.md recommends for low latency); the p99 limit is {@code lowRateLimitMs} at rates up to 10/s
     * and 50 ms above.
     */
    static List<Result> runAll(BenchCluster cluster, Mosquitto broker, List<Integer> rates, Duration duration,
                               int tunedRate, Map<String, String> tuned) throws Exception {
        List<Result> results = new ArrayList<>();
        // the highest rate first: it warms the JIT up for the low rates, whose few readings would otherwise measure it
        for (int rate : rates.stream().sorted(java.util.Comparator.reverseOrder()).toList()) {
            System.out.println("Latency: " + rate + " readings/s for " + duration.toSeconds() + " s per flow, worker "
                    + "defaults");
            results.addAll(new LatencyBench(cluster, broker, rate, duration, Map.of()).run());
        }
        if (tunedRate > 0) {
            System.out.println("Latency: " + tunedRate + " readings/s for " + duration.toSeconds() + " s per flow, "
                    + tuned);
            results.addAll(new LatencyBench(cluster, broker, tunedRate, duration, tuned).run());
        }
        return results;
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
        String counts = String.format("(%,d readings measured, %,d of %,d published reached the map; max %.1f ms)",
                latencies.count(), latencies.arrived(), latencies.published(), latencies.percentile(100));
        String name = "5. " + flow + " -> Hazelcast at " + perSecond + "/s"
                + (sourceSettings.isEmpty() ? "" : ", " + sourceSettings.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(java.util.stream.Collectors.joining(", ")));
        double limit = perSecond <= 10 ? LOW_RATE_P99_LIMIT_MS : 50;
        return List.of(
                Result.atMost(name + ", p50", "p50", latencies.percentile(50), "ms", 0, counts),
                Result.atMost(name + ", p99", "p99", latencies.percentile(99), "ms", limit, counts));
    }

    private Latencies mqttFlow() throws Exception {
        String topic = "latency_mqtt_" + RUNS.incrementAndGet();
        Map<String, String> source = new HashMap<>();
        source.put("connector.class", "io.streamgrid.mqtt.MqttSourceConnector");
        source.put("tasks.max", "1");
        source.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        source.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        source.put("connect.mqtt.hosts", broker.url());
        source.put("connect.mqtt.client.id", "latency-source");
        source.put("connect.mqtt.service.quality", "1");
        source.put("connect.mqtt.kcql", "INSERT INTO " + topic + " SELECT * FROM latency/+/data");
        source.putAll(sourceSettings);
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
        String topic = "latency_coap_" + RUNS.incrementAndGet();
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
            source.putAll(sourceSettings);
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
        Recorder inKafka = new Recorder(perSecond * (int) (duration.toSeconds() + WARMUP.toSeconds() + 10));
        KafkaWatch watch = new KafkaWatch(cluster.bootstrapServers(), topic, inKafka);
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
            System.out.printf("    device -> readable in Kafka: %s%n", inKafka.after(start + WARMUP.toNanos(),
                    published, 0).percentiles());
            return recorder.after(start + WARMUP.toNanos(), published, entries.size());
        } finally {
            watch.close();
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

        String percentiles() {
            return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(50), percentile(90),
                    percentile(99), percentile(100));
        }

        @Override
        public String toString() {
            return String.format("%d readings measured, %d of %d published reached the map, p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms", count(), arrived, published, percentile(50), percentile(99), percentile(100));
        }
    }

    /**
     * A consumer of the topic with the consumer's default fetch settings, in this JVM: when each reading became
     * readable in Kafka, to tell the source's part of the latency from the sink's.
     */
    private static final class KafkaWatch implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        KafkaWatch(String bootstrap, String topic, Recorder recorder) {
            java.util.Properties props = new java.util.Properties();
            props.put("bootstrap.servers", bootstrap);
            props.put("group.id", "latency-watch-" + topic);
            props.put("auto.offset.reset", "earliest");
            props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
            props.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
            thread = new Thread(() -> {
                try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], String> consumer =
                             new org.apache.kafka.clients.consumer.KafkaConsumer<>(props)) {
                    consumer.subscribe(List.of(topic));
                    while (running) {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> recorder.record(r.value()));
                    }
                }
            }, "latency-kafka-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
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
