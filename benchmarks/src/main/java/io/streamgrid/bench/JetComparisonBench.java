package io.streamgrid.bench;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.jet.Job;
import com.hazelcast.jet.Util;
import com.hazelcast.jet.config.JobConfig;
import com.hazelcast.jet.kafka.KafkaSources;
import com.hazelcast.jet.pipeline.Pipeline;
import com.hazelcast.jet.pipeline.Sinks;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Case 2b: what a Hazelcast user could run instead of our sink, a Jet job inside the member reading the topic
 * ({@code KafkaSources.kafka} into {@code Sinks.map}), against our sink in the Connect worker, on the same preloaded
 * topic (JSON readings keyed by device id), in the same run: into an IMap with an entry per reading, and into one
 * with the latest reading per device. Both are timed from the first entry in their map until it is complete (see
 * {@link Keying}); both store the value as a {@code HazelcastJsonValue}.
 */
final class JetComparisonBench {

    private static final String TOPIC = "jet_vs_sink";
    private static final int DEVICES = 1000;
    private static final long SAMPLE_MILLIS = 50;
    private static final long STALL_NANOS = 180_000_000_000L;

    private final BenchCluster cluster;
    private final int records;
    private final int rounds;
    /** Per device key, the id of its last reading in the topic: the map is complete when it holds all of these. */
    private final Map<String, String> lastIdOfDevice = new HashMap<>();

    JetComparisonBench(BenchCluster cluster, int records, int rounds) {
        this.cluster = cluster;
        this.records = records;
        this.rounds = rounds;
    }

    /** How the map is keyed, and so when it is complete. */
    private enum Keying {
        /** Every reading its own entry (PK id): complete when the map holds them all; order does not matter. */
        BY_READING,
        /**
         * The latest reading per device (the record key): complete, for our sink, when every device holds its last
         * reading. Jet's {@code Sinks.map} does not keep order per key ({@code putAllAsync} of up to 1,024 entries,
         * up to 1,000 calls in flight: {@code AsyncHazelcastWriterP.MAX_PARALLEL_ASYNC_OPS_DEFAULT}), so some devices
         * end on an older reading; it is complete when it has written every record (an entry listener counts them,
         * on both sides, so that both pay for it).
         */
        LATEST_PER_DEVICE
    }

    List<Result> run() {
        preload();
        List<Result> results = new ArrayList<>();
        for (Keying keying : Keying.values()) {
            double ours = 0;
            double jet = 0;
            int stale = 0;
            for (int round = 1; round <= rounds; round++) {
                ours = Math.max(ours, ourSink(keying, round));
                Outcome outcome = jetJob(keying, round);
                jet = Math.max(jet, outcome.rate());
                stale = Math.max(stale, outcome.staleDevices());
                System.out.printf("  %s, round %d: our sink %,.0f/s, Jet job %,.0f/s%s%n", keying, round, ours, jet,
                        keying == Keying.LATEST_PER_DEVICE ? " (Jet left " + outcome.staleDevices() + " of " + DEVICES
                                + " devices on an older reading)" : "");
            }
            results.add(keying == Keying.BY_READING
                    ? new Result("2b. IMAP, an entry per reading: Connect worker + our sink vs a Jet job in the member",
                    "sink connector IMAP", ours, "Jet KafkaSources -> Sinks.map", jet, "records/s", 0.8,
                    String.format("(%,d records, 1 partition)", records)) // issue #31's target
                    : new Result("2b. IMAP, latest reading per device: Connect worker + our sink vs a Jet job",
                    "sink connector IMAP", ours, "Jet KafkaSources -> Sinks.map", jet, "records/s", 1.0,
                    String.format("(%,d records, %,d devices; ours keeps order per key, Jet left up to %d devices on "
                            + "an older reading)", records, DEVICES, stale)));
        }
        return results;
    }

    /** A Jet run: its rate, and how many devices do not hold their last reading at its end. */
    private record Outcome(double rate, int staleDevices) {
    }

