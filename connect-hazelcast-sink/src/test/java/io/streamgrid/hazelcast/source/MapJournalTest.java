package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.EventJournalConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.map.IMap;
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
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MAP_JOURNAL against a real member (17 partitions): changes mirrored, envelopes, WHERE, restarts, gaps, shares. */
@Timeout(120)
class MapJournalTest {

    @RegisterExtension
    static final SourceMember MEMBER = new SourceMember(config -> config
            .addMapConfig(new MapConfig("journal-*").setEventJournalConfig(
                    new EventJournalConfig().setEnabled(true).setCapacity(17_000)))
            .addMapConfig(new MapConfig("tiny-*").setEventJournalConfig(
                    new EventJournalConfig().setEnabled(true).setCapacity(170))) // 10 events a partition
            .addMapConfig(new MapConfig("busy-*").setEventJournalConfig(
                    new EventJournalConfig().setEnabled(true).setCapacity(85_000)))); // 5,000 a partition

    private static SourceHarness harness() {
        return MEMBER.harness();
    }

    private static IMap<Object, Object> map(String name) {
        return MEMBER.members().member(0).getMap(name);
    }

    private static String reading(double temperature) {
        return "{\"temperature\": " + temperature + "}";
    }

    private static String event(SourceRecord record) {
        return (String) record.headers().lastWithName("hazelcast.event").value();
    }

