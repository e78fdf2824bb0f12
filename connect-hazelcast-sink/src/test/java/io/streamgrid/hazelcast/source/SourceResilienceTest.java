package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.EventJournalConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.streamgrid.hazelcast.HazelcastMembers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source when the cluster goes away (every connection cut while the members keep their data) and when one of
 * two members dies: it waits, then goes on from its sequences, losing and repeating nothing.
 */
@Timeout(180)
class SourceResilienceTest {

    private static long sequence(SourceRecord record) {
        return (Long) record.sourceOffset().get("sequence");
    }

    @TempDir
    static Path dir;

    /** The settings of a client that reaches the member through the proxy only: the member's public address. */
    private static String[] throughProxy(TcpProxy proxy, String... more) throws IOException {
        Path file = Files.writeString(dir.resolve("client-" + proxy.port() + ".yaml"), """
                hazelcast-client:
                  properties:
                    hazelcast.discovery.public.ip.enabled: true
                """);
        List<String> settings = new ArrayList<>(List.of("connect.hazelcast.cluster.members",
                "127.0.0.1:" + proxy.port(), "connect.hazelcast.client.config", file.toString()));
        settings.addAll(List.of(more));
        return settings.toArray(String[]::new);
    }

    /** A member whose clients reach it only through a proxy (its public address), which the test can cut. */
    private static HazelcastMembers behindProxy(AtomicReference<TcpProxy> proxy) {
        return new HazelcastMembers(1, config -> {
            proxy.set(new TcpProxy(config.getNetworkConfig().getPort()));
            config.getNetworkConfig().setPublicAddress("127.0.0.1:" + proxy.get().port());
            return config;
        });
    }