    private void preload() {
        System.out.println("Sink vs Jet: preloading " + records + " records keyed by device into topic " + TOPIC);
        cluster.preload(TOPIC, records, i -> {
            String json = Payloads.json100(i, DEVICES);
            String device = Payloads.device(json);
            lastIdOfDevice.put(device, Payloads.id(json));
            return new ProducerRecord<>(TOPIC, device.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8));
        });
    }

    private double ourSink(Keying keying, int round) {
        String name = "sink_" + keying.name().toLowerCase(java.util.Locale.ROOT) + "_" + round;
        Map<String, String> config = cluster.sinkConfig(TOPIC, "UPSERT INTO " + name + " SELECT * FROM " + TOPIC
                + (keying == Keying.BY_READING ? " PK id" : "") + " WITHFORMAT JSON STOREAS IMAP (jsonValue = true)");
        IMap<Object, Object> map = cluster.member.getMap(name);
        AtomicLong writes = new AtomicLong();
        UUID listener = keying == Keying.LATEST_PER_DEVICE ? countWrites(map, writes) : null;
        cluster.start(name, config, 1);
        try {
            long cpu = processCpuNanos();
            long wall = System.nanoTime();
            ThreadCpu threads = ThreadCpu.start();
            double rate = keying == Keying.BY_READING
                    ? Progress.rate("our sink (" + name + ")", map::size, 0, records)
                    : timeUntil("our sink (" + name + ")", map, () -> completeDevices(map) == DEVICES);
            System.out.printf("    our sink: %s; the JVM used %.2f of %d cores%n      %s%n", sinkMetrics(name),
                    (processCpuNanos() - cpu) / (double) (System.nanoTime() - wall),
                    Runtime.getRuntime().availableProcessors(), threads.report());
            return rate;
        } finally {
            cluster.delete(name);
            if (listener != null) {
                map.removeEntryListener(listener);
            }
            map.destroy();
        }
    }

    private Outcome jetJob(Keying keying, int round) {
        String name = "jet_" + keying.name().toLowerCase(java.util.Locale.ROOT) + "_" + round;
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", cluster.bootstrapServers());
        props.setProperty("group.id", name);
        props.setProperty("auto.offset.reset", "earliest");
        props.setProperty("key.deserializer", StringDeserializer.class.getName());
        props.setProperty("value.deserializer", StringDeserializer.class.getName());
        boolean byReading = keying == Keying.BY_READING;
        Pipeline pipeline = Pipeline.create();
        pipeline.readFrom(KafkaSources.<String, String, Map.Entry<String, HazelcastJsonValue>>kafka(props,
                        record -> Util.entry(byReading ? Payloads.id(record.value()) : record.key(),
                                new HazelcastJsonValue(record.value())), TOPIC))
                .withoutTimestamps()
                .writeTo(Sinks.map(name));
        IMap<Object, Object> map = cluster.member.getMap(name);
        AtomicLong writes = new AtomicLong();
        UUID listener = byReading ? null : countWrites(map, writes);
        long cpu = processCpuNanos();
        long wall = System.nanoTime();
        ThreadCpu threads = ThreadCpu.start();
        Job job = cluster.member.getJet().newJob(pipeline, new JobConfig().setName(name));
        try {
            double rate = byReading
                    ? Progress.rate("Jet job (" + name + ")", map::size, 0, records)
                    : timeUntil("Jet job (" + name + ")", map, () -> writes.get() >= records);
            System.out.printf("    Jet job: the JVM used %.2f of %d cores (job start included)%n      %s%n",
                    (processCpuNanos() - cpu) / (double) (System.nanoTime() - wall),
                    Runtime.getRuntime().availableProcessors(), threads.report());
            return new Outcome(rate, byReading ? 0 : DEVICES - completeDevices(map));
        } finally {
            job.cancel();
            if (listener != null) {
                map.removeEntryListener(listener);
            }
            map.destroy();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The sink task's own account (docs/metrics.md): write calls, their size and their round trip. */
    private static String sinkMetrics(String connector) {
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName task = new javax.management.ObjectName(
                    "kafka.connect:type=plugins,connector=" + connector + ",task=0");
            double calls = ((Number) server.getAttribute(task, "batches-total")).doubleValue();
            double out = ((Number) server.getAttribute(task, "records-out-total")).doubleValue();
            double latency = ((Number) server.getAttribute(task, "batch-latency-avg")).doubleValue();
            return String.format("%,.0f write calls of %,.0f entries on average, %.1f ms each on average", calls,
                    out / calls, latency);
        } catch (javax.management.JMException e) {
            return "(no task metrics: " + e + ")";
        }
    }

    /** A local listener counting every added or updated entry. */
    private static UUID countWrites(IMap<Object, Object> map, AtomicLong writes) {
        return map.addLocalEntryListener(new CountingListener(writes));
    }

    private record CountingListener(AtomicLong writes) implements EntryAddedListener<Object, Object>,
            EntryUpdatedListener<Object, Object> {
        @Override
        public void entryAdded(EntryEvent<Object, Object> event) {
            writes.incrementAndGet();
        }

        @Override
        public void entryUpdated(EntryEvent<Object, Object> event) {
            writes.incrementAndGet();
        }
    }

    /** Records per second from the first entry in the map to the sample at which {@code done} holds. */
    private double timeUntil(String what, IMap<Object, Object> map, java.util.function.BooleanSupplier done) {
        long first = 0;
        long deadline = System.nanoTime() + STALL_NANOS;
        while (true) {
            long now = System.nanoTime();
            if (first == 0 && !map.isEmpty()) {
                first = now;
            }
            if (first != 0 && done.getAsBoolean()) {
                return records / ((System.nanoTime() - first) / 1e9);
            }
            if (now > deadline) {
                throw new IllegalStateException(what + ": not done after " + STALL_NANOS / 1_000_000_000L + " s; "
                        + map.size() + " entries, " + completeDevices(map) + " devices on their last reading");
            }
            Sleep.millis(SAMPLE_MILLIS);
        }
    }

    private int completeDevices(IMap<Object, Object> map) {
        Map<Object, Object> entries = map.getAll(new HashSet<>(lastIdOfDevice.keySet()));
        int complete = 0;
        for (Map.Entry<String, String> last : lastIdOfDevice.entrySet()) {
            Object value = entries.get(last.getKey());
            if (value != null && value.toString().contains(last.getValue())) {
                complete++;
            }
        }
        return complete;
    }
}
