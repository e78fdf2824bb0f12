package io.streamgrid.bench;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.topic.ITopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Case 9: the Hazelcast source. Throughput: a ringbuffer preloaded with JSON items drained into Kafka by the source
 * in the Connect worker, against a raw client loop that does the same by hand ({@code readManyAsync} in batches of
 * 1,000 into a KafkaProducer), both counted in Kafka, both with the same producer settings; the source writes the same
 * records as the loop with {@code headers = false}, and is measured with its headers too. Latency: from publishing
 * to a reliable topic to the record being read from Kafka by a consumer (same JVM, same clock), at a steady low rate
 * with the settings docs/hazelcast-source.md recommends ({@code producer.override.linger.ms=0}).
 */
final class HazelcastSourceBench {

    private static final int BATCH = 1000;
    private static final int DEVICES = 1000;
    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final double P99_LIMIT_MS = 20;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final BenchCluster cluster;
    private final int items;
    private final int rounds;
    private final int latencyRate;
    private final Duration latencyDuration;

    HazelcastSourceBench(BenchCluster cluster, int items, int rounds, int latencyRate, Duration latencyDuration) {
        this.cluster = cluster;
        this.items = items;
        this.rounds = rounds;
        this.latencyRate = latencyRate;
        this.latencyDuration = latencyDuration;
    }

    List<Result> run() throws Exception {
        String ringbuffer = "source_bench_" + RUNS.incrementAndGet();
        preload(ringbuffer);
        double ours = 0;
        double withHeaders = 0;
        double raw = 0;
        for (int round = 1; round <= rounds; round++) {
            raw = Math.max(raw, rawLoop(ringbuffer, "r" + round));
            ours = Math.max(ours, sourceConnector(ringbuffer, "r" + round, false));
            withHeaders = Math.max(withHeaders, sourceConnector(ringbuffer, "h" + round, true));
            System.out.printf("  Hazelcast source round %d: source %,.0f/s (with its headers %,.0f/s), raw client "
                    + "loop %,.0f/s%n", round, ours, withHeaders, raw);
        }
        List<Result> results = new ArrayList<>();
        String caseName = "9. Hazelcast ringbuffer (" + String.format("%,d", items) + " JSON items) into Kafka vs raw "
                + "client loop";
        String settings = "WITHFORMAT TEXT, StringConverter; both producers batch.size=262144, linger.ms=5";
        results.add(new Result(caseName, "Hazelcast source, headers = false", ours,
                "readManyAsync(1,000) + KafkaProducer", raw, "items/s", 0.8, "(the same records as the raw loop: "
                + settings + ")"));
        results.add(new Result(caseName + ", with the hazelcast.* headers", "Hazelcast source", withHeaders,
                "readManyAsync(1,000) + KafkaProducer", raw, "items/s", 0, "(three headers a record, which the raw "
                + "loop does not write; " + settings + ")"));
        results.addAll(latency());
        return results;
    }