    @Test
    void aClusterOutageIsWaitedOutAndReadingGoesOnFromTheNextSequence() throws Exception {
        AtomicReference<TcpProxy> proxy = new AtomicReference<>();
        try (HazelcastMembers members = behindProxy(proxy); SourceHarness harness = new SourceHarness(members)) {
            Ringbuffer<Object> ringbuffer = members.member(0).getRingbuffer("outage");
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO outage_topic SELECT * FROM outage WITHTYPE RING_BUFFER", throughProxy(proxy.get())));
            for (int i = 0; i < 10; i++) {
                ringbuffer.add("before-" + i);
            }
            harness.commit(task, SourceHarness.poll(task, 10));

            proxy.get().cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> (Long) harness.metric("connected", null) == 0L);
            for (int i = 10; i < 20; i++) {
                ringbuffer.add("during-" + i);
            }
            assertThat(task.poll()).as("nothing while the cluster is away, and no failure").isNull();

            proxy.get().restore();
            List<SourceRecord> after = SourceHarness.poll(task, 10);

            assertThat(after).extracting(SourceResilienceTest::sequence)
                    .containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
            assertThat(after.get(0).value()).isEqualTo("during-10");
            assertThat((Long) harness.metric("connected", null)).isEqualTo(1L);
        } finally {
            proxy.get().close();
        }
    }

    @Test
    void anOutageLongerThanTheOutageTimeoutFailsTheTask() throws Exception {
        AtomicReference<TcpProxy> proxy = new AtomicReference<>();
        try (HazelcastMembers members = behindProxy(proxy); SourceHarness harness = new SourceHarness(members)) {
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO t SELECT * FROM short-outage WITHTYPE RING_BUFFER", throughProxy(proxy.get(),
                            "connect.hazelcast.cluster.outage.timeout", "2000")));
            proxy.get().cut();

            ConnectException failure = catchThrowableOfType(ConnectException.class, () -> SourceHarness.poll(task,
                    1));

            assertThat(failure).hasMessageContaining("Could not reach the Hazelcast cluster '" + members.clusterName()
                    + "'").hasMessageContaining("connect.hazelcast.cluster.outage.timeout = 2000");
        } finally {
            proxy.get().close();
        }
    }

    @Test
    void aClusterWhoseMembersAllRestartedIsReadAnewFromItsOldestItems() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1); SourceHarness harness = new SourceHarness(members)) {
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO t SELECT * FROM restarted WITHTYPE RING_BUFFER"));
            for (int i = 0; i < 5; i++) {
                members.member(0).getRingbuffer("restarted").add("old-" + i);
            }
            harness.commit(task, SourceHarness.poll(task, 5));

            members.stop(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> (Long) harness.metric("connected", null) == 0L);
            Ringbuffer<Object> renewed = members.start(0).getRingbuffer("restarted"); // empty: a new cluster
            for (int i = 0; i < 3; i++) {
                renewed.add("new-" + i);
            }

            List<SourceRecord> after = SourceHarness.poll(task, 3);
            assertThat(after).extracting(SourceRecord::value).as("the new ringbuffer's items, though their sequences "
                    + "are below the task's").containsExactly("new-0", "new-1", "new-2");
            assertThat(after).extracting(SourceResilienceTest::sequence).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void aTaskStartedAfterTheWholeClusterRestartedReadsTheNewClustersItemsFromTheOldest() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1); SourceHarness harness = new SourceHarness(members)) {
            String kcql = "INSERT INTO t SELECT * FROM renewed WITHTYPE RING_BUFFER";
            HazelcastSourceTask first = harness.start(harness.props(kcql));
            for (int i = 0; i < 5; i++) {
                members.member(0).getRingbuffer("renewed").add("old-" + i);
            }
            List<SourceRecord> old = SourceHarness.poll(first, 5);
            harness.commit(first, old);
            harness.stop(first);
            Object oldCluster = old.get(4).sourceOffset().get("cluster");

            members.stop(0);
            Ringbuffer<Object> renewed = members.start(0).getRingbuffer("renewed"); // a new cluster, its items new
            for (int i = 0; i < 8; i++) {
                renewed.add("new-" + i);
            }
            HazelcastSourceTask second = harness.start(harness.props(kcql));

            List<SourceRecord> after = SourceHarness.poll(second, 3);
            assertThat(after).extracting(SourceRecord::value).as("not after sequence 4, the old cluster's offset")
                    .startsWith("new-0", "new-1", "new-2");
            after.addAll(SourceHarness.poll(second, 8 - after.size()));
            assertThat(after).extracting(SourceRecord::value).containsExactly("new-0", "new-1", "new-2", "new-3",
                    "new-4", "new-5", "new-6", "new-7");
            assertThat(oldCluster).as("the offset names the cluster").isInstanceOf(String.class);
            assertThat(after.get(7).sourceOffset().get("cluster")).isInstanceOf(String.class).isNotEqualTo(oldCluster);
        }
    }

    @Test
    void anOffsetWithoutAClusterIdAsEarlierReleasesCommittedItIsReadOnFrom() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1); SourceHarness harness = new SourceHarness(members)) {
            for (int i = 0; i < 8; i++) {
                members.member(0).getRingbuffer("older-offsets").add("item-" + i);
            }
            harness.commitOffset(Map.of("structure", "older-offsets", "type", "RING_BUFFER", "partition", 0),
                    Map.of("sequence", 4L));
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO t SELECT * FROM older-offsets WITHTYPE RING_BUFFER"));

            assertThat(SourceHarness.poll(task, 3)).extracting(SourceRecord::value)
                    .containsExactly("item-5", "item-6", "item-7");
        }
    }

    @Test
    void aNewClusterWhoseRingbufferWrappedBeforeTheTaskCameBackIsReadFromItsOldestItemWithoutAGap()
            throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1, config -> config.addRingBufferConfig(
                new RingbufferConfig("small-*").setCapacity(10)));
             SourceHarness harness = new SourceHarness(members)) {
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO t SELECT * FROM small-renewed WITHTYPE RING_BUFFER")); // gap.policy FAIL
            for (int i = 0; i < 5; i++) {
                members.member(0).getRingbuffer("small-renewed").add("old-" + i);
            }
            harness.commit(task, SourceHarness.poll(task, 5));

            members.stop(0);
            Ringbuffer<Object> renewed = members.start(0).getRingbuffer("small-renewed");
            for (int i = 0; i < 30; i++) {
                renewed.add("new-" + i); // it keeps new-20..new-29
            }

            List<SourceRecord> after = SourceHarness.poll(task, 10);
            assertThat(after).extracting(SourceRecord::value).as("from the new cluster's oldest item, each once")
                    .containsExactly("new-20", "new-21", "new-22", "new-23", "new-24", "new-25", "new-26", "new-27",
                            "new-28", "new-29");
            assertThat(harness.metric("lost-total", null)).as("a new cluster is read from its oldest: no loss")
                    .isEqualTo(0.0);
        }
    }

    @Test
    void aReadInFlightWhenEveryMemberRestartsDoesNotBringTheNewClustersItemsTwice() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1); SourceHarness harness = new SourceHarness(members)) {
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO t SELECT * FROM raced WITHTYPE RING_BUFFER"));
            for (int i = 0; i < 5; i++) {
                members.member(0).getRingbuffer("raced").add("old-" + i);
            }
            harness.commit(task, SourceHarness.poll(task, 5)); // a read waits at sequence 5 now

            members.stop(0);
            Ringbuffer<Object> renewed = members.start(0).getRingbuffer("raced");
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                items.add("new-" + i); // in place before the client is back: a read at 5 would find new-5
            }
            renewed.addAllAsync(items, OverflowPolicy.OVERWRITE).toCompletableFuture().get();

            List<SourceRecord> after = SourceHarness.poll(task, 20);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
                List<SourceRecord> more = task.poll();
                if (more != null) {
                    after.addAll(more);
                }
                return true;
            });
            assertThat(after).extracting(SourceRecord::value).as("every new item once, in order")
                    .containsExactlyElementsOf(items);
        }
    }

    @Test
    void whenTheMemberOwningARingbufferOrAJournalPartitionDiesNothingIsLostOrRepeated() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(2, config -> config.addMapConfig(
                new MapConfig("journal-*").setEventJournalConfig(new EventJournalConfig().setEnabled(true))));
             SourceHarness harness = new SourceHarness(members)) {
            HazelcastSourceTask task = harness.start(harness.props(
                    "INSERT INTO ring SELECT * FROM kill-ring WITHTYPE RING_BUFFER; "
                            + "INSERT INTO changes SELECT * FROM journal-kill WITHTYPE MAP_JOURNAL"));
            Member owner = members.member(0).getPartitionService().getPartition("kill-ring").getOwner();
            int victim = members.member(0).getCluster().getLocalMember().equals(owner) ? 0 : 1;
            HazelcastInstance survivor = members.member(1 - victim);
            Ringbuffer<Object> ringbuffer = survivor.getRingbuffer("kill-ring");
            IMap<Object, Object> map = survivor.getMap("journal-kill");
            List<SourceRecord> records = new ArrayList<>();
            int total = 2_000;
            for (int i = 0; i < total; i++) {
                if (i == total / 2) {
                    records.addAll(SourceHarness.poll(task, 1)); // reading is under way
                    members.stop(victim);
                }
                ringbuffer.add("item-" + i);
                map.set("key-" + i, "value-" + i);
            }

            records.addAll(SourceHarness.poll(task, 2 * total - records.size()));

            Set<Object> items = new HashSet<>();
            Set<Object> keys = new HashSet<>();
            for (SourceRecord record : records) {
                if (record.topic().equals("ring")) {
                    assertThat(items.add(record.value())).as("read once: " + record.value()).isTrue();
                } else {
                    assertThat(keys.add(record.key())).as("read once: " + record.key()).isTrue();
                }
            }
            assertThat(items).as("every ringbuffer item").hasSize(total);
            assertThat(keys).as("every map change").hasSize(total);
            assertThat(records).filteredOn(r -> r.topic().equals("ring")).extracting(SourceResilienceTest::sequence)
                    .isSorted();
        }
    }
}
