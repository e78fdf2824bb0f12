package io.streamgrid.bench;

import com.hazelcast.core.HazelcastInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Case 2: a topic preloaded with records, drained by the Hazelcast sink running in a real Connect worker, against a
 * plain Kafka consumer reading the same topic in the same JVM. Both are timed from their first record to their
 * last, so the group join and the task start are left out of both.
 */
final class SinkEndToEndBench {

    private static final String TOPIC = "e2e";
    private static final int DEVICES = 1000;

    private final BenchCluster cluster;
    private final int records;
    private final int rounds;
    private final Set<String> only;

    SinkEndToEndBench(BenchCluster cluster, int records, int rounds, Set<String> only) {
        this.cluster = cluster;
        this.records = records;
        this.rounds = rounds;
        this.only = only;
    }

    /** A target: its KCQL tail and how many entries it holds on the member. */
    private record Target(String storeAs, String kcqlTail, Sizer size) {
    }

    @FunctionalInterface
    private interface Sizer {
        long of(HazelcastInstance member, String name);
    }

    List<Result> run() {
        preload();
        List<Target> targets = List.of(
                new Target("RING_BUFFER", "STOREAS RING_BUFFER", (m, name) -> m.getRingbuffer(name).tailSequence() + 1),
                new Target("IMAP", "PK id STOREAS IMAP", (m, name) -> m.getMap(name).size()));
        List<Result> results = new ArrayList<>();
        double discard = 0;
        double plainForDiscard = 0;
        for (int round = 1; round <= rounds; round++) {
            plainForDiscard = Math.max(plainForDiscard, plainConsumer("discard-" + round));
            discard = Math.max(discard, discardConnector(round));
            System.out.printf("  end to end, discarding sink round %d: %,.0f/s, plain consumer %,.0f/s%n", round,
                    discard, plainForDiscard);
        }
        results.add(new Result("2. the worker's own ceiling: a sink that discards vs plain consumer",
                "DiscardSinkConnector", discard, "KafkaConsumer", plainForDiscard, "records/s", 0, ""));
        for (Target target : targets) {
            if (!only.isEmpty() && !only.contains(target.storeAs())) {
                continue;
            }
            double ours = 0;
            double plain = 0;
            for (int round = 1; round <= rounds; round++) {
                plain = Math.max(plain, plainConsumer(target.storeAs() + "-" + round));
                ours = Math.max(ours, sinkConnector(target, round));
                System.out.printf("  end to end %s round %d: sink %,.0f/s, plain consumer %,.0f/s%n",
                        target.storeAs(), round, ours, plain);
            }
            results.add(new Result("2. " + target.storeAs() + " through a Connect worker vs plain consumer",
                    "sink connector " + target.storeAs(), ours, "KafkaConsumer", plain, "records/s", 0.8,
                    String.format("(%.2f of the discarding sink)", ours / discard)));
        }
        return results;
    }

    private void preload() {
        System.out.println("End to end: preloading " + records + " records into topic " + TOPIC);
        cluster.preload(TOPIC, records,
                i -> new ProducerRecord<>(TOPIC, Payloads.json100(i, DEVICES).getBytes(StandardCharsets.UTF_8)));
    }

    /** A consumer in its own group, as the worker's is, deserializing values to strings as the sink's converter does. */
    private double plainConsumer(String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "plain-" + group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long[] count = {0};
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long first = 0;
            long firstCount = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (count[0] < records) {
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
                batch.forEach(record -> count[0] += record.value().length() == 100 ? 1 : 0);
                if (first == 0 && count[0] > 0) {
                    first = System.nanoTime();
                    firstCount = count[0];
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the plain consumer read only " + count[0] + " records");
                }
            }
            return (count[0] - firstCount) / ((System.nanoTime() - first) / 1e9);
        }
    }

    private double discardConnector(int round) {
        String name = "e2e_discard_" + round;
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", DiscardSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", TOPIC);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        long start = DiscardSinkConnector.DiscardTask.COUNT.get();
        cluster.start(name, config, 1);
        try {
            return Progress.rate(name, DiscardSinkConnector.DiscardTask.COUNT::get, start, start + records);
        } finally {
            cluster.delete(name);
        }
    }

    private double sinkConnector(Target target, int round) {
        String name = "e2e_" + target.storeAs().toLowerCase() + "_" + round;
        Map<String, String> config = cluster.sinkConfig(TOPIC,
                "INSERT INTO " + name + " SELECT * FROM " + TOPIC + " WITHFORMAT JSON " + target.kcqlTail());
        LongSupplier stored = () -> target.size().of(cluster.member, name);
        cluster.start(name, config, 1);
        try {
            double rate = Progress.rate("sink connector " + name, stored, 0, records);
            if (stored.getAsLong() != records) { // ids are unique: one entry per record in either structure
                throw new IllegalStateException(name + " holds " + stored.getAsLong() + " entries, not " + records);
            }
            return rate;
        } finally {
            cluster.delete(name);
            cluster.member.getDistributedObjects().stream().filter(o -> o.getName().equals(name))
                    .forEach(o -> o.destroy());
        }
    }
}
