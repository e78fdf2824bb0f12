package io.streamgrid.hazelcast.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import com.hazelcast.ringbuffer.Ringbuffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What items of every kind become, read through a real member, and what happens to one the worker cannot read. */
@Timeout(120)
class ItemValuesTest {

    @RegisterExtension
    static final SourceMember MEMBER = new SourceMember(config -> config);

    private static SourceHarness harness() {
        return MEMBER.harness();
    }

    private static Ringbuffer<Object> ringbuffer(String name) {
        return MEMBER.members().member(0).getRingbuffer(name);
    }

    /** A value of a class the worker's client cannot deserialize: no factory for its factory id there. */
    static final class Unknown implements IdentifiedDataSerializable {
        @Override
        public int getFactoryId() {
            return 4242;
        }

        @Override
        public int getClassId() {
            return 1;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString("secret");
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            in.readString();
        }
    }

    private List<SourceRecord> read(String ringbuffer, int count, String... settings) {
        HazelcastSourceTask task = harness().start(harness().props("INSERT INTO values_topic SELECT * FROM "
                + ringbuffer + " WITHTYPE RING_BUFFER", settings));
        return SourceHarness.poll(task, count);
    }

    @Test
    void everyKindOfValueHasItsConnectForm() {
        Ringbuffer<Object> items = ringbuffer("kinds");
        items.add(new HazelcastJsonValue("{\"a\": 1, \"b\": {\"c\": [1.5, 2]}}"));
        items.add(new HazelcastJsonValue("[1, 2]"));
        items.add("{\"x\": \"y\"}");
        items.add("{not json");
        items.add("plain");
        items.add(new byte[] {1, 2});
        items.add(GenericRecordBuilder.compact("Reading").setString("device", "d-1").setFloat64("t", 21.5).build());
        items.add(7);
        items.add(8L);
        items.add(2.5);
        items.add(true);
        items.add(new BigDecimal("1.25"));
        items.add(new BigInteger("12345678901234567890"));
        items.add('z');
        UUID uuid = UUID.randomUUID();
        items.add(uuid);
        items.add(new Date(1_700_000_000_000L));
        items.add(LocalDate.of(2026, 3, 14));
        items.add(LocalTime.of(12, 0, 1));
        items.add(LocalDateTime.of(2026, 3, 14, 12, 0));
        items.add(OffsetDateTime.of(2026, 3, 14, 12, 0, 0, 0, ZoneOffset.ofHours(1)));
        items.add(Instant.ofEpochMilli(1_700_000_000_001L));

        List<SourceRecord> records = read("kinds", 21);

        Struct json = (Struct) records.get(0).value();
        assertThat(json.get("a")).isEqualTo(1L);
        assertThat(json.getStruct("b").getArray("c")).containsExactly(1.5, 2.0);
        assertThat(records.get(1).valueSchema().type()).isEqualTo(Schema.Type.ARRAY);
        assertThat(records.get(1).value()).isEqualTo(List.of(1L, 2L));
        assertThat(((Struct) records.get(2).value()).get("x")).as("a JSON object in a string").isEqualTo("y");
        assertThat(records.get(3).value()).as("text that only looks like JSON stays text").isEqualTo("{not json");
        assertThat(records.get(4).value()).isEqualTo("plain");
        assertThat(records.get(5).valueSchema()).isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);
        assertThat((byte[]) records.get(5).value()).containsExactly(1, 2);
        Struct compact = (Struct) records.get(6).value();
        assertThat(compact.get("device")).isEqualTo("d-1");
        assertThat(compact.get("t")).isEqualTo(21.5);
        assertThat(records.get(7).valueSchema()).isEqualTo(Schema.OPTIONAL_INT32_SCHEMA);
        assertThat(records.get(7).value()).isEqualTo(7);
        assertThat(records.get(8).value()).isEqualTo(8L);
        assertThat(records.get(9).valueSchema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
        assertThat(records.get(10).valueSchema()).isEqualTo(Schema.OPTIONAL_BOOLEAN_SCHEMA);
        assertThat(records.get(11).valueSchema()).isEqualTo(Decimal.builder(2).optional().build());
        assertThat(records.get(11).value()).isEqualTo(new BigDecimal("1.25"));
        assertThat(records.get(12).value()).isEqualTo(new BigDecimal("12345678901234567890"));
        assertThat(records.get(13).value()).isEqualTo("z");
        assertThat(records.get(14).value()).isEqualTo(uuid.toString());
        assertThat(records.get(15).valueSchema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(records.get(15).value()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(records.get(16).valueSchema().name()).isEqualTo(org.apache.kafka.connect.data.Date.LOGICAL_NAME);
        assertThat(records.get(17).valueSchema().name()).isEqualTo(Time.LOGICAL_NAME);
        assertThat(records.get(17).value()).isEqualTo(new Date((12 * 3600 + 1) * 1000L));
        assertThat(records.get(18).value()).as("without a zone: UTC")
                .isEqualTo(Date.from(LocalDateTime.of(2026, 3, 14, 12, 0).toInstant(ZoneOffset.UTC)));
        assertThat(records.get(19).value()).isEqualTo(Date.from(Instant.parse("2026-03-14T11:00:00Z")));
        assertThat(records.get(20).value()).isEqualTo(new Date(1_700_000_000_001L));
    }

    @Test
    void withFormatTextKeepsJsonAsTextAndWithFormatJsonRefusesText() throws Exception {
        ringbuffer("formats").add(new HazelcastJsonValue("{\"a\": 1}"));
        ringbuffer("formats").add("{\"b\": 2}");
        HazelcastSourceTask text = harness().start(harness().props(
                "INSERT INTO t SELECT * FROM formats WITHTYPE RING_BUFFER WITHFORMAT TEXT"));
        assertThat(SourceHarness.poll(text, 2)).extracting(SourceRecord::value)
                .containsExactly("{\"a\": 1}", "{\"b\": 2}");

        ringbuffer("strict").add("not json");
        ringbuffer("strict").add("[1]");
        HazelcastSourceTask json = harness().start(harness().props(
                "INSERT INTO t SELECT * FROM strict WITHTYPE RING_BUFFER WITHFORMAT JSON",
                "connect.hazelcast.source.bad.message.policy", "SKIP"));
        List<SourceRecord> records = SourceHarness.poll(json, 1);
        assertThat(records).singleElement().extracting(SourceRecord::value).isEqualTo(List.of(1L));
        assertThat(harness().metric("skipped-total", null)).as("the text").isEqualTo(1.0);
    }

    @Test
    void anItemTheWorkerCannotReadGoesToTheDeadLetterTopicAndTheNextOnesFollow() throws Exception {
        Ringbuffer<Object> items = ringbuffer("unreadable");
        items.add("before");
        items.add(new Unknown());
        items.add(new ArrayList<>(List.of(1, 2))); // read, but it has no Connect form
        items.add("after");

        List<SourceRecord> records = read("unreadable", 4, "connect.hazelcast.source.bad.message.policy", "DLQ",
                "connect.hazelcast.source.dead.letter.topic", "dead");

        assertThat(records).extracting(SourceRecord::topic).containsExactly("values_topic", "dead", "dead",
                "values_topic");
        SourceRecord dead = records.get(1);
        assertThat(dead.valueSchema()).isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);
        assertThat((byte[]) dead.value()).as("as Hazelcast serialized it").isNotEmpty();
        assertThat(dead.sourceOffset().get("sequence")).as("its offset commits").isEqualTo(1L);
        assertThat((String) dead.headers().lastWithName("streamgrid.error.reason").value())
                .contains("it cannot be read").contains("4242");
        assertThat(dead.headers().lastWithName("hazelcast.sequence").value()).isEqualTo(1L);
        assertThat((String) records.get(2).headers().lastWithName("streamgrid.error.reason").value())
                .contains("java.util.ArrayList has no Kafka Connect form");
        assertThat(records.get(3).value()).isEqualTo("after");
        assertThat(harness().metric("dead-lettered-total", null)).isEqualTo(2.0);
    }

    /** Polls until the task fails, keeping what it handed over before; the failure. */
    private static ConnectException pollUntilItFails(HazelcastSourceTask task, List<SourceRecord> handed) {
        return catchThrowableOfType(ConnectException.class, () -> await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ZERO).until(() -> {
                    List<SourceRecord> polled = task.poll();
                    if (polled != null) {
                        handed.addAll(polled);
                    }
                    return false;
                }));
    }

