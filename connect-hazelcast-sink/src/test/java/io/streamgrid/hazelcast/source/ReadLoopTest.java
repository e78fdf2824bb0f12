package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.EventJournalConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.hazelcast.ClusterConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reading thread on its own against a real member (17 partitions), where what it holds can be counted. */
@Timeout(120)
class ReadLoopTest {

    @RegisterExtension
    static final SourceMember MEMBER = new SourceMember(config -> config.addMapConfig(new MapConfig("held-*")
            .setEventJournalConfig(new EventJournalConfig().setEnabled(true).setCapacity(17 * 2_000)))
            .addRingBufferConfig(new RingbufferConfig("wrapped-*").setCapacity(10)));

    /** The reads of a structure, counting the items their answers bring in and their serialized bytes. */
    private static class CountingReads implements StructureReads {
        private final StructureReads reads;
        private final AtomicLong items = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();

        CountingReads(StructureReads reads) {
            this.reads = reads;
        }

        @Override
        public CompletionStage<? extends ReadResultSet<?>> read(HazelcastInstance client, Cursor cursor, int max) {
            return reads.read(client, cursor, max).thenApply(read -> {
                items.addAndGet(read.size());
                for (int i = 0; i < read.size(); i++) {
                    bytes.addAndGet(HazelcastInternals.serializedSize(read, i));
                }
                return read;
            });
        }

        @Override
        public CompletionStage<Bounds> bounds(HazelcastInstance client, Cursor cursor) {
            return reads.bounds(client, cursor);
        }

        @Override
        public SourceItem item(HazelcastInstance client, Cursor cursor, ReadResultSet<?> read, int i, long readAtMs,
                               String cluster) {
            return reads.item(client, cursor, read, i, readAtMs, cluster);
        }
    }

    /** A loop reading one structure with the task's settings in {@code props}, nobody polling. */
    private record Reading(ReadLoop loop, HandoffQueue<SourceItem> queue, Thread reader) implements AutoCloseable {

        static Reading start(ClusterConnection connection, HazelcastSourceConfig config, ConnectorMetrics metrics,
                             HandoffQueue<SourceItem> queue, StructureId structure, StructureReads reads) {
            return start(connection, config, metrics, queue, structure, reads, StructureType.Start.EARLIEST);
        }

        static Reading start(ClusterConnection connection, HazelcastSourceConfig config, ConnectorMetrics metrics,
                             HandoffQueue<SourceItem> queue, StructureId structure, StructureReads reads,
                             StructureType.Start start) {
            ReadLoop loop = new ReadLoop(connection, config.cluster(), List.of(new ReadLoop.Structure(structure, reads,
                    start, 1_000)), new StartPositions(null, config.slice()), queue,
                    new Gaps(config.gapPolicy(), queue, metrics), metrics, config.queue());
            Thread reader = new Thread(loop, "read-loop-test-reader");
            reader.start();
            return new Reading(loop, queue, reader);
        }

        @Override
        public void close() throws InterruptedException {
            loop.stop();
            queue.close();
            reader.interrupt();
            reader.join(5_000);
        }
    }

