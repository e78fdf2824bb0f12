package io.streamgrid.bench;

import com.hazelcast.core.HazelcastInstance;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * What a user runs: a Kafka broker and one Connect worker (in this JVM) whose plugin.path holds only the packaged
 * plugins, and a Hazelcast member. Connectors are created through the worker's REST API.
 */
final class BenchCluster implements AutoCloseable {

    static final Path PLUGINS = Path.of(System.getProperty("streamgrid.plugins", "../target/plugins")).toAbsolutePath();

    final EmbeddedConnectCluster connect;
    final HazelcastInstance member;
    private final int hazelcastPort = FreePorts.one();
    private final Admin admin;

    BenchCluster(int ringbufferCapacity) {
        File[] plugins = PLUGINS.toFile().listFiles(File::isDirectory);
        if (plugins == null || plugins.length < 3) {
            throw new IllegalStateException("no packaged plugins in " + PLUGINS
                    + ": run mvn -B -q install -DskipTests first");
        }
        member = Member.start(hazelcastPort, ringbufferCapacity);
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.path", PLUGINS.toString());
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", "1000");
        connect = (EmbeddedConnectCluster) new EmbeddedConnectCluster.Builder().name("bench").numWorkers(1)
                .workerProps(workerProps).build();
        connect.start();
        admin = connect.kafka().createAdminClient();
    }

    String bootstrapServers() {
        return connect.kafka().bootstrapServers();
    }

    String hazelcastAddress() {
        return "127.0.0.1:" + hazelcastPort;
    }

    /** The Hazelcast sink's connection settings for this member. */
    Map<String, String> hazelcastSettings() {
        return Map.of("connect.hazelcast.cluster.members", hazelcastAddress(),
                "connect.hazelcast.cluster.name", Member.CLUSTER);
    }

    /** A Hazelcast sink of one task on this member, reading text values (JSON strings) as users of JSON do. */
    Map<String, String> sinkConfig(String topic, String kcql) {
        Map<String, String> config = new HashMap<>(hazelcastSettings());
        config.put("connector.class", "io.streamgrid.hazelcast.HazelcastSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("connect.hazelcast.kcql", kcql);
        return config;
    }

    /** Creates the connector through REST and waits until it and its tasks run. */
    void start(String name, Map<String, String> config, int tasks) {
        connect.configureConnector(name, config);
        try {
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, name + " did not start");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void delete(String name) {
        connect.deleteConnector(name);
    }

    /**
     * Creates a one-partition topic and fills it with {@code records} records, produced in large batches; fails
     * unless the topic then holds exactly that many.
     */
    void preload(String topic, int records,
                 IntFunction<ProducerRecord<byte[], byte[]>> record) {
        connect.kafka().createTopic(topic, 1);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer =
                     connect.kafka().createProducer(props)) {
            for (int i = 0; i < records; i++) {
                producer.send(record.apply(i));
            }
            producer.flush();
        }
        long stored = recordsIn(topic);
        if (stored != records) {
            throw new IllegalStateException("preloaded " + stored + " records into " + topic + ", not " + records);
        }
    }

    /** Records in the topic: the sum of its partitions' end offsets. */
    long recordsIn(String topic) {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
            return ends.values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        admin.close();
        connect.stop();
        member.shutdown();
    }
}
