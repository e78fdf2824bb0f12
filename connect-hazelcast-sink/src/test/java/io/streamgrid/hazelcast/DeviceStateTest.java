package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

@ParameterizedClass
@ValueSource(strings = {"member", "client"})
/** Merge, version guard and atomic updates of JSON device state on a real member (Compact: CompactStateTest). In both state modes (connect.hazelcast.state.mode):
 * on the members by the member module's entry processors, and by the client's compare-and-set; they store the same. */
class DeviceStateTest {

    @Parameter
    String stateMode;


    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SinkTaskFixture FIXTURE = new SinkTaskFixture(1);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String telemetry = "telemetry-" + suffix;
    private final String status = "status-" + suffix;
    private final String map = "device_state_" + suffix;

    private HazelcastSinkTask start(RecordingSinkTaskContext context, String kcql, String... extra) {
        String[] settings = Arrays.copyOf(extra, extra.length + 2);
        settings[extra.length] = HazelcastSinkConfig.STATE_MODE_CONFIG;
        settings[extra.length + 1] = stateMode;
        return FIXTURE.start(context, kcql, settings);
    }

    private HazelcastSinkTask start(String kcql, String... extra) {
        return start(new RecordingSinkTaskContext(false), kcql, extra);
    }

    private static SinkRecord record(String topic, long offset, String json) {
        return new SinkRecord(topic, 0, null, null, json == null ? null : Schema.STRING_SCHEMA, json, offset);
    }

    private static SinkRecord tombstone(String topic, long offset, String key) {
        return new SinkRecord(topic, 0, Schema.STRING_SCHEMA, key, null, null, offset);
    }


    private JsonNode stored(String key) throws Exception {
        Object value = FIXTURE.member().getMap(map).get(key);
        assertThat(value).as("entry of " + key).isNotNull();
        return JSON.readTree(value instanceof HazelcastJsonValue json ? json.getValue() : (String) value);
    }

    private static double metric(String connector, String name) throws Exception {
        ObjectName metrics = new ObjectName(
                "kafka.connect:type=plugins,connector=" + connector + ",task=0");
        return (Double) ManagementFactory.getPlatformMBeanServer().getAttribute(metrics, name);
    }

    @Test
    void partialUpdatesFromTwoTopicsMergeIntoOneEntry() throws Exception {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT device_id, temperature, ts FROM " + telemetry
                + " PK device_id STOREAS IMAP (merge = true, jsonValue = true); UPSERT INTO " + map
                + " SELECT device_id, battery, ts FROM " + status + " PK device_id STOREAS IMAP (merge = true, "
                + "jsonValue = true)", "topics", telemetry + "," + status);
        putAndFlush(task, List.of(record(telemetry, 0, "{\"device_id\":\"d1\",\"temperature\":21.5,\"ts\":1}"),
                record(status, 0, "{\"device_id\":\"d1\",\"battery\":87,\"ts\":2,\"firmware\":\"1.2\"}")));
        putAndFlush(task, List.of(record(telemetry, 1, "{\"device_id\":\"d1\",\"temperature\":22.0,\"ts\":3}")));

