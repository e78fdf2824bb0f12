package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.config.RingbufferStoreConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.RingbufferStore;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink against a real member whose stores the test holds up: a call to Hazelcast that takes longer than the
 * write timeout, and batches in flight that stay there until the test lets them go.
 */
class SlowClusterTest {

    /** Ringbuffers whose store holds up the first call after {@link Gate#close()}. */
    private static final String HELD_RINGBUFFERS = "held_rb_*";
    /** Maps whose store holds up deletes of the key "held" while the gate is closed. */
    private static final String HELD_DELETES = "held_deletes_*";
    /** Maps whose store holds up every write while the gate is closed. */
    private static final String HELD_WRITES = "held_writes_*";
    private static final Gate GATE = new Gate();
    /** The map store's calls on the maps of {@link #HELD_DELETES}, in order: "delete key" or "store key=value". */
    private static final List<String> STORE_CALLS = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final SinkTaskFixture FIXTURE = new SinkTaskFixture(1, SlowClusterTest::slowStores);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "readings-" + suffix;
    private final TopicPartition partition = new TopicPartition(topic, 0);
    private final String connector = "slow-" + suffix;

    private static Config slowStores(Config config) {
        config.addRingBufferConfig(new RingbufferConfig(HELD_RINGBUFFERS).setRingbufferStoreConfig(
                new RingbufferStoreConfig().setEnabled(true).setStoreImplementation(new HeldRingbufferStore())));
        config.addMapConfig(new MapConfig(HELD_DELETES).setMapStoreConfig(new MapStoreConfig().setEnabled(true)
                .setWriteDelaySeconds(0).setImplementation(new HeldDeletesStore())));
        config.addMapConfig(new MapConfig(HELD_WRITES).setMapStoreConfig(new MapStoreConfig().setEnabled(true)
                .setWriteDelaySeconds(0).setImplementation(new HeldWritesStore())));
        return config;
    }

    @AfterEach
    void openTheGate() {
        GATE.open();
        STORE_CALLS.clear();
    }

    /**
     * A ringbuffer batch goes in calls of BATCH items, pipelined (overflow OVERWRITE): both calls are out when the
     * first is held up past the write timeout, and the second waits behind it on the ringbuffer's partition. The batch
     * fails and is retried. Nothing of the timed-out batch may go in once its retry has begun (its second call once
     * did, after the retry's, and the ringbuffer held the batch's tail twice and out of order), and the retry begins
     * only once the held calls have ended: the timed-out batch whole, then the retry whole, then the next batch.
     */
    @Test
    @Timeout(120)
    void aRingbufferBatchThatTimedOutWritesNothingAfterItsRetryBegan() throws Exception {
        String ringbuffer = "held_rb_" + suffix;
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        HazelcastSinkTask task = FIXTURE.start(context, "INSERT INTO " + ringbuffer + " SELECT v FROM " + topic
                        + " STOREAS RING_BUFFER BATCH = 2", "connect.hazelcast.error.policy", "RETRY",
                "connect.hazelcast.max.retries", "1000", "connect.hazelcast.retry.interval", "50",
                "connect.hazelcast.write.timeout", "1000", "name", connector);
        GATE.close();
        task.put(values(0, 4)); // one batch, calls [v0, v1] then [v2, v3]; the first is held up
        GATE.awaitHeld(1);

        int failures = 0;
        while (failures < 2) { // the timeout, then the retry's own attempt while the first call is still held
            try {
                task.put(List.of());
            } catch (RetriableException e) {
                failures++;
            }
            waitAsAsked(context);
        }
        GATE.open();
        putUntilCommitted(task, context, List.of(), 4);
        putUntilCommitted(task, context, values(4, 1), 5);

        Ringbuffer<Object> stored = FIXTURE.member().getRingbuffer(ringbuffer);
        List<Object> items = new ArrayList<>();
        for (long sequence = stored.headSequence(); sequence <= stored.tailSequence(); sequence++) {
            items.add(stored.readOne(sequence));
        }
        assertThat(items).as("the held calls land late; then the retry, whole and in order, then the next batch")
                .containsExactly(value(0), value(1), value(2), value(3), value(0), value(1), value(2), value(3),
                        value(4));
    }

