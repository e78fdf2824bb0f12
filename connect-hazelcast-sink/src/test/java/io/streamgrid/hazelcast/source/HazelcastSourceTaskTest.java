package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.topic.ITopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source task against a real member: ringbuffers and reliable topics, offsets, restarts and gaps. */
@Timeout(120)
class HazelcastSourceTaskTest {

    /** Ringbuffers named so hold 10 items: the 11th overwrites the first. */
    static final String SMALL = "small-*";
    /** Ringbuffers named so hold 5,000 items. */
    static final String LARGER = "larger-*";

    @RegisterExtension
    static final SourceMember MEMBER = new SourceMember(config -> config.addRingBufferConfig(
            new RingbufferConfig(SMALL).setCapacity(10)).addRingBufferConfig(
            new RingbufferConfig(LARGER).setCapacity(5_000)));

    private static SourceHarness harness() {
        return MEMBER.harness();
    }

    private static Ringbuffer<Object> ringbuffer(String name) {
        return MEMBER.members().member(0).getRingbuffer(name);
    }

    private static void add(String ringbuffer, int from, int to) {
        for (int i = from; i < to; i++) {
            ringbuffer(ringbuffer).add("{\"device\": \"d-" + i + "\", \"n\": " + i + "}");
        }
    }

    private static long sequence(SourceRecord record) {
        return (Long) record.sourceOffset().get("sequence");
    }

    @Test
    void ringbufferItemsBecomeRecordsWithTheirSequenceAsOffsetAndHazelcastHeaders() {
        add("orders", 0, 3);
        HazelcastSourceTask task = harness().start(harness().props(
                "INSERT INTO orders_topic SELECT * FROM orders WITHTYPE RING_BUFFER"));

        List<SourceRecord> records = SourceHarness.poll(task, 3);

        assertThat(records).hasSize(3);
        SourceRecord first = records.get(0);
        assertThat(first.topic()).isEqualTo("orders_topic");
        assertThat(first.sourcePartition()).isEqualTo(Map.of("structure", "orders", "type", "RING_BUFFER",
                "partition", 0));
        assertThat(records).extracting(HazelcastSourceTaskTest::sequence).containsExactly(0L, 1L, 2L);
        Struct value = (Struct) first.value();
        assertThat(value.get("device")).as("a JSON object string is a struct").isEqualTo("d-0");
        assertThat(value.get("n")).isEqualTo(0L);
        assertThat(first.key()).as("no WITHKEY: no key").isNull();
        assertThat(first.headers().lastWithName("hazelcast.structure").value()).isEqualTo("orders");
        assertThat(first.headers().lastWithName("hazelcast.type").value()).isEqualTo("RING_BUFFER");
        assertThat(records.get(2).headers().lastWithName("hazelcast.sequence").value()).isEqualTo(2L);
        assertThat(first.headers().lastWithName("hazelcast.partition")).as("journals only").isNull();
    }

