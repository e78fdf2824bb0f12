package io.streamgrid.hazelcast.source;

import static org.awaitility.Awaitility.await;

import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.hazelcast.HazelcastMembers;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Runs Hazelcast source tasks as a worker would, with an offset store of its own: what {@link #commit} was given is
 * what a restarted task finds, as Connect's committed offsets.
 */
final class SourceHarness implements AutoCloseable {

    private static final AtomicInteger CONNECTORS = new AtomicInteger();

    private final HazelcastMembers members;
    private final String connector = "hazelcast-source-" + CONNECTORS.incrementAndGet();
    private final Map<Map<String, Object>, Map<String, Object>> committed = new ConcurrentHashMap<>();
    private final List<HazelcastSourceTask> running = new ArrayList<>();

    SourceHarness(HazelcastMembers members) {
        this.members = members;
    }

    /**
     * Task properties: the KCQL, the members, then key/value pairs of further settings. Heartbeats are off unless a
     * test sets their interval (or removes the setting): the records a test polls are then only the items'.
     */
    Map<String, String> props(String kcql, String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", connector);
        props.put(TaskIds.TASK_ID_CONFIG, "0");
        props.put("connect.hazelcast.kcql", kcql);
        props.put("connect.hazelcast.cluster.members", members.addresses());
        props.put("connect.hazelcast.cluster.name", members.clusterName());
        props.put("connect.hazelcast.source.heartbeat.interval", "0");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    HazelcastSourceTask start(Map<String, String> props) {
        HazelcastSourceTask task = new HazelcastSourceTask();
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new Offsets();
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(props);
        running.add(task);
        return task;
    }

    /** Polls until at least {@code count} records came (at most 60 s). */
    static List<SourceRecord> poll(HazelcastSourceTask task, int count) {
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
            List<SourceRecord> polled = task.poll();
            if (polled != null) {
                records.addAll(polled);
            }
            return records.size() >= count;
        });
        return records;
    }

    /**
     * The items the records skip, one record to the next (all of one source partition): the losses they show. A loss
     * counted in lost-total that no jump shows lies before the first record, where the task started: a false gap.
     */
    static long visibleJumps(List<SourceRecord> records) {
        long jumps = 0;
        for (int i = 1; i < records.size(); i++) {
            long step = (Long) records.get(i).sourceOffset().get("sequence")
                    - (Long) records.get(i - 1).sourceOffset().get("sequence");
            jumps += Math.max(0, step - 1);
        }
        return jumps;
    }

    /** Polls until a record {@code last} holds for came (at most 60 s); every record polled until then. */
    static List<SourceRecord> pollUntil(HazelcastSourceTask task, Predicate<SourceRecord> last) {
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
            List<SourceRecord> polled = task.poll();
            if (polled != null) {
                records.addAll(polled);
            }
            return records.stream().anyMatch(last);
        });
        return records;
    }

    /** Kafka has the records: the task is told, and their offsets are committed. */
    void commit(HazelcastSourceTask task, List<SourceRecord> records) throws InterruptedException {
        for (SourceRecord record : records) {
            task.commitRecord(record, new RecordMetadata(new TopicPartition(record.topic(), 0), 0, 0,
                    System.currentTimeMillis(), 0, 0));
            committed.put(new HashMap<>(record.sourcePartition()), new HashMap<>(record.sourceOffset()));
        }
    }

    /** An offset as a worker of an earlier release committed it, or as a test wants it. */
    void commitOffset(Map<String, Object> sourcePartition, Map<String, Object> offset) {
        committed.put(new HashMap<>(sourcePartition), new HashMap<>(offset));
    }

    /** The offset committed for a source partition, or null. */
    Map<String, Object> committedOffset(Map<String, Object> sourcePartition) {
        return committed.get(sourcePartition);
    }

    void stop(HazelcastSourceTask task) {
        task.stop();
        running.remove(task);
    }

    /** A metric of the connector's task 0, as JMX shows it (with the extra tags, if any). */
    Object metric(String name, String extraTags) throws Exception {
        ObjectName bean = new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0"
                + (extraTags == null ? "" : "," + extraTags));
        return ManagementFactory.getPlatformMBeanServer().getAttribute(bean, name);
    }

    @Override
    public void close() {
        new ArrayList<>(running).forEach(this::stop);
    }

    /** The committed offsets, as the worker's offset reader gives them. */
    private final class Offsets implements OffsetStorageReader {
        @Override
        @SuppressWarnings("unchecked")
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return committed.get((Map<String, Object>) partition);
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
            for (Map<String, T> partition : partitions) {
                Map<String, Object> offset = offset(partition);
                if (offset != null) {
                    found.put(partition, offset);
                }
            }
            return found;
        }
    }
}