    /**
     * Device state with tombstones: a batch deletes "held" (held up past the write timeout) and "d2". NOOP gives the
     * batch up, and a newer record writes "d2". The given-up batch must not delete it once the newer batch is on its
     * way: the newest value of every key is the one that stays. This is the client-side state writer's fence
     * (state.mode = client): on the members a batch's calls go to every partition at once, and a newer write of a key
     * queues behind the older call on that key's partition.
     */
    @Test
    @Timeout(120)
    void aTimedOutBatchCannotDeleteWhatANewerBatchWrote() throws Exception {
        String map = "held_deletes_" + suffix;
        HazelcastInstance member = FIXTURE.member();
        String other = keyOnAnotherPartition(member, "held");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        HazelcastSinkTask task = FIXTURE.start(context, "UPSERT INTO " + map + " SELECT * FROM " + topic
                        + " STOREAS IMAP (merge = true, jsonValue = true)", "connect.hazelcast.error.policy", "NOOP",
                "connect.hazelcast.write.timeout", "1000", "connect.hazelcast.state.mode", "client",
                "name", connector);
        GATE.close();
        task.put(List.of(tombstone(0, "held"), tombstone(1, other)));
        GATE.awaitHeld(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            task.put(List.of());
            return metric("dropped-total") >= 2; // NOOP gave the timed-out batch up
        });

