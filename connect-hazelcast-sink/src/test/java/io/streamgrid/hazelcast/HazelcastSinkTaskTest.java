package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicates;
import com.hazelcast.topic.ITopic;
import io.streamgrid.common.format.AvroValueFormat;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HazelcastSinkTaskTest {

    static final Schema READING = SchemaBuilder.struct().name("Reading")
            .field("sensor_id", Schema.STRING_SCHEMA)
            .field("temperature", Schema.FLOAT64_SCHEMA)
            .field("timestamp", Schema.INT64_SCHEMA)
            .field("site", Schema.STRING_SCHEMA)
            .build();

    private static HazelcastMembers members;
    private static HazelcastInstance member;
    private final List<HazelcastSinkTask> tasks = new ArrayList<>();
    private final String topic = "readings-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startMember() {
        members = new HazelcastMembers(1);
        member = members.member(0);
    }

    @AfterAll
    static void stopMember() {
        members.close();
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(HazelcastSinkTask::stop);
    }

    static Struct reading(String sensor, double temperature, long timestamp, String site) {
        return new Struct(READING).put("sensor_id", sensor).put("temperature", temperature)
                .put("timestamp", timestamp).put("site", site);
    }

    static String json(String sensor, double temperature, long timestamp, String site) {
        return "{\"sensor_id\":\"" + sensor + "\",\"temperature\":" + temperature + ",\"timestamp\":" + timestamp
                + ",\"site\":\"" + site + "\"}";
    }

    SinkRecord record(long offset, Object key, Object value) {
        Schema keySchema = key instanceof String ? Schema.STRING_SCHEMA : key instanceof Struct s ? s.schema() : null;
        Schema valueSchema = value instanceof Struct s ? s.schema() : value instanceof String ? Schema.STRING_SCHEMA
                : value instanceof byte[] ? Schema.BYTES_SCHEMA : null;
        return new SinkRecord(topic, 0, keySchema, key, valueSchema, value, offset);
    }

    List<SinkRecord> readings(int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(record(i, null, reading("s-" + i, 20.0 + i, 1000L + i, "roof")));
        }
        return records;
    }

    HazelcastSinkTask start(RecordingSinkTaskContext context, String kcql, String... extra) {
        HazelcastSinkTask task = new HazelcastSinkTask();
        task.initialize(context);
        task.start(members.sinkProps(kcql, extra));
        tasks.add(task);
        return task;
    }

    /** Puts the records and commits as the worker does; returns the offset the task lets the worker commit. */
    long putAndCommit(HazelcastSinkTask task, Collection<SinkRecord> records) {
        task.put(records);
        return commit(task, records.stream().mapToLong(SinkRecord::kafkaOffset).max().orElse(-1) + 1);
    }

    long commit(HazelcastSinkTask task, long current) {
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(Map.of(partition, new OffsetAndMetadata(current)));
        return committable.get(partition).offset();
    }

    static String name(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void recordsOfSeveralPartitionsInOnePutAreAllWrittenAndCommittedPerPartition() {
        String list = name("list");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false),
                "INSERT INTO " + list + " SELECT * FROM " + topic + " STOREAS LIST");
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < 3; offset++) { // the same offsets in both partitions, interleaved
            for (int partition = 0; partition < 2; partition++) {
                records.add(new SinkRecord(topic, partition, null, null, null,
                        json("p" + partition + "-" + offset, 20.0, offset, "roof"), offset));
            }
        }
        task.put(records);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(Map.of(p0, new OffsetAndMetadata(3),
                p1, new OffsetAndMetadata(3)));
        assertThat(committable.get(p0).offset()).isEqualTo(3);
        assertThat(committable.get(p1).offset()).isEqualTo(3);
        assertThat(member.getList(list)).hasSize(6);
        task.put(records); // redelivered as after a retry: already written, not written again
        task.preCommit(Map.of(p0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(3)));
        assertThat(member.getList(list)).hasSize(6);
    }

    @Test
    void everyStructureReceivesTheRecordsAsJson() throws InterruptedException {
        String ring = name("ring");
        String reliable = name("reliable");
        String queue = name("queue");
        String list = name("list");
        String set = name("set");
        String map = name("map");
        String multi = name("multi");
        String cache = name("cache");
        String replicated = name("replicated");
        List<String> received = new CopyOnWriteArrayList<>();
        ITopic<Object> reliableTopic = member.getReliableTopic(reliable);
        reliableTopic.addMessageListener(message -> received.add((String) message.getMessageObject()));
        String kcql = String.join(";\n",
                "INSERT INTO " + ring + " SELECT * FROM " + topic + " STOREAS RING_BUFFER",
                "INSERT INTO " + reliable + " SELECT * FROM " + topic,
                "INSERT INTO " + queue + " SELECT * FROM " + topic + " STOREAS QUEUE",
                "INSERT INTO " + list + " SELECT * FROM " + topic + " STOREAS LIST",
                "INSERT INTO " + set + " SELECT * FROM " + topic + " STOREAS SET",
                "INSERT INTO " + map + " SELECT * FROM " + topic + " PK sensor_id STOREAS IMAP",
                "INSERT INTO " + multi + " SELECT * FROM " + topic + " PK site STOREAS MULTI_MAP",
                "INSERT INTO " + cache + " SELECT * FROM " + topic + " PK sensor_id STOREAS ICACHE",
                "UPSERT INTO " + replicated + " SELECT * FROM " + topic + " PK sensor_id STOREAS REPLICATED_MAP");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), kcql);

        assertThat(putAndCommit(task, readings(3))).isEqualTo(3);

        List<String> expected = List.of(json("s-0", 20.0, 1000, "roof"), json("s-1", 21.0, 1001, "roof"),
                json("s-2", 22.0, 1002, "roof"));
        assertThat(List.of(member.getRingbuffer(ring).readOne(0), member.getRingbuffer(ring).readOne(1),
                member.getRingbuffer(ring).readOne(2))).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).isEqualTo(expected));
        assertThat(new ArrayList<>(member.getQueue(queue))).isEqualTo(expected);
        assertThat(new ArrayList<>(member.getList(list))).isEqualTo(expected);
        assertThat(member.<Object>getSet(set)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(member.getMap(map).get("s-1")).isEqualTo(expected.get(1));
        assertThat(member.getMap(map).size()).isEqualTo(3);
        assertThat(member.getMultiMap(multi).get("roof")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(member.getCacheManager().getCache(cache).get("s-2")).isEqualTo(expected.get(2));
        assertThat(member.getReplicatedMap(replicated).get("s-0")).isEqualTo(expected.get(0));
    }

    @Test
    void seedRingbufferStatementSelectsFields() throws InterruptedException {
        String ring = name("sensor_ringbuffer");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + ring
                + " SELECT sensor_id, timestamp, temperature FROM " + topic + " WITH FORMAT JSON STOREAS RING_BUFFER");
        putAndCommit(task, readings(1));
        assertThat(member.getRingbuffer(ring).readOne(0))
                .isEqualTo("{\"sensor_id\":\"s-0\",\"timestamp\":1000,\"temperature\":20.0}");
    }

    @Test
    void avroTextAndBinaryFormats() {
        String avroMap = name("avro");
        String textQueue = name("text");
        String binaryQueue = name("binary");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), String.join(";",
                "INSERT INTO " + avroMap + " SELECT * FROM " + topic + " PK sensor_id WITHFORMAT AVRO STOREAS IMAP",
                "INSERT INTO " + textQueue + " SELECT sensor_id FROM " + topic + " WITHFORMAT TEXT STOREAS QUEUE",
                "INSERT INTO " + binaryQueue + " SELECT * FROM " + topic + "_raw WITHFORMAT BINARY STOREAS QUEUE"));
        Struct value = reading("s-9", 19.5, 5L, "cellar");
        putAndCommit(task, List.of(record(0, null, value)));
        byte[] avro = (byte[]) member.getMap(avroMap).get("s-9");
        assertThat(new AvroValueFormat().decode(READING, avro).value()).isEqualTo(value);
        assertThat(member.getQueue(textQueue).poll()).isEqualTo("{\"sensor_id\":\"s-9\"}");

        byte[] raw = {1, 2, 3, (byte) 0xfe};
        task.put(List.of(new SinkRecord(topic + "_raw", 0, null, null, Schema.BYTES_SCHEMA, raw, 0)));
        task.preCommit(Map.of());
        assertThat((byte[]) member.getQueue(binaryQueue).poll()).containsExactly(raw);
    }

    @Test
    void jsonValueCanBeQueriedWithPredicates() {
        String map = name("devices");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + map + " SELECT * FROM " + topic
                + " PK sensor_id WITHFORMAT JSON STOREAS IMAP (jsonValue = true)");
        putAndCommit(task, readings(5));
        assertThat(member.getMap(map).get("s-3")).isInstanceOf(HazelcastJsonValue.class);
        Collection<Object> warm = member.getMap(map).values(Predicates.sql("temperature > 22.5"));
        assertThat(warm).extracting(Object::toString).containsExactlyInAnyOrder(
                json("s-3", 23.0, 1003, "roof"), json("s-4", 24.0, 1004, "roof"));
    }

    @Test
    void keysComeFromPkFieldsThenRecordKeyThenCoordinates() {
        String single = name("single");
        String typed = name("typed");
        String composite = name("composite");
        String byRecordKey = name("bykey");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), String.join(";",
                "INSERT INTO " + single + " SELECT * FROM " + topic + " PK sensor_id STOREAS IMAP",
                "INSERT INTO " + typed + " SELECT * FROM " + topic + " PK timestamp STOREAS IMAP",
                "INSERT INTO " + composite + " SELECT * FROM " + topic + " PK site, sensor_id KEYDELIMITER = '|' STOREAS IMAP",
                "INSERT INTO " + byRecordKey + " SELECT * FROM " + topic + " STOREAS IMAP"));
        Schema keySchema = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
        putAndCommit(task, List.of(
                record(0, "key-a", reading("s-1", 1, 100, "roof")),
                record(1, new Struct(keySchema).put("id", 7), reading("s-2", 2, 200, "roof")),
                record(2, null, reading("s-3", 3, 300, "cellar"))));
        assertThat(member.getMap(single).keySet()).containsExactlyInAnyOrder("s-1", "s-2", "s-3");
        assertThat(member.getMap(typed).keySet()).containsExactlyInAnyOrder(100L, 200L, 300L);
        assertThat(member.getMap(composite).keySet()).containsExactlyInAnyOrder("roof|s-1", "roof|s-2", "cellar|s-3");
        assertThat(member.getMap(byRecordKey).keySet()).containsExactlyInAnyOrder("key-a", "{\"id\":7}",
                topic + "-0-2");
    }

    @Test
    void ttlExpiresEntries() {
        String map = name("ttlmap");
        String cache = name("ttlcache");
        String replicated = name("ttlreplicated");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), String.join(";",
                "INSERT INTO " + map + " SELECT * FROM " + topic + " PK sensor_id STOREAS IMAP TTL = 1500",
                "INSERT INTO " + cache + " SELECT * FROM " + topic + " PK sensor_id STOREAS ICACHE TTL = 1500",
                "INSERT INTO " + replicated + " SELECT * FROM " + topic + " PK sensor_id STOREAS REPLICATED_MAP TTL = 1500"));
        assertThat(putAndCommit(task, readings(2))).isEqualTo(2);
        assertThat(member.getMap(map).get("s-1")).isNotNull();
        assertThat(member.getCacheManager().getCache(cache).get("s-1")).isNotNull();
        assertThat(member.getReplicatedMap(replicated).get("s-1")).isNotNull();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(member.getMap(map).get("s-1")).isNull();
            assertThat(member.getCacheManager().getCache(cache).get("s-1")).isNull();
            assertThat(member.getReplicatedMap(replicated).get("s-1")).isNull();
        });
    }

    @Test
    void tombstoneDeletesFromMapsAndIsSkippedAndCountedOnQueues() {
        String map = name("state");
        String byKeyField = name("statepk");
        String queue = name("events");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), String.join(";",
                "INSERT INTO " + map + " SELECT * FROM " + topic + " STOREAS IMAP",
                "INSERT INTO " + byKeyField + " SELECT * FROM " + topic + " PK _key STOREAS IMAP",
                "INSERT INTO " + queue + " SELECT * FROM " + topic + " STOREAS QUEUE"));
        putAndCommit(task, List.of(record(0, "dev-1", reading("s-1", 1, 1, "a")),
                record(1, "dev-2", reading("s-2", 2, 2, "a"))));
        assertThat(member.getMap(map).keySet()).containsExactlyInAnyOrder("dev-1", "dev-2");

        assertThat(putAndCommit(task, List.of(record(2, "dev-1", null)))).isEqualTo(3);
        assertThat(member.getMap(map).keySet()).containsExactly("dev-2");
        assertThat(member.getMap(byKeyField).keySet()).containsExactly("dev-2");
        assertThat(member.getQueue(queue)).hasSize(2);
        assertThat(task.skippedTombstones()).isEqualTo(1);
    }

    @Test
    void severalStatementsOnOneTopicAllWrite() {
        String queue = name("fanq");
        String map = name("fanm");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + queue + " SELECT * FROM " + topic
                + " STOREAS QUEUE; INSERT INTO " + map + " SELECT temperature FROM " + topic + " PK sensor_id STOREAS IMAP");
        putAndCommit(task, readings(4));
        assertThat(member.getQueue(queue)).hasSize(4);
        assertThat(member.getMap(map).get("s-2")).isEqualTo("{\"temperature\":22.0}");
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueAndTheRestIsWritten() {
        String queue = name("dlq");
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = start(context, "INSERT INTO " + queue + " SELECT sensor_id, humidity FROM " + topic
                + " STOREAS QUEUE");
        Schema withHumidity = SchemaBuilder.struct().field("sensor_id", Schema.STRING_SCHEMA)
                .field("humidity", Schema.FLOAT64_SCHEMA).build();
        List<SinkRecord> records = List.of(
                record(0, null, new Struct(withHumidity).put("sensor_id", "h-1").put("humidity", 40.0)),
                record(1, null, reading("s-1", 1, 1, "roof")),
                record(2, null, new Struct(withHumidity).put("sensor_id", "h-2").put("humidity", 41.0)));
        assertThat(putAndCommit(task, records)).isEqualTo(3);
        assertThat(member.getQueue(queue)).hasSize(2);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L);
        assertThat(context.deadLetterErrors.get(0)).isInstanceOf(DataException.class)
                .hasMessageContaining("Field 'humidity' is not in record topic=" + topic + " partition=0 offset=1");
    }

    @Test
    void recordOfATopicNoStatementReadsGoesToTheDeadLetterQueue() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = start(context, "INSERT INTO " + name("q") + " SELECT * FROM other STOREAS QUEUE");
        task.put(readings(1));
        assertThat(context.deadLetterErrors).singleElement().asString()
                .contains("no KCQL statement reads topic '" + topic + "'");
    }

    @Test
    void withoutDeadLetterQueueBadDataFailsTheTaskNamingTheRecord() {
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + name("q") + " SELECT nope FROM "
                + topic + " STOREAS QUEUE");
        assertThatThrownBy(() -> task.put(readings(1))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("topic=" + topic + " partition=0 offset=0")
                .hasMessageContaining("Field 'nope'");
    }

    @Test
    void noopPolicyDropsBadDataAndCountsIt() throws Exception {
        String queue = name("noop");
        String connector = name("noop-connector");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + queue
                + " SELECT sensor_id FROM " + topic + " STOREAS QUEUE", "connect.hazelcast.error.policy", "NOOP",
                "name", connector);
        List<SinkRecord> records = new ArrayList<>(readings(2));
        // a plain string has no field sensor_id to select: bad data that no retry can mend
        records.add(record(2, null, "not json at all"));
        assertThat(putAndCommit(task, records)).as("the dropped record's offset commits too").isEqualTo(3);
        assertThat(member.getQueue(queue)).hasSize(2).allSatisfy(e -> assertThat((String) e).contains("sensor_id"));
        ObjectName metrics = new ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat(jmx.getAttribute(metrics, "dropped-total")).isEqualTo(1.0);
        assertThat(jmx.getAttribute(metrics, "records-in-total")).isEqualTo(3.0);
        assertThat(jmx.getAttribute(metrics, "records-out-total")).isEqualTo(2.0);
    }

    @Test
    void eachTaskWritesItsCacheThroughItsOwnClientSoStoppingAnotherTaskDoesNotBreakIt() {
        String cache = name("cache2");
        String kcql = "INSERT INTO " + cache + " SELECT * FROM " + topic + " PK sensor_id STOREAS ICACHE";
        HazelcastSinkTask first = start(new RecordingSinkTaskContext(false), kcql);
        HazelcastSinkTask second = start(new RecordingSinkTaskContext(false), kcql);
        assertThat(putAndCommit(first, List.of(record(0, null, reading("s-a", 1, 1, "roof"))))).isEqualTo(1);
        assertThat(putAndCommit(second, List.of(record(1, null, reading("s-b", 2, 2, "roof"))))).isEqualTo(2);
        first.stop();
        tasks.remove(first);
        assertThat(putAndCommit(second, List.of(record(2, null, reading("s-c", 3, 3, "roof"))))).isEqualTo(3);
        assertThat(member.getCacheManager().getCache(cache).get("s-c")).isEqualTo(json("s-c", 3.0, 3, "roof"));
        assertThat(member.getCacheManager().getCache(cache).get("s-a")).isNotNull();
    }

    @Test
    void keyFieldsOfSchemalessMapKeysOfChangingTypesAreThePk() {
        String map = name("bykey");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + map
                + " SELECT sensor_id FROM " + topic + " PK _key.id STOREAS IMAP");
        List<SinkRecord> records = List.of(
                new SinkRecord(topic, 0, null, Map.of("id", "k-1"), READING, reading("s-1", 1, 1, "roof"), 0),
                new SinkRecord(topic, 0, null, Map.of("id", 42L), READING, reading("s-2", 2, 2, "roof"), 1));
        assertThat(putAndCommit(task, records)).isEqualTo(2);
        assertThat(member.getMap(map).get("k-1")).isEqualTo("{\"sensor_id\":\"s-1\"}");
        assertThat(member.getMap(map).get(42L)).isEqualTo("{\"sensor_id\":\"s-2\"}");
    }

    @Test
    void orderWithinAPartitionIsKeptAcrossBatches() throws InterruptedException {
        String ring = name("ordered");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + ring + " SELECT sensor_id FROM "
                + topic + " STOREAS RING_BUFFER", "connect.hazelcast.batch.size", "100");
        int total = 5000;
        for (int from = 0; from < total; from += 500) {
            List<SinkRecord> records = new ArrayList<>();
            for (int i = from; i < from + 500; i++) {
                records.add(record(i, null, reading("s-" + i, 0, i, "x")));
            }
            task.put(records);
        }
        assertThat(commit(task, total)).isEqualTo(total);
        var ringbuffer = member.getRingbuffer(ring);
        assertThat(ringbuffer.size()).isEqualTo(total);
        for (int i = 0; i < total; i++) {
            assertThat(ringbuffer.readOne(i)).isEqualTo("{\"sensor_id\":\"s-" + i + "\"}");
        }
    }

    @Test
    void fullBoundedQueueTakesWhatFitsAndTheRestIsRetriedNeverDropped() {
        String queue = "bounded-" + UUID.randomUUID().toString().substring(0, 8);
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        HazelcastSinkTask task = start(context, "INSERT INTO " + queue + " SELECT sensor_id FROM " + topic
                + " STOREAS QUEUE", "connect.hazelcast.error.policy", "RETRY", "connect.hazelcast.retry.interval", "10");
        List<SinkRecord> records = readings(HazelcastMembers.SMALL_QUEUE_CAPACITY + 5);
        task.put(records);
        assertThat(commit(task, records.size())).as("only the records that went in are committed").isEqualTo(10);
        assertThatThrownBy(() -> task.put(records)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("is full; 0 of the batch's 5 items went in");
        assertThat(context.timeouts).containsExactly(10L);
        assertThat(commit(task, records.size())).isEqualTo(10);

        List<Object> consumed = new ArrayList<>();
        member.getQueue(queue).drainTo(consumed);
        // the worker delivers the same records again once the retry interval has passed; the waiting five go in
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(RetriableException.class).until(() -> {
            task.put(records);
            return commit(task, records.size()) == records.size();
        });
        member.getQueue(queue).drainTo(consumed);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            expected.add("{\"sensor_id\":\"s-" + i + "\"}");
        }
        assertThat(consumed).isEqualTo(expected);
    }

    @Test
    void lingerKeepsRecordsUntilCommitAndCommitWritesThem() {
        String queue = name("linger");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + queue + " SELECT * FROM " + topic
                + " STOREAS QUEUE", "connect.hazelcast.linger.ms", "600000");
        task.put(readings(3));
        assertThat(member.getQueue(queue)).isEmpty();
        assertThat(commit(task, 3)).isEqualTo(3);
        assertThat(member.getQueue(queue)).hasSize(3);
    }

    @Test
    void aStatementsBatchSizeSendsAFullBatchAtOnceWhateverTheGlobalBatchSize() {
        String ring = name("batch10");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + ring + " SELECT * FROM "
                + topic + " STOREAS RING_BUFFER BATCH = 10", "connect.hazelcast.linger.ms", "600000",
                "connect.hazelcast.batch.size", "1000");
        task.put(readings(10));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(member.getRingbuffer(ring).size()).as("a full batch of 10 goes without waiting").isEqualTo(10));
    }

    @Test
    void aStatementsBatchSizeBoundsEveryWriteCallToItsStructure() throws Exception {
        String map = name("mapbatch");
        String connector = name("mapbatch-connector");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + map + " SELECT * FROM "
                + topic + " PK sensor_id STOREAS IMAP BATCH = 10", "connect.hazelcast.linger.ms", "600000",
                "name", connector);
        assertThat(putAndCommit(task, readings(35))).isEqualTo(35);
        assertThat(member.getMap(map).size()).isEqualTo(35);
        ObjectName metrics = new ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(metrics, "batches-total"))
                .as("35 entries in calls of at most 10").isEqualTo(4.0);
    }

    /**
     * Batches larger than BATCH go out as overlapping calls (MapWriter), and puts keep arriving while a batch is in
     * flight: a map listener sees every key's values in Kafka order, never an older one after a newer.
     */
    @Test
    void overlappingMapCallsKeepKafkaOrderPerKey() {
        String map = name("order");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + map + " SELECT * FROM "
                + topic + " PK sensor_id STOREAS IMAP BATCH = 7", "connect.hazelcast.linger.ms", "0");
        Map<Object, List<Long>> seen = new ConcurrentHashMap<>();
        member.getMap(map).addEntryListener(new OrderListener(seen), true);
        int keys = 20;
        int versions = 60;
        List<SinkRecord> records = new ArrayList<>();
        for (int version = 0; version < versions; version++) {
            for (int key = 0; key < keys; key++) {
                long offset = (long) version * keys + key;
                records.add(record(offset, null, reading("s-" + key, version, version, "roof")));
            }
        }
        for (int from = 0; from < records.size(); from += 50) { // puts of 50 while batches are in flight
            task.put(records.subList(from, Math.min(records.size(), from + 50)));
        }
        assertThat(commit(task, records.size())).isEqualTo(records.size());
        for (int key = 0; key < keys; key++) {
            assertThat(versionOf(member.getMap(map).get("s-" + key))).as("s-" + key + " ends at its last reading")
                    .isEqualTo(versions - 1L);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen).hasSize(keys));
        seen.forEach((key, values) -> assertThat(values).as(key + "'s values as the map saw them").isSorted());
    }

    /** Every value a key takes, added or updated (setAll publishes either), in the order the member applied them. */
    private record OrderListener(Map<Object, List<Long>> seen) implements
            EntryAddedListener<Object, Object>,
            EntryUpdatedListener<Object, Object> {
        @Override
        public void entryAdded(EntryEvent<Object, Object> event) {
            entryUpdated(event);
        }

        @Override
        public void entryUpdated(EntryEvent<Object, Object> event) {
            seen.computeIfAbsent(event.getKey(), k -> new CopyOnWriteArrayList<>()).add(versionOf(event.getValue()));
        }
    }

    /** The reading's timestamp field, which the test sets to its version. */
    private static long versionOf(Object value) {
        Matcher ts = Pattern.compile("\"timestamp\":(\\d+)")
                .matcher(String.valueOf(value));
        assertThat(ts.find()).as(String.valueOf(value)).isTrue();
        return Long.parseLong(ts.group(1));
    }

    @Test
    void stringJsonValuesAreProjectedToo() {
        String map = name("jsonstr");
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "INSERT INTO " + map + " SELECT sensor_id, temperature AS t FROM "
                + topic + " PK sensor_id STOREAS IMAP");
        putAndCommit(task, List.of(record(0, null, "{\"sensor_id\":\"j-1\",\"temperature\":18.25,\"x\":1}"),
                record(1, null, Map.of("sensor_id", "j-2", "temperature", 17L))));
        assertThat(member.getMap(map).get("j-1")).isEqualTo("{\"sensor_id\":\"j-1\",\"t\":18.25}");
        assertThat(member.getMap(map).get("j-2")).isEqualTo("{\"sensor_id\":\"j-2\",\"t\":17}");
    }
}