    private void preload(String name) throws Exception {
        Ringbuffer<Object> ringbuffer = cluster.member.getRingbuffer(name);
        List<Object> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < items; i++) {
            batch.add(Payloads.json100(i, DEVICES));
            if (batch.size() == BATCH || i == items - 1) {
                ringbuffer.addAllAsync(batch, OverflowPolicy.FAIL).toCompletableFuture().get(1, TimeUnit.MINUTES);
                batch = new ArrayList<>(BATCH);
            }
        }
        if (ringbuffer.size() != items) {
            throw new IllegalStateException("preloaded " + ringbuffer.size() + " items into " + name + ", not " + items);
        }
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }

    /** What a user writes without the connector: a client reading the ringbuffer into a producer, in one thread. */
    private double rawLoop(String ringbuffer, String run) throws Exception {
        String topic = "source_raw_" + run + "_" + RUNS.incrementAndGet();
        cluster.connect.kafka().createTopic(topic, 1);
        ClientConfig config = new ClientConfig();
        config.setClusterName(Member.CLUSTER);
        config.getNetworkConfig().addAddress(cluster.hazelcastAddress());
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        AtomicBoolean failed = new AtomicBoolean();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings(), new StringSerializer(),
                new StringSerializer())) {
            Ringbuffer<Object> source = client.getRingbuffer(ringbuffer);
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
                try {
                    long sequence = source.headSequence();
                    long end = sequence + items;
                    while (sequence < end) {
                        ReadResultSet<Object> read = source.readManyAsync(sequence, 1, BATCH, null)
                                .toCompletableFuture().get(1, TimeUnit.MINUTES);
                        for (Object item : read) {
                            producer.send(new ProducerRecord<>(topic, (String) item));
                        }
                        sequence = read.getNextSequenceToReadFrom();
                    }
                    producer.flush();
                } catch (Exception e) {
                    failed.set(true);
                    throw new IllegalStateException("the raw loop failed: " + e, e);
                }
            });
            double rate = Progress.rate("raw client loop", () -> failed.get() ? -1 : cluster.recordsIn(topic), 0,
                    items);
            loop.get(1, TimeUnit.MINUTES);
            return rate;
        } finally {
            client.shutdown();
        }
    }

    private Map<String, String> connectorConfig(String kcql) {
        String heartbeats = "source_heartbeats_" + RUNS.incrementAndGet(); // the embedded broker creates no topic
        cluster.connect.kafka().createTopic(heartbeats, 1);
        Map<String, String> config = new HashMap<>(cluster.hazelcastSettings());
        config.put("connect.hazelcast.source.heartbeat.topic", heartbeats);
        config.put("connector.class", "io.streamgrid.hazelcast.source.HazelcastSourceConnector");
        config.put("tasks.max", "1");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("connect.hazelcast.kcql", kcql);
        return config;
    }

    /** @param headers whether the records carry the hazelcast.* headers (the default) */
    private double sourceConnector(String ringbuffer, String run, boolean headers) {
        String name = "source_bench_" + run + "_" + RUNS.incrementAndGet();
        cluster.connect.kafka().createTopic(name, 1);
        Map<String, String> config = connectorConfig("INSERT INTO " + name + " SELECT * FROM " + ringbuffer
                + " WITHTYPE RING_BUFFER WITHFORMAT TEXT" + (headers ? "" : " PROPERTIES('headers' = 'false')"));
        config.put("producer.override.batch.size", "262144");
        config.put("producer.override.linger.ms", "5");
        cluster.start(name, config, 1);
        try {
            double rate = Progress.rate("Hazelcast source", () -> cluster.recordsIn(name), 0, items);
            long stored = cluster.recordsIn(name);
            if (stored != items) {
                throw new IllegalStateException(name + ": " + stored + " records in Kafka, not " + items);
            }
            return rate;
        } finally {
            cluster.delete(name);
        }
    }

    /**
     * Case 9b: messages published to a reliable topic at a steady rate, each carrying its {@code System.nanoTime()},
     * read from Kafka by a consumer that takes the difference; the first seconds are the warm-up.
     */
    private List<Result> latency() throws Exception {
        String name = "source_latency_" + RUNS.incrementAndGet();
        cluster.connect.kafka().createTopic(name, 1);
        Map<String, String> config = connectorConfig("INSERT INTO " + name + " SELECT * FROM " + name
                + " WITHTYPE RELIABLE_TOPIC WITHFORMAT TEXT");
        config.put("producer.override.linger.ms", "0");
        cluster.start(name, config, 1);
        List<Double> latencies = new ArrayList<>();
        AtomicInteger published = new AtomicInteger();
        int received = 0;
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(name, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            ITopic<Object> topic = cluster.member.getReliableTopic(name);
            long start = System.nanoTime();
            ScheduledFuture<?> publishing = publisher.scheduleAtFixedRate(() -> topic.publish(
                    published.getAndIncrement() + "," + System.nanoTime()), 0, 1_000_000_000L / latencyRate,
                    TimeUnit.NANOSECONDS);
            long stopAt = start + WARMUP.toNanos() + latencyDuration.toNanos();
            long deadline = stopAt + Duration.ofSeconds(30).toNanos(); // what has not come by then is missing
            boolean stopped = false;
            while (System.nanoTime() < deadline && !(stopped && received >= published.get())) {
                if (!stopped && System.nanoTime() >= stopAt) {
                    publishing.cancel(false);
                    stopped = true;
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(10))) {
                    long now = System.nanoTime();
                    long sent = Long.parseLong(record.value().substring(record.value().indexOf(',') + 1));
                    received++;
                    if (sent - start >= WARMUP.toNanos()) {
                        latencies.add((now - sent) / 1e6);
                    }
                }
            }
        } finally {
            publisher.shutdownNow();
            cluster.delete(name);
        }
        if (received < published.get()) {
            throw new IllegalStateException(name + ": " + received + " of " + published.get() + " messages read");
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("  Hazelcast source latency at %d/s: %d measured, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                latencyRate, sorted.length, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100));
        String counts = String.format("(%,d messages measured after a %d s warm-up; max %.1f ms)", sorted.length,
                WARMUP.toSeconds(), percentile(sorted, 100));
        String caseName = "9b. Hazelcast reliable topic -> readable in Kafka at " + latencyRate
                + "/s, producer.override.linger.ms=0";
        return List.of(Result.atMost(caseName + ", p50", "p50", percentile(sorted, 50), "ms", 0, counts),
                Result.atMost(caseName + ", p99", "p99", percentile(sorted, 99), "ms", P99_LIMIT_MS, counts));
    }

    private static double percentile(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percent / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
