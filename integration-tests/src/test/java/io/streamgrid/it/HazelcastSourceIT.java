package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.properties.ClientProperty;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Hazelcast source as users run it: the packaged plugin on the plugin.path of a Kafka Connect 4.3 worker (a
 * process of its own, {@code exactly.once.source.support=enabled}) reading two Hazelcast member processes, read back
 * by a consumer with {@code isolation.level=read_committed}: a map's journal mirrored into a compacted topic, every
 * item exactly once though the worker is killed with kill -9 mid-stream, and nothing lost when one of the two members
 * is killed. Run alone: {@code mvn -B -q install -DskipTests && mvn -B -pl integration-tests verify
 * -Dit.test=HazelcastSourceIT}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class) // the member kill comes last
class HazelcastSourceIT {

    private static final String CONNECTOR_CLASS = "io.streamgrid.hazelcast.source.HazelcastSourceConnector";

    private static KafkaRelease kafka;
    private static MemberProcesses members;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "hazelcast-source", String.valueOf(System.nanoTime())))
                .toAbsolutePath();
        members = new MemberProcesses(2, dir);
        kafka = new KafkaRelease("4.3", CompatibilityMatrixIT.TEST_JDK, dir, 1,
                Map.of("exactly.once.source.support", "enabled"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (members != null) {
            members.close();
        }
    }

    private static void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get();
        }
    }

    /** A source connector reading {@code kcql}, strings in and out, that runs only with exactly-once delivery. */
    private static void postSource(String name, String kcql) {
        ConnectRest.post(kafka.restUrl(), ConnectRest.connector(name, Map.of(
                "connector.class", CONNECTOR_CLASS,
                "tasks.max", "1",
                "exactly.once.support", "required",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "producer.override.linger.ms", "0",
                // a killed task's open transaction holds back every reader of the offsets topic (the restarted
                // worker's too) until the broker aborts it: after 10 s instead of the default 60
                "producer.override.transaction.timeout.ms", "10000",
                "connect.hazelcast.cluster.members", members.addresses(),
                "connect.hazelcast.cluster.name", members.clusterName(),
                "connect.hazelcast.kcql", kcql)));
        ConnectRest.awaitRunning(kafka.restUrl(), name, 1);
    }

    /** A consumer of one topic that sees only committed transactions, as an exactly-once reader must. */
    private static final class Committed implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

        Committed(String topic) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                    new StringDeserializer());
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        }

        /** Everything read so far, after one more poll. */
        List<ConsumerRecord<String, String>> poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    @Test
    void aThePackagedPluginOffersTheSourceFromPluginPath() {
        assertThat(ConnectCluster.pluginClasses(ConnectRest.plugins(kafka.restUrl()))).contains(CONNECTOR_CLASS);
    }

    @Test
    void bAMapsJournalMirroredIntoACompactedTopic() throws Exception {
        createTopic("state_mirror", Map.of("cleanup.policy", "compact"));
        postSource("journal-mirror", "INSERT INTO state_mirror SELECT * FROM journal-mirror WITHTYPE MAP_JOURNAL");
        IMap<Object, Object> map = members.client().getMap("journal-mirror");
        int changes = 0;
        for (int i = 0; i < 60; i++) {
            map.set("device-" + i, "on");
            changes++;
        }
        for (int i = 0; i < 60; i += 2) {
            map.set("device-" + i, "off");
            changes++;
        }
        for (int i = 0; i < 60; i += 3) {
            map.delete("device-" + i);
            changes++;
        }
        Map<String, String> expected = new HashMap<>();
        map.forEach((key, value) -> expected.put((String) key, (String) value));

        int total = changes;
        try (Committed reader = new Committed("state_mirror")) {
            await("the topic mirrors the map").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .untilAsserted(() -> {
                        List<ConsumerRecord<String, String>> records = reader.poll();
                        assertThat(records).as("one record per change, exactly once").hasSize(total);
                        Map<String, String> mirror = new HashMap<>();
                        for (ConsumerRecord<String, String> record : records) {
                            if (record.value() == null) {
                                mirror.remove(record.key());
                            } else {
                                mirror.put(record.key(), record.value());
                            }
                        }
                        assertThat(mirror).isEqualTo(expected);
                    });
        }
        ConnectRest.delete(kafka.restUrl(), "journal-mirror");
    }

    @Test
    void cEveryItemExactlyOnceThoughTheWorkerIsKilledMidStream() throws Exception {
        int total = 20_000;
        createTopic("eos_items", Map.of());
        postSource("eos", "INSERT INTO eos_items SELECT * FROM big-eos WITHTYPE RING_BUFFER");
        Ringbuffer<Object> ringbuffer = members.client().getRingbuffer("big-eos");
        AtomicInteger added = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (Committed reader = new Committed("eos_items")) {
            writer.scheduleAtFixedRate(() -> addItems(ringbuffer, added, 200, total), 0, 20, TimeUnit.MILLISECONDS);
            await("records before the kill").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .until(() -> reader.poll().size() >= 2_000);

            kafka.worker(0).kill();
            int beforeKill = reader.poll().size();
            assertThat(beforeKill).as("killed mid-stream").isLessThan(total);
            await("the rest written").atMost(Duration.ofSeconds(60)).until(() -> added.get() >= total);
            kafka.restartWorker(0);

            assertRead(reader, total, "item-", "the worker killed with kill -9 after " + beforeKill
                    + " committed records", true);
        } finally {
            writer.shutdownNow();
            ConnectRest.delete(kafka.restUrl(), "eos");
        }
    }

    @Test
    void dNothingLostWhenOneOfTwoMembersIsKilled() throws Exception {
        int total = 10_000;
        createTopic("member_items", Map.of());
        createTopic("member_changes", Map.of());
        postSource("members", "INSERT INTO member_items SELECT * FROM big-members WITHTYPE RING_BUFFER; "
                + "INSERT INTO member_changes SELECT * FROM journal-members WITHTYPE MAP_JOURNAL");
        HazelcastInstance client = writer();
        Ringbuffer<Object> ringbuffer = client.getRingbuffer("big-members");
        IMap<Object, Object> map = client.getMap("journal-members");
        AtomicInteger added = new AtomicInteger();
        AtomicInteger set = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (Committed items = new Committed("member_items"); Committed changes = new Committed("member_changes")) {
            writer.scheduleAtFixedRate(() -> {
                addItems(ringbuffer, added, 100, total);
                setEntries(map, set, 100, total);
            }, 0, 20, TimeUnit.MILLISECONDS);
            await("records before the kill").atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .until(() -> items.poll().size() >= 1_000);

            members.member(1).kill();

            // a write whose member died before it answered is written again by the test's client: the copy is the
            // writer's, so only losses count here (the worker's exactly-once is the test before)
            assertRead(items, total, "item-", "one of two members killed with kill -9 (ringbuffer)", false);
            assertRead(changes, total, "value-", "one of two members killed with kill -9 (map journal)", false);
        } finally {
            writer.shutdownNow();
            client.shutdown();
        }
    }

    /**
     * A client whose writes count only once their backup has them, as the sink's do: with Hazelcast's default a write
     * whose owner dies between its answer and its backup is gone from the cluster (and from the journal) though the
     * client was told it was done, which a test of the source must not take for the source's loss.
     */
    private static HazelcastInstance writer() {
        ClientConfig config = new ClientConfig();
        config.setClusterName(members.clusterName());
        List.of(members.addresses().split(",")).forEach(config.getNetworkConfig()::addAddress);
        config.setBackupAckToClientEnabled(false);
        config.setProperty(ClientProperty.FAIL_ON_INDETERMINATE_OPERATION_STATE.getName(), "true");
        return HazelcastClient.newHazelcastClient(config);
    }

    /** Adds the next {@code count} items (item-N), up to {@code total}; a call the cluster refuses is made again. */
    private static void addItems(Ringbuffer<Object> ringbuffer, AtomicInteger added, int count, int total) {
        int from = added.get();
        int to = Math.min(total, from + count);
        if (from >= to) {
            return;
        }
        List<Object> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add("item-" + i);
        }
        try {
            ringbuffer.addAllAsync(items, OverflowPolicy.OVERWRITE).toCompletableFuture().get(30, TimeUnit.SECONDS);
            added.set(to);
        } catch (Exception e) { // a member just died: the next run writes them again (a repeat is the writer's)
            System.out.println("HAZELCAST SOURCE IT | adding items " + from + ".." + to + " failed, again: " + e);
        }
    }

    /** Sets the next {@code count} entries (key-N = value-N), at most up to {@code total}. */
    private static void setEntries(IMap<Object, Object> map, AtomicInteger set, int count, int total) {
        int from = set.get();
        int to = Math.min(total, from + count);
        if (from >= to) {
            return;
        }
        Map<Object, Object> entries = new HashMap<>();
        for (int i = from; i < to; i++) {
            entries.put("key-" + i, "value-" + i);
        }
        try {
            map.setAllAsync(entries).toCompletableFuture().get(30, TimeUnit.SECONDS);
            set.set(to);
        } catch (Exception e) {
            System.out.println("HAZELCAST SOURCE IT | setting entries " + from + ".." + to + " failed, again: " + e);
        }
    }

    /**
     * The reader sees every one of {@code prefix0..prefix(total-1)} ({@code once}: each exactly once); prints the
     * counts as the reliability page has them.
     */
    private static void assertRead(Committed reader, int total, String prefix, String scenario, boolean once) {
        Set<String> distinct = new HashSet<>();
        int[] seen = new int[1];
        await(scenario).atMost(Duration.ofSeconds(120)).pollInSameThread().untilAsserted(() -> {
            List<ConsumerRecord<String, String>> records = reader.poll();
            distinct.clear();
            records.forEach(r -> distinct.add(r.value()));
            seen[0] = records.size();
            assertThat(distinct).as(scenario + ": distinct values read").hasSize(total);
        });
        System.out.printf("HAZELCAST SOURCE | %s | written %d | read %d | lost %d | duplicates %d%n", scenario, total,
                seen[0], total - distinct.size(), seen[0] - distinct.size());
        if (once) {
            assertThat(seen[0]).as(scenario + ": every value exactly once (read_committed)").isEqualTo(total);
        }
        for (int i = 0; i < total; i += 997) {
            assertThat(distinct).contains(prefix + i);
        }
    }
}