        assertThat(FIXTURE.member().getMap(map).get("d1")).isInstanceOf(HazelcastJsonValue.class);
        JsonNode state = stored("d1");
        assertThat(state.get("temperature").asDouble()).isEqualTo(22.0);
        assertThat(state.get("battery").asInt()).as("kept from the other topic's record").isEqualTo(87);
        assertThat(state.get("ts").asInt()).isEqualTo(3);
        assertThat(state.has("firmware")).as("not selected, so not stored").isFalse();
    }

    @Test
    void aFieldSentAsNullBecomesNullAndANewKeyIsCreated() throws Exception {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (merge = true)");
        putAndFlush(task, List.of(
                record(telemetry, 0, "{\"device_id\":\"d1\",\"temperature\":21.5,\"alarm\":\"hot\"}"),
                record(telemetry, 1, "{\"device_id\":\"d1\",\"alarm\":null}"),
                record(telemetry, 2, "{\"device_id\":\"d2\",\"battery\":3}")));

        assertThat(FIXTURE.member().getMap(map).get("d1")).as("stored as a JSON string without jsonValue").isInstanceOf(String.class);
        JsonNode d1 = stored("d1");
        assertThat(d1.get("temperature").asDouble()).isEqualTo(21.5);
        assertThat(d1.has("alarm")).isTrue();
        assertThat(d1.get("alarm").isNull()).isTrue();
        assertThat(stored("d2").get("battery").asInt()).isEqualTo(3);
    }

    @Test
    void anOlderReadingAfterANewerOneChangesNothingAndIsCounted() throws Exception {
        String connector = "stale-" + suffix;
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (merge = true, version = ts)", "name", connector);
        putAndFlush(task, List.of(record(telemetry, 0, "{\"device_id\":\"d1\",\"temperature\":30,\"ts\":200}")));
        putAndFlush(task, List.of(
                record(telemetry, 1, "{\"device_id\":\"d1\",\"temperature\":10,\"battery\":1,\"ts\":100}"),
                record(telemetry, 2, "{\"device_id\":\"d1\",\"humidity\":40,\"ts\":200}")));

        JsonNode state = stored("d1");
        assertThat(state.get("temperature").asInt()).as("the older reading did not overwrite").isEqualTo(30);
        assertThat(state.has("battery")).as("nothing of the older reading is merged").isFalse();
        assertThat(state.get("humidity").asInt()).as("an equal version applies").isEqualTo(40);
        assertThat(metric(connector, "stale-total")).isEqualTo(1.0);
    }

    @Test
    void versionsCompareAsPointsInTimeAcrossNumberAndIsoForms() throws Exception {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (version = ts)");
        putAndFlush(task, List.of(
                record(telemetry, 0, "{\"device_id\":\"d1\",\"v\":\"iso-new\",\"ts\":\"2026-12-01T10:00:00Z\"}"),
                // 09:00 as epoch millis: older than the stored 10:00
                record(telemetry, 1, "{\"device_id\":\"d1\",\"v\":\"millis-old\",\"ts\":1796115600000}"),
                record(telemetry, 2, "{\"device_id\":\"d2\",\"v\":\"first\",\"ts\":\"2026-12-01T10:00:00.000000001Z\"}"),
                record(telemetry, 3, "{\"device_id\":\"d2\",\"v\":\"ns-older\",\"ts\":\"2026-12-01T10:00:00Z\"}")));

        assertThat(stored("d1").get("v").asText()).isEqualTo("iso-new");
        assertThat(stored("d2").get("v").asText()).as("nanosecond order is kept").isEqualTo("first");
    }

    @Test
    void aReplayedBatchChangesNothing() throws Exception {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (merge = true, version = ts)");
        List<SinkRecord> first = new ArrayList<>();
        List<SinkRecord> second = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            first.add(record(telemetry, i, "{\"device_id\":\"d" + (i % 5) + "\",\"reading\":" + i + ",\"ts\":" + i
                    + ",\"batch\":1}"));
            second.add(record(telemetry, 50 + i, "{\"device_id\":\"d" + (i % 5) + "\",\"reading\":" + (50 + i)
                    + ",\"ts\":" + (50 + i) + "}"));
        }
        putAndFlush(task, first);
        putAndFlush(task, second);
        Map<Object, Object> before = new HashMap<>(FIXTURE.member().getMap(map));

        // the worker restarts from an old offset: a fresh task sees the first batch again
        HazelcastSinkTask replaying = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (merge = true, version = ts)");
        putAndFlush(replaying, first);

        assertThat(Map.copyOf(FIXTURE.member().getMap(map))).isEqualTo(before);
        assertThat(stored("d4").get("reading").asInt()).isEqualTo(99);
    }

    @Test
    void aRecordWithoutItsVersionIsBadDataForTheDeadLetterQueue() throws Exception {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = start(context, "UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (version = ts)");
        putAndFlush(task, List.of(record(telemetry, 0, "{\"device_id\":\"d1\",\"ts\":5}"),
                record(telemetry, 1, "{\"device_id\":\"d2\"}"),
                record(telemetry, 2, "{\"device_id\":\"d3\",\"ts\":\"yesterday\"}")));

        assertThat(FIXTURE.member().getMap(map).keySet()).containsExactly("d1");
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L, 2L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("topic=" + telemetry + " partition=0 offset=1")
                .hasMessageContaining("no version").hasMessageContaining("'ts'");
        assertThat(context.deadLetterErrors.get(1)).hasMessageContaining("offset=2")
                .hasMessageContaining("'yesterday'");
    }

    @Test
    void aBytesKeyCannotBeMergedAndIsBadData() throws Exception {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = start(context, "UPSERT INTO " + map + " SELECT * FROM "
                + telemetry + " PK _key STOREAS IMAP (merge = true)");
        putAndFlush(task, List.of(new SinkRecord(telemetry, 0, Schema.BYTES_SCHEMA, new byte[] {1, 2},
                Schema.STRING_SCHEMA, "{\"a\":1}", 0)));
        assertThat(context.deadLetterErrors).singleElement().satisfies(e -> assertThat(e)
                .hasMessageContaining("has a bytes key").hasMessageContaining("offset=0"));
    }

    @Test
    void tombstonesDeleteWhateverTheVersion() throws Exception {
        HazelcastSinkTask task = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK _key STOREAS IMAP (merge = true, version = ts)");
        putAndFlush(task, List.of(keyed(0, "d1", "{\"a\":1,\"ts\":9}"), keyed(1, "d2", "{\"a\":1,\"ts\":9}")));
        putAndFlush(task, List.of(tombstone(telemetry, 2, "d1"), tombstone(telemetry, 3, "d2"),
                keyed(4, "d2", "{\"b\":2,\"ts\":1}")));

        assertThat(FIXTURE.member().getMap(map).containsKey("d1")).isFalse();
        JsonNode d2 = stored("d2");
        assertThat(d2.has("a")).as("the tombstone removed the old fields").isFalse();
        assertThat(d2.get("b").asInt()).as("what follows the tombstone is a new entry").isEqualTo(2);
    }

    private SinkRecord keyed(long offset, String key, String json) {
        return new SinkRecord(telemetry, 0, Schema.STRING_SCHEMA, key, Schema.STRING_SCHEMA, json, offset);
    }

    @Test
    void twoTasksWritingTheSameKeysAtOnceLoseNoField() throws Exception {
        int keys = 200;
        int rounds = 20;
        HazelcastSinkTask temperatures = start("UPSERT INTO " + map + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS IMAP (merge = true, jsonValue = true)");
        HazelcastSinkTask batteries = start("UPSERT INTO " + map + " SELECT * FROM " + status
                + " PK device_id STOREAS IMAP (merge = true, jsonValue = true)");
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> writeRounds(temperatures, telemetry, "temperature",
                keys, rounds));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> writeRounds(batteries, status, "battery", keys,
                rounds));
        CompletableFuture.allOf(a, b).join();

        IMap<Object, Object> state = FIXTURE.member().getMap(map);
        assertThat(state.size()).isEqualTo(keys);
        for (int k = 0; k < keys; k++) {
            JsonNode node = stored("d" + k);
            assertThat(node.get("temperature")).as("d" + k + ": " + node).isNotNull();
            assertThat(node.get("battery")).as("d" + k + ": " + node).isNotNull();
            assertThat(node.get("temperature").asInt()).isEqualTo(rounds - 1);
            assertThat(node.get("battery").asInt()).isEqualTo(rounds - 1);
        }
    }

    private static void writeRounds(HazelcastSinkTask task, String topic, String field, int keys, int rounds) {
        long offset = 0;
        for (int round = 0; round < rounds; round++) {
            List<SinkRecord> records = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                records.add(record(topic, offset++, "{\"device_id\":\"d" + k + "\",\"" + field + "\":" + round + "}"));
            }
            putAndFlush(task, records);
        }
    }

    @Test
    void aCacheMergesAtomicallyToo() throws Exception {
        String cache = "state_cache_" + suffix;
        HazelcastSinkTask task = start("UPSERT INTO " + cache + " SELECT * FROM " + telemetry
                + " PK device_id STOREAS ICACHE (merge = true, version = ts)");
        // three batches: the second and third find the entry, so they go through the cache's replace(key, old, new)
        putAndFlush(task, List.of(record(telemetry, 0, "{\"device_id\":\"d1\",\"a\":1,\"ts\":5}")));
        putAndFlush(task, List.of(record(telemetry, 1, "{\"device_id\":\"d1\",\"b\":2,\"ts\":6}")));
        putAndFlush(task, List.of(record(telemetry, 2, "{\"device_id\":\"d1\",\"a\":0,\"ts\":4}")));

        Object value = FIXTURE.member().getCacheManager().getCache(cache).get("d1");
        JsonNode node = JSON.readTree((String) value);
        assertThat(node.get("a").asInt()).isEqualTo(1);
        assertThat(node.get("b").asInt()).isEqualTo(2);
        assertThat(node.get("ts").asInt()).isEqualTo(6);
    }
}