    @Test
    void underFailTheItemsAfterABadOneWaitForItSoARestartedTaskFailsOnItAgainOrDeadLettersIt() throws Exception {
        Ringbuffer<Object> items = ringbuffer("held-back");
        items.add("a");
        items.add(new Unknown());
        items.add("c");
        items.add("d");
        String kcql = "INSERT INTO t SELECT * FROM held-back WITHTYPE RING_BUFFER";
        HazelcastSourceTask first = harness().start(harness().props(kcql));
        List<SourceRecord> handed = new ArrayList<>();

        ConnectException failure = pollUntilItFails(first, handed);

        assertThat(failure).hasMessageContaining("item 1 of RING_BUFFER 'held-back'");
        assertThat(handed).extracting(SourceRecord::value).as("what comes after the bad item waits for it")
                .containsExactly("a");
        harness().commit(first, handed);
        harness().stop(first);

        HazelcastSourceTask again = harness().start(harness().props(kcql));
        List<SourceRecord> handedAgain = new ArrayList<>();
        assertThat(pollUntilItFails(again, handedAgain)).as("the bad item is not passed over by a restart")
                .hasMessageContaining("item 1 of RING_BUFFER 'held-back'");
        assertThat(handedAgain).isEmpty();
        harness().stop(again);

        HazelcastSourceTask dlq = harness().start(harness().props(kcql, "connect.hazelcast.source.bad.message.policy",
                "DLQ", "connect.hazelcast.source.dead.letter.topic", "dead"));
        assertThat(SourceHarness.poll(dlq, 3)).extracting(SourceRecord::topic, r -> r.sourceOffset().get("sequence"))
                .containsExactly(tuple("dead", 1L), tuple("t", 2L), tuple("t", 3L));
    }

    @Test
    void anItemTheWorkerCannotReadFailsTheTaskByDefaultNamingIt() {
        ringbuffer("failing").add(new Unknown());
        HazelcastSourceTask task = harness().start(harness().props(
                "INSERT INTO t SELECT * FROM failing WITHTYPE RING_BUFFER"));

        ConnectException failure = catchThrowableOfType(ConnectException.class, () -> SourceHarness.poll(task, 1));

        assertThat(failure).hasMessageContaining("Cannot turn the item 0 of RING_BUFFER 'failing' into a record: "
                + "it cannot be read").hasMessageContaining("bad.message.policy=FAIL");
    }
}