        task.put(List.of(new SinkRecord(topic, 0, Schema.STRING_SCHEMA, other, Schema.STRING_SCHEMA,
                "{\"t\":2}", 2)));
        task.preCommit(Map.of(partition, new OffsetAndMetadata(3)));
        GATE.open();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            task.put(List.of());
            return commit(task, 3) == 3;
        });

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(member.getMap(map).get(other)).as("the newest value of " + other + " stays")
                        .isEqualTo(new HazelcastJsonValue("{\"t\":2}")));
        assertThat(STORE_CALLS.stream().filter(call -> call.contains(other)).toList())
                .as("the given-up batch's delete of " + other + " is never made after the newer write")
                .last().asString().startsWith("store " + other);
        assertThat(STORE_CALLS).as("the given-up batch made no call once it timed out (its fence): it never deleted "
                + other + ", not even before the newer write").doesNotContain("delete " + other);
    }

    /**
     * connect.hazelcast.max.in.flight = 1 with two structures that both have records when the offset commit
     * flushes them: one batch goes, the other waits for its place (the flush sent both at once).
     */
    @Test
    @Timeout(120)
    void noMoreBatchesThanMaxInFlightAreInFlightWhenTheCommitFlushesSeveralStructures() throws Exception {
        String first = "held_writes_a_" + suffix;
        String second = "held_writes_b_" + suffix;
        HazelcastSinkTask task = FIXTURE.start("INSERT INTO " + first + " SELECT * FROM " + topic + " PK v STOREAS IMAP; "
                        + "INSERT INTO " + second + " SELECT * FROM " + topic + " PK v STOREAS IMAP",
                "connect.hazelcast.max.in.flight", "1", "connect.hazelcast.linger.ms", "600000",
                "connect.hazelcast.write.timeout", "60000", "name", connector);
        task.put(values(0, 3));
        assertThat(metric("in-flight-batches")).as("linger keeps them buffered").isZero();
        GATE.close();
        Thread committer = new Thread(() -> task.preCommit(Map.of(partition, new OffsetAndMetadata(3))), "committer");
        committer.start();
        GATE.awaitHeld(1);

        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(metric("in-flight-batches")).as("batches in flight, max.in.flight = 1").isEqualTo(1.0));
        GATE.open();
        committer.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(committer.isAlive()).isFalse();
        assertThat(FIXTURE.member().getMap(first).size()).isEqualTo(3);
        assertThat(FIXTURE.member().getMap(second).size()).isEqualTo(3);
        assertThat(commit(task, 3)).isEqualTo(3);
    }

    private List<SinkRecord> values(int from, int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            records.add(new SinkRecord(topic, 0, null, null, Schema.STRING_SCHEMA, "{\"v\":\"v" + i + "\"}", i));
        }
        return records;
    }

    private static String value(int i) {
        return "{\"v\":\"v" + i + "\"}";
    }

    private SinkRecord tombstone(long offset, String key) {
        return new SinkRecord(topic, 0, Schema.STRING_SCHEMA, key, null, null, offset);
    }

    private long commit(HazelcastSinkTask task, long current) {
        return task.preCommit(Map.of(partition, new OffsetAndMetadata(current))).get(partition).offset();
    }

    /** Puts as the worker does after a RetriableException (the same records again, after the wait asked for). */
    private void putUntilCommitted(HazelcastSinkTask task, RecordingSinkTaskContext context, List<SinkRecord> records,
                                   long offset) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                task.put(records);
                if (commit(task, offset) == offset) {
                    return;
                }
            } catch (RetriableException e) {
                waitAsAsked(context);
            }
            assertThat(System.nanoTime()).as("committed in time").isLessThan(deadline);
        }
    }

    private static void waitAsAsked(RecordingSinkTaskContext context) throws InterruptedException {
        long asked = context.timeouts.isEmpty() ? 10 : context.timeouts.get(context.timeouts.size() - 1);
        Thread.sleep(Math.max(1, Math.min(asked, 100)));
    }

    private double metric(String name) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0"), name)).doubleValue();
    }

    /** A key whose partition differs from {@code key}'s, so that the member orders nothing of one behind the other. */
    private static String keyOnAnotherPartition(HazelcastInstance member, String key) {
        int held = member.getPartitionService().getPartition(key).getPartitionId();
        for (int i = 0; ; i++) {
            String candidate = "d" + i;
            if (member.getPartitionService().getPartition(candidate).getPartitionId() != held) {
                return candidate;
            }
        }
    }

    /** Holds up the stores' calls while closed; counts the calls it holds. */
    private static final class Gate {
        private volatile CountDownLatch open = new CountDownLatch(0);
        private final AtomicInteger held = new AtomicInteger();
        private final AtomicInteger firstCalls = new AtomicInteger();

        void close() {
            held.set(0);
            firstCalls.set(0);
            open = new CountDownLatch(1);
        }

        /** Holds up only the first call made after the gate closed. */
        void passFirst() {
            if (isClosed() && firstCalls.incrementAndGet() == 1) {
                pass();
            }
        }

        void open() {
            open.countDown();
        }

        boolean isClosed() {
            return open.getCount() > 0;
        }

        void pass() {
            CountDownLatch latch = open;
            if (latch.getCount() == 0) {
                return;
            }
            held.incrementAndGet();
            try {
                latch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitHeld(int calls) {
            await().atMost(Duration.ofSeconds(30)).until(() -> held.get() >= calls);
        }
    }

    /** Holds up the first call made after the gate closed (a ringbuffer's calls run one at a time). */
    static final class HeldRingbufferStore implements RingbufferStore<Object> {
        @Override
        public void store(long sequence, Object data) {
            storeAll(sequence, new Object[] {data});
        }

        @Override
        public void storeAll(long firstItemSequence, Object[] items) {
            GATE.passFirst();
        }

        @Override
        public Object load(long sequence) {
            return null;
        }

        @Override
        public long getLargestSequence() {
            return -1;
        }
    }

    /** Records every call; holds up deletes of "held" while the gate is closed. */
    static final class HeldDeletesStore extends HazelcastMembers.StoreOnly {
        @Override
        public void store(Object key, Object value) {
            STORE_CALLS.add("store " + key + "=" + value);
        }

        @Override
        public void storeAll(Map<Object, Object> entries) {
            entries.forEach(this::store);
        }

        @Override
        public void delete(Object key) {
            STORE_CALLS.add("delete " + key);
            if ("held".equals(key)) {
                GATE.pass();
            }
        }

        @Override
        public void deleteAll(Collection<Object> keys) {
            keys.forEach(this::delete);
        }

    }

    /** Holds up every write while the gate is closed. */
    static final class HeldWritesStore extends HazelcastMembers.StoreOnly {
        @Override
        public void store(Object key, Object value) {
            GATE.pass();
        }

        @Override
        public void storeAll(Map<Object, Object> entries) {
            GATE.pass();
        }

        @Override
        public void delete(Object key) {
        }

        @Override
        public void deleteAll(Collection<Object> keys) {
        }

    }
}