    @Test
    void whilePollTakesNothingTheReadsHoldAtMostTheQueuesSizeAndOneItemPerPartition() throws Exception {
        IMap<Object, Object> map = MEMBER.members().member(0).getMap("held-journal");
        for (int i = 0; i < 17_000; i++) {
            map.set("k" + i, "v" + i); // about 1,000 changes in each of the 17 partitions' journals
        }
        Map<String, String> props = MEMBER.harness().props(
                "INSERT INTO t SELECT * FROM held-journal WITHTYPE MAP_JOURNAL", "connect.hazelcast.source.queue.size",
                "100");
        HazelcastSourceConfig config = new HazelcastSourceConfig(props);
        HandoffQueue<SourceItem> queue = config.queue().newQueue(SourceItem::bytes);
        CountingReads reads = new CountingReads(StructureReads.of(StructureType.MAP_JOURNAL));
        try (ClusterConnection connection = new ClusterConnection(config.cluster(), "read-loop-test", "it waits");
             ConnectorMetrics metrics = ConnectorMetrics.register(null, props, new ConnectorMetrics.Gauges(() -> 0,
                     queue::size, queue::bytes, connection::connected))) {
            try (Reading reading = Reading.start(connection, config, metrics, queue,
                    new StructureId(StructureType.MAP_JOURNAL, "held-journal"), reads)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> queue.size() == 100); // nobody polls

                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(reads.items.get()).as("items read: the queue's 100, and at most one a partition "
                                + "more").isBetween(100L, 117L));
            }
        }
    }

    @Test
    void whilePollTakesNothingTheReadsHoldAtMostTheQueuesBytesAndAnItemMore() throws Exception {
        Ringbuffer<Object> ringbuffer = MEMBER.members().member(0).getRingbuffer("held-bytes");
        String large = "x".repeat(10_000);
        for (int i = 0; i < 300; i++) {
            ringbuffer.add(i + large); // 3 MB, each item about 10 kB
        }
        Map<String, String> props = MEMBER.harness().props(
                "INSERT INTO t SELECT * FROM held-bytes WITHTYPE RING_BUFFER", "connect.hazelcast.source.queue.size",
                "40", "connect.hazelcast.source.queue.max.bytes", "100000"); // 40 items would be 400 kB
        HazelcastSourceConfig config = new HazelcastSourceConfig(props);
        HandoffQueue<SourceItem> queue = config.queue().newQueue(SourceItem::bytes);
        CountingReads reads = new CountingReads(StructureReads.of(StructureType.RING_BUFFER));
        try (ClusterConnection connection = new ClusterConnection(config.cluster(), "read-loop-test", "it waits");
             ConnectorMetrics metrics = ConnectorMetrics.register(null, props, new ConnectorMetrics.Gauges(() -> 0,
                     queue::size, queue::bytes, connection::connected));
             Reading reading = Reading.start(connection, config, metrics, queue,
                     new StructureId(StructureType.RING_BUFFER, "held-bytes"), reads)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> queue.bytes() > 80_000); // nobody polls

            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(reads.bytes.get()).as("bytes read: at most the queue's 100,000 and an item more, not "
                            + "the 40 items of queue.size").isLessThanOrEqualTo(100_000L + 2 * 10_100L));
        }
    }

    /**
     * A 'latest' start is where the task began, so whatever its first read finds overwritten after it is a loss
     * (the items came after the start), reported and handled by the gap policy. Here the ringbuffer (capacity 10)
     * wraps between learning the start and the first read, as it may while the first read waits for the cluster; it
     * was logged at INFO as where the reading began, and nothing counted the 15 items lost.
     */
    @Test
    void aLatestStartWhoseFirstReadFindsItsItemsOverwrittenReportsTheGap() throws Exception {
        Ringbuffer<Object> ringbuffer = MEMBER.members().member(0).getRingbuffer("wrapped-latest");
        ringbuffer.add("before the start");
        Map<String, String> props = MEMBER.harness().props(
                "INSERT INTO t SELECT * FROM wrapped-latest WITHTYPE RING_BUFFER PROPERTIES('start' = 'latest')",
                "connect.hazelcast.source.gap.policy", "FAIL");
        HazelcastSourceConfig config = new HazelcastSourceConfig(props);
        HandoffQueue<SourceItem> queue = config.queue().newQueue(SourceItem::bytes);
        StructureReads reads = StructureReads.of(StructureType.RING_BUFFER);
        AtomicBoolean wrapped = new AtomicBoolean();
        StructureReads wrapping = new CountingReads(reads) {
            @Override
            public CompletionStage<? extends ReadResultSet<?>> read(HazelcastInstance client, Cursor cursor, int max) {
                if (wrapped.compareAndSet(false, true)) {
                    for (int i = 0; i < 25; i++) {
                        ringbuffer.add("published after the start " + i); // sequences 1..25; 1..15 overwritten
                    }
                }
                return super.read(client, cursor, max);
            }
        };
        try (ClusterConnection connection = new ClusterConnection(config.cluster(), "read-loop-test", "it waits");
             ConnectorMetrics metrics = ConnectorMetrics.register(null, props, new ConnectorMetrics.Gauges(() -> 0,
                     queue::size, queue::bytes, connection::connected));
             Reading reading = Reading.start(connection, config, metrics, queue,
                     new StructureId(StructureType.RING_BUFFER, "wrapped-latest"), wrapping,
                     StructureType.Start.LATEST)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThatThrownBy(() -> queue.poll(100, Duration.ofMillis(100)))
                            .hasMessageContaining("Lost 15 items of RING_BUFFER 'wrapped-latest'"));
        }
    }
}