    /** What a compacted topic keeps of the records: the last value per key, none after a tombstone. */
    private static Map<Object, Object> compacted(List<SourceRecord> records) {
        Map<Object, Object> latest = new HashMap<>();
        for (SourceRecord record : records) {
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), ((Struct) record.value()).get("temperature"));
            }
        }
        return latest;
    }

    @Test
    void putsUpdatesRemovesAndExpiryAreMirroredWithTombstones() {
        IMap<Object, Object> map = map("journal-mirror");
        HazelcastSourceTask task = harness().start(harness().props(
                "INSERT INTO state SELECT * FROM journal-mirror WITHTYPE MAP_JOURNAL"));
        map.put("a", reading(20.5));
        map.put("b", reading(30.0));
        map.put("a", reading(21.5));
        map.remove("b");
        map.put("c", reading(40.0), 1, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> map.get("c") == null); // reading it expires it

        List<SourceRecord> records = SourceHarness.poll(task, 6);

        assertThat(records).hasSize(6);
        assertThat(compacted(records)).as("the topic mirrors the map").isEqualTo(Map.of("a", 21.5));
        assertThat(records).extracting(MapJournalTest::event).as("the journal records a TTL expiry as EVICTED")
                .containsExactlyInAnyOrder("ADDED", "ADDED", "UPDATED", "REMOVED", "ADDED", "EVICTED");
        SourceRecord removed = records.stream().filter(r -> event(r).equals("REMOVED")).findFirst().orElseThrow();
        assertThat(removed.key()).isEqualTo("b");
        assertThat(removed.value()).as("a tombstone").isNull();
        assertThat(removed.valueSchema()).isNull();
        SourceRecord expired = records.stream().filter(r -> event(r).equals("EVICTED")).findFirst().orElseThrow();
        assertThat(expired.key()).isEqualTo("c");
        assertThat(expired.value()).isNull();
        int partition = MEMBER.members().member(0).getPartitionService().getPartition("b").getPartitionId();
        assertThat(removed.sourcePartition()).isEqualTo(Map.of("structure", "journal-mirror", "type", "MAP_JOURNAL",
                "partition", partition));
        assertThat(removed.headers().lastWithName("hazelcast.partition").value()).isEqualTo(partition);
    }

    @Test
    void anEnvelopeHoldsTheEventTheKeyAndBothValues() {
        IMap<Object, Object> map = map("journal-envelope");
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO changes SELECT * FROM journal-envelope "
                + "WITHTYPE MAP_JOURNAL PROPERTIES('envelope' = 'true')"));
        map.put("k", reading(1.5));
        map.put("k", reading(2.5));
        map.delete("k");

        List<SourceRecord> records = SourceHarness.poll(task, 3);

        List<Struct> envelopes = records.stream().map(r -> (Struct) r.value()).toList();
        assertThat(envelopes).extracting(e -> e.get("event")).containsExactly("ADDED", "UPDATED", "REMOVED");
        assertThat(envelopes).extracting(e -> e.get("key")).containsOnly("k");
        assertThat(envelopes.get(0).get("old_value")).isNull();
        assertThat(envelopes.get(0).getStruct("new_value").get("temperature")).isEqualTo(1.5);
        assertThat(envelopes.get(1).getStruct("old_value").get("temperature")).isEqualTo(1.5);
        assertThat(envelopes.get(1).getStruct("new_value").get("temperature")).isEqualTo(2.5);
        assertThat(envelopes.get(2).getStruct("old_value").get("temperature")).isEqualTo(2.5);
        assertThat(envelopes.get(2).get("new_value")).isNull();
        assertThat(records).extracting(SourceRecord::key).containsOnly("k");
    }

    @Test
    void withFormatAppliesToTheValuesOnlyAPlainStringKeyStaysText() {
        IMap<Object, Object> map = map("journal-format");
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO formatted SELECT * FROM "
                + "journal-format WITHTYPE MAP_JOURNAL WITHFORMAT JSON; INSERT INTO enveloped SELECT * FROM "
                + "journal-format WITHTYPE MAP_JOURNAL WITHFORMAT JSON PROPERTIES('envelope' = 'true')"));
        map.put("pump-3", reading(20.5));
        map.put("{\"site\": 1}", reading(21.5)); // a key that looks like JSON: the default rules make it a struct

        List<SourceRecord> records = SourceHarness.poll(task, 4);

        assertThat(records).filteredOn(r -> r.topic().equals("formatted")).extracting(SourceRecord::key)
                .as("keys by the default rules, whatever WITHFORMAT says of values").hasSize(2)
                .contains("pump-3").anySatisfy(key -> assertThat(key).isInstanceOfSatisfying(Struct.class,
                        struct -> assertThat(struct.get("site")).isEqualTo(1L)));
        assertThat(records).filteredOn(r -> r.topic().equals("formatted"))
                .allSatisfy(r -> assertThat(((Struct) r.value()).get("temperature")).isNotNull());
        assertThat(records).filteredOn(r -> r.topic().equals("enveloped"))
                .extracting(r -> ((Struct) r.value()).get("key")).contains("pump-3");
    }

    @Test
    void withWhereTheTopicMirrorsTheEntriesTheConditionKeeps() {
        IMap<Object, Object> map = map("journal-hot");
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO hot SELECT * FROM journal-hot "
                + "WITHTYPE MAP_JOURNAL WHERE temperature > 30"));
        map.put("cool", reading(10.0)); // never in the view: nothing
        map.put("warm", reading(35.0)); // in it
        map.put("warm", reading(25.0)); // out of it: a tombstone
        map.put("hot", reading(50.0)); // in it
        map.remove("cool"); // was never in it: nothing
        map.put("last", reading(99.0));

        List<SourceRecord> records = SourceHarness.poll(task, 4);

        assertThat(records).extracting(SourceRecord::key).containsExactlyInAnyOrder("warm", "warm", "hot", "last");
        assertThat(compacted(records)).isEqualTo(Map.of("hot", 50.0, "last", 99.0));
        assertThat(records.stream().filter(r -> r.key().equals("warm")).map(SourceRecord::value).toList())
                .as("in, then out").hasSize(2).last().isNull();
    }

    @Test
    void aRestartedTaskGoesOnInEveryPartitionAfterItsCommittedSequence() throws Exception {
        IMap<Object, Object> map = map("journal-restart");
        String kcql = "INSERT INTO restarted SELECT * FROM journal-restart WITHTYPE MAP_JOURNAL";
        HazelcastSourceTask first = harness().start(harness().props(kcql));
        for (int i = 0; i < 60; i++) {
            map.put("k" + i, reading(i));
        }
        List<SourceRecord> read = SourceHarness.poll(first, 60);
        harness().commit(first, read.subList(0, 30));
        harness().stop(first);
        for (int i = 60; i < 80; i++) {
            map.put("k" + i, reading(i));
        }

        HazelcastSourceTask second = harness().start(harness().props(kcql));
        List<SourceRecord> again = SourceHarness.poll(second, 50);

        Set<Object> keys = new HashSet<>();
        read.subList(0, 30).forEach(r -> keys.add(r.key()));
        List<Object> repeated = new ArrayList<>();
        for (SourceRecord record : again) {
            if (!keys.add(record.key())) {
                repeated.add(record.key());
            }
        }
        assertThat(repeated).as("nothing Kafka already has").isEmpty();
        assertThat(keys).as("every put, once").hasSize(80);
    }

    @Test
    void aJournalGapIsCountedNamingThePartitionAndSkippedUnderSkip() throws Exception {
        IMap<Object, Object> map = map("tiny-gap");
        String kcql = "INSERT INTO gap SELECT * FROM tiny-gap WITHTYPE MAP_JOURNAL";
        HazelcastSourceTask first = harness().start(harness().props(kcql));
        map.put("k", reading(0));
        harness().commit(first, SourceHarness.poll(first, 1));
        harness().stop(first);
        for (int i = 1; i < 50; i++) {
            map.put("k", reading(i)); // one partition: it keeps the last 10 of sequences 0..49
        }

        HazelcastSourceTask second = harness().start(harness().props(kcql, "connect.hazelcast.source.gap.policy",
                "SKIP"));
        List<SourceRecord> records = SourceHarness.poll(second, 10);

        assertThat(harness().metric("lost-total", null)).as("sequences 1..39").isEqualTo(39.0);
        assertThat(records).extracting(r -> (Long) r.sourceOffset().get("sequence")).first().isEqualTo(40L);
        assertThat(compacted(records)).isEqualTo(Map.of("k", 49.0));
    }

    @Test
    void aNewConnectorStartsAtTheOldestEventOfAFullJournalPartitionThatKeepsBeingOverwrittenWithoutAFalseGap()
            throws Exception {
        IMap<Object, Object> map = map("busy-start");
        for (int i = 0; i < 6_000; i++) {
            map.set("k", reading(i)); // one key, one partition: its journal is full
        }
        AtomicInteger written = new AtomicInteger(6_000);
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try {
            writer.scheduleAtFixedRate(() -> {
                for (int i = 0; i < 2; i++) {
                    map.setAsync("k", reading(written.getAndIncrement()));
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            HazelcastSourceTask task = harness().start(harness().props(
                    "INSERT INTO busy SELECT * FROM busy-start WITHTYPE MAP_JOURNAL",
                    "connect.hazelcast.source.gap.policy", "SKIP"));

            // the writer overwrites the oldest events while the task finds where to start and makes its first read,
            // then stops; the task reads on to the newest event
            List<SourceRecord> records = SourceHarness.poll(task, 1);
            writer.shutdownNow();
            assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            long newest = written.get() - 1;
            records.addAll(SourceHarness.pollUntil(task, r -> (Long) r.sourceOffset().get("sequence") == newest));

            // a reader that falls behind a writer overwriting the oldest events loses some for real (a gap the
            // records show as a jump); where it started is no loss
            assertThat(harness().metric("lost-total", null)).as("losses counted, each shown by a jump in the records")
                    .isEqualTo((double) SourceHarness.visibleJumps(records));
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aMapWithoutAJournalFailsTheTaskSayingHowToEnableIt() {
        HazelcastSourceTask task = harness().start(harness().props(
                "INSERT INTO nothing SELECT * FROM plain-map WITHTYPE MAP_JOURNAL"));

        ConnectException failure = catchThrowableOfType(ConnectException.class, () -> task.poll());

        assertThat(failure).hasMessageContaining("MAP_JOURNAL 'plain-map'").hasMessageContaining("event-journal:\n"
                + "        enabled: true");
    }

    @Test
    void tasksShareTheJournalPartitionsEvenlyAndTogetherReadEveryChange() throws Exception {
        IMap<Object, Object> map = map("journal-shared");
        Map<String, String> props = harness().props("INSERT INTO shared SELECT * FROM journal-shared WITHTYPE "
                + "MAP_JOURNAL");
        HazelcastSourceConnector connector = new HazelcastSourceConnector();
        connector.start(props);
        List<Map<String, String>> configs = connector.taskConfigs(2);
        assertThat(configs).hasSize(2);
        HazelcastSourceTask one = harness().start(configs.get(0));
        HazelcastSourceTask two = harness().start(configs.get(1));
        for (int i = 0; i < 100; i++) {
            map.put("k" + i, reading(i));
        }
        List<SourceRecord> all = new ArrayList<>();
        Map<Integer, Set<Integer>> partitionsByTask = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
            List<HazelcastSourceTask> tasks = List.of(one, two);
            for (int t = 0; t < tasks.size(); t++) {
                List<SourceRecord> polled = tasks.get(t).poll();
                if (polled != null) {
                    all.addAll(polled);
                    for (SourceRecord record : polled) {
                        partitionsByTask.computeIfAbsent(t, k -> new HashSet<>())
                                .add((Integer) record.sourcePartition().get("partition"));
                    }
                }
            }
            return all.size() >= 100;
        });
        assertThat(all).extracting(SourceRecord::key).doesNotHaveDuplicates().hasSize(100);
        assertThat(partitionsByTask.get(0)).as("task 0: the even partitions").isNotEmpty()
                .allMatch(p -> p % 2 == 0);
        assertThat(partitionsByTask.get(1)).as("task 1: the odd ones").isNotEmpty().allMatch(p -> p % 2 == 1);
        assertThat(configs.get(0).get("connect.hazelcast.source.task.slice")).isEqualTo("0/2");
        assertThat(configs.get(1).get("connect.hazelcast.source.task.slice")).isEqualTo("1/2");
    }
}