    /** The worker converts and the producer writes every header of every record: left out, they cost nothing. */
    @Test
    void headersFalseLeavesTheHazelcastHeadersOutWhileWhereStillReadsThem() {
        add("quiet", 0, 4);
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO quiet_topic SELECT * FROM quiet "
                + "WITHTYPE RING_BUFFER WHERE _header.hazelcast.sequence >= 2 PROPERTIES('headers' = 'false')"));

        List<SourceRecord> records = SourceHarness.poll(task, 2);

        assertThat(records).extracting(HazelcastSourceTaskTest::sequence).containsExactly(2L, 3L);
        assertThat(records).allSatisfy(record -> assertThat(record.headers()).isEmpty());
        assertThat(((Struct) records.get(0).value()).get("n")).isEqualTo(2L);
    }

    @Test
    void withKeyProjectionWhereAndATopicFromTheData() {
        add("readings", 0, 6);
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO `site_${device}` SELECT n AS number "
                + "FROM readings WITHTYPE RING_BUFFER WHERE n >= 3 WITHKEY(device, n) KEYDELIMITER = '/'"));

        List<SourceRecord> records = SourceHarness.poll(task, 3);

        assertThat(records).extracting(SourceRecord::topic).containsExactly("site_d-3", "site_d-4", "site_d-5");
        assertThat(records).extracting(SourceRecord::key).containsExactly("d-3/3", "d-4/4", "d-5/5");
        assertThat(records.get(0).keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(((Struct) records.get(0).value()).schema().fields()).extracting(f -> f.name())
                .containsExactly("number");
        assertThat(((Struct) records.get(0).value()).get("number")).isEqualTo(3L);
    }

    @Test
    void aRestartedTaskGoesOnAfterTheLastCommittedSequence() throws Exception {
        add("resumed", 0, 10);
        String kcql = "INSERT INTO resumed_topic SELECT * FROM resumed WITHTYPE RING_BUFFER";
        HazelcastSourceTask first = harness().start(harness().props(kcql));
        List<SourceRecord> read = SourceHarness.poll(first, 10);
        harness().commit(first, read.subList(0, 6)); // Kafka has 0..5 when the task stops
        harness().stop(first);
        add("resumed", 10, 15);

        HazelcastSourceTask second = harness().start(harness().props(kcql));
        List<SourceRecord> again = SourceHarness.poll(second, 9);

        assertThat(again).extracting(HazelcastSourceTaskTest::sequence).as("6..14: none skipped, none of 0..5 again")
                .containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        assertThat(((Struct) again.get(0).value()).get("n")).isEqualTo(6L);
    }

    @Test
    void aReliableTopicsMessagesFromNowOnWithPublishTimeAndPublisher() throws Exception {
        ITopic<Object> topic = MEMBER.members().member(0).getReliableTopic("commands");
        topic.publish("{\"cmd\": \"before\"}");
        HazelcastSourceTask task = harness().start(harness().props(
                "INSERT INTO commands_topic SELECT * FROM commands WITHTYPE RELIABLE_TOPIC"));

        long before = System.currentTimeMillis();
        topic.publish("{\"cmd\": \"open\", \"valve\": 3}");
        topic.publish("plain text");
        List<SourceRecord> records = SourceHarness.poll(task, 2);

        assertThat(records).hasSize(2);
        SourceRecord open = records.get(0);
        assertThat(((Struct) open.value()).get("cmd")).as("not the message published before the task")
                .isEqualTo("open");
        assertThat(records.get(1).value()).isEqualTo("plain text");
        assertThat(records.get(1).valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(open.sourcePartition()).isEqualTo(Map.of("structure", "commands", "type", "RELIABLE_TOPIC",
                "partition", 0));
        assertThat(sequence(open)).as("the ringbuffer behind the topic holds the message before").isEqualTo(1L);
        long published = (Long) open.headers().lastWithName("hazelcast.publish.time").value();
        assertThat(published).isBetween(before - 1000, System.currentTimeMillis());
        assertThat(open.timestamp()).isEqualTo(published);
        assertThat((String) open.headers().lastWithName("hazelcast.publisher").value())
                .isEqualTo(MEMBER.members().member(0).getCluster().getLocalMember().getAddress().getHost() + ":"
                        + MEMBER.members().member(0).getCluster().getLocalMember().getAddress().getPort());
    }

    @Test
    void aReliableTopicFromTheEarliestMessageWhenAsked() {
        ITopic<Object> topic = MEMBER.members().member(0).getReliableTopic("history");
        topic.publish("one");
        topic.publish("two");
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO history_topic SELECT * FROM history "
                + "WITHTYPE RELIABLE_TOPIC PROPERTIES('start' = 'earliest')"));

        assertThat(SourceHarness.poll(task, 2)).extracting(SourceRecord::value).containsExactly("one", "two");
    }

    @Test
    void aGapIsCountedAndSkippedUnderSkip() throws Exception {
        String kcql = "INSERT INTO skipped_topic SELECT * FROM small-skip WITHTYPE RING_BUFFER";
        add("small-skip", 0, 5);
        HazelcastSourceTask first = harness().start(harness().props(kcql));
        harness().commit(first, SourceHarness.poll(first, 5));
        harness().stop(first);
        add("small-skip", 5, 35); // 0..34: the ringbuffer keeps 25..34, so 5..24 are gone

        HazelcastSourceTask second = harness().start(harness().props(kcql,
                "connect.hazelcast.source.gap.policy", "SKIP"));
        List<SourceRecord> records = SourceHarness.poll(second, 10);

        assertThat(records).extracting(HazelcastSourceTaskTest::sequence).first().isEqualTo(25L);
        assertThat(records).hasSize(10);
        assertThat(harness().metric("lost-total", null)).isEqualTo(20.0);
    }

    @Test
    void aGapFailsTheTaskUnderFailNamingTheStructureAndHowMany() throws Exception {
        String kcql = "INSERT INTO failed_topic SELECT * FROM small-fail WITHTYPE RING_BUFFER";
        add("small-fail", 0, 5);
        HazelcastSourceTask first = harness().start(harness().props(kcql));
        harness().commit(first, SourceHarness.poll(first, 5));
        harness().stop(first);
        add("small-fail", 5, 35);

        HazelcastSourceTask second = harness().start(harness().props(kcql)); // FAIL is the default

        ConnectException failure = catchThrowableOfType(ConnectException.class, () -> SourceHarness.poll(second,
                1));
        assertThat(failure).hasMessageContaining("Lost 20 items of RING_BUFFER 'small-fail': sequences 5 to 24 were "
                + "overwritten before the task read them").hasMessageContaining("gap.policy = FAIL");
        assertThat(harness().metric("lost-total", null)).isEqualTo(20.0);
    }

    @Test
    void aNewConnectorStartsAtTheOldestItemOfAFullRingbufferThatAWriterKeepsOverwritingWithoutAFalseGap()
            throws Exception {
        Ringbuffer<Object> ringbuffer = ringbuffer("larger-busy");
        add("larger-busy", 0, 6_000); // full: every add overwrites the oldest item
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger written = new AtomicInteger(6_000);
        try {
            writer.scheduleAtFixedRate(() -> {
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    items.add("{\"n\": " + written.getAndIncrement() + "}");
                }
                ringbuffer.addAllAsync(items, OverflowPolicy.OVERWRITE);
            }, 0, 1, TimeUnit.MILLISECONDS);
            HazelcastSourceTask task = harness().start(harness().props(
                    "INSERT INTO busy_topic SELECT * FROM larger-busy WITHTYPE RING_BUFFER",
                    "connect.hazelcast.source.gap.policy", "SKIP"));

            // the writer overwrites the oldest items while the task finds where to start and makes its first read,
            // then stops; the task reads on to the newest item
            List<SourceRecord> records = SourceHarness.poll(task, 1);
            writer.shutdownNow();
            assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            long newest = written.get() - 1;
            records.addAll(SourceHarness.pollUntil(task, r -> sequence(r) == newest));

            assertThat(sequence(records.get(0))).as("what the ringbuffer held at the start").isGreaterThanOrEqualTo(1_000L);
            // a reader that falls behind a writer overwriting the oldest items loses some for real (a gap the records
            // show as a jump); where it started is no loss
            assertThat(harness().metric("lost-total", null)).as("losses counted, each shown by a jump in the records")
                    .isEqualTo((double) SourceHarness.visibleJumps(records));
        } finally {
            writer.shutdownNow();
        }
    }

    private static boolean heartbeatAt(SourceRecord record, long sequence) {
        return record.topic().equals(HazelcastSourceConfig.HEARTBEAT_TOPIC_DEFAULT) && sequence(record) == sequence;
    }

    @Test
    void aReliableTopicReadFromLatestKeepsItsStartSoARestartBeforeAnyMessageGetsThosePublishedWhileItWasDown()
            throws Exception {
        ITopic<Object> topic = MEMBER.members().member(0).getReliableTopic("quiet-commands");
        topic.publish("{\"cmd\": \"before\"}"); // sequence 0, before the connector: not for it
        String kcql = "INSERT INTO quiet SELECT * FROM quiet-commands WITHTYPE RELIABLE_TOPIC"; // start = latest
        HazelcastSourceTask first = harness().start(harness().props(kcql,
                "connect.hazelcast.source.heartbeat.interval", "60000"));

        List<SourceRecord> beats = SourceHarness.poll(first, 1); // nothing published: only the heartbeat
        assertThat(beats).singleElement().satisfies(beat -> {
            assertThat(beat.topic()).isEqualTo("__hazelcast-source-heartbeats");
            assertThat(beat.sourcePartition()).isEqualTo(Map.of("structure", "quiet-commands", "type",
                    "RELIABLE_TOPIC", "partition", 0));
            assertThat(sequence(beat)).as("the message before the start").isEqualTo(0L);
            assertThat(beat.key()).isEqualTo("RELIABLE_TOPIC:quiet-commands:0");
            assertThat(((Struct) beat.value()).get("sequence")).isEqualTo(0L);
        });
        harness().commit(first, beats);
        harness().stop(first);
        topic.publish("{\"cmd\": \"while-down\"}");

        HazelcastSourceTask second = harness().start(harness().props(kcql));
        assertThat(SourceHarness.poll(second, 1)).extracting(r -> ((Struct) r.value()).get("cmd"))
                .as("not from 'latest' again: the message published while the task was down").containsExactly(
                        "while-down");
    }

    @Test
    void itemsAWhereKeepsOutMoveTheOffsetOnSoARestartFindsNoFalseGap() throws Exception {
        String kcql = "INSERT INTO hot SELECT * FROM small-filtered WITHTYPE RING_BUFFER WHERE n >= 100";
        HazelcastSourceTask first = harness().start(harness().props(kcql,
                "connect.hazelcast.source.heartbeat.interval", "100")); // gap.policy FAIL
        add("small-filtered", 100, 101); // kept: sequence 0
        harness().commit(first, SourceHarness.poll(first, 1));
        add("small-filtered", 0, 9); // kept out: sequences 1..9

        harness().commit(first, SourceHarness.pollUntil(first, record -> heartbeatAt(record, 9)));
        harness().stop(first);
        add("small-filtered", 9, 14); // kept out: 10..14, and the ringbuffer (10 items) no longer holds 1..5
        add("small-filtered", 101, 102); // kept: sequence 15

        HazelcastSourceTask second = harness().start(harness().props(kcql));
        assertThat(SourceHarness.poll(second, 1)).extracting(HazelcastSourceTaskTest::sequence)
                .as("on from the heartbeat's 9, not from the last record's 0").containsExactly(15L);
        assertThat(harness().metric("lost-total", null)).as("what the WHERE kept out is no loss").isEqualTo(0.0);
    }

    @Test
    void theSequenceLagCountsWhatIsStillToRead() throws Exception {
        add("lagging", 0, 50);
        HazelcastSourceTask task = harness().start(harness().props(
                "INSERT INTO lagging_topic SELECT * FROM lagging WITHTYPE RING_BUFFER BATCH = 10",
                "connect.hazelcast.source.queue.size", "5", "connect.hazelcast.source.poll.batch.size", "5"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                (Long) harness().metric("sequence-lag", "structure=lagging")).isGreaterThan(0L));
        assertThat((Long) harness().metric("sequence-lag", null)).isGreaterThan(0L);
        harness().commit(task, SourceHarness.poll(task, 50));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                (Long) harness().metric("sequence-lag", "structure=lagging")).isZero());
        assertThat(harness().metric("records-out-total", null)).isEqualTo(50.0);
    }
}
