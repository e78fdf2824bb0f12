package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.management.ObjectName;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Structures named after the data: {@code INSERT INTO `telemetry_${site}`}. */
class TargetsFromDataTest {

    @RegisterExtension
    static final SinkTaskFixture FIXTURE = new SinkTaskFixture(1);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "telemetry-" + suffix;

    private SinkRecord json(long offset, String key, String value) {
        return new SinkRecord(topic, 0, Schema.STRING_SCHEMA, key, Schema.STRING_SCHEMA, value, offset);
    }

    @Test
    void eachSiteGetsItsOwnRingbufferAndEachKeyItsOwnMap() throws Exception {
        HazelcastSinkTask task = FIXTURE.start("INSERT INTO `telemetry_" + suffix + "_${site}` SELECT * FROM " + topic
                + " STOREAS RING_BUFFER; UPSERT INTO `state_" + suffix + "_${_key}` SELECT * FROM " + topic
                + " PK device STOREAS IMAP");
        putAndFlush(task, List.of(json(0, "a", "{\"device\":\"d1\",\"site\":\"roof\"}"),
                json(1, "b", "{\"device\":\"d2\",\"site\":\"cellar\"}"),
                json(2, "a", "{\"device\":\"d3\",\"site\":\"roof\"}")));

        assertThat(FIXTURE.member().getRingbuffer("telemetry_" + suffix + "_roof").size()).isEqualTo(2);
        assertThat(FIXTURE.member().getRingbuffer("telemetry_" + suffix + "_cellar").size()).isEqualTo(1);
        assertThat(FIXTURE.member().getMap("state_" + suffix + "_a").keySet()).containsExactlyInAnyOrder("d1", "d3");
        assertThat(FIXTURE.member().getMap("state_" + suffix + "_b").keySet()).containsExactly("d2");
    }

    @Test
    void aRecordWithoutTheFieldOrBeyondTheBoundIsBadData() throws Exception {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = FIXTURE.start(context, "INSERT INTO `by_site_" + suffix + "_${site}` SELECT * FROM "
                + topic + " STOREAS QUEUE", "connect.hazelcast.max.structures", "2");
        putAndFlush(task, List.of(json(0, null, "{\"site\":\"roof\"}"), json(1, null, "{\"other\":1}"),
                json(2, null, "{\"site\":\"cellar\"}"), json(3, null, "{\"site\":\"rofo\"}"),
                json(4, null, "{\"site\":\"roof\"}")));

        assertThat(FIXTURE.member().getQueue("by_site_" + suffix + "_roof").size()).isEqualTo(2);
        assertThat(FIXTURE.member().getQueue("by_site_" + suffix + "_cellar").size()).isEqualTo(1);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(1L, 3L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("offset=1")
                .hasMessageContaining("'${site}' in the name 'by_site_" + suffix + "_${site}' has no value");
        assertThat(context.deadLetterErrors.get(1)).hasMessageContaining("offset=3")
                .hasMessageContaining("QUEUE 'by_site_" + suffix + "_rofo'")
                .hasMessageContaining("already writes 2 structures, the most connect.hazelcast.max.structures allows");
    }

    /**
     * A thousand structures named from the data, each sent one small batch: their buffers hold few slots. Each
     * took the whole batch size at once (10,000 slots) and again after every batch: ~40 MB of empty buffers. Counted
     * in slots, not heap, which a garbage collector decides.
     */
    @Test
    void aThousandStructuresNamedFromTheDataKeepSmallBuffers() throws Exception {
        String connector = "buffers-" + suffix;
        HazelcastSinkTask task = FIXTURE.start("INSERT INTO `buffers_" + suffix + "_${site}` SELECT * FROM " + topic
                + " STOREAS QUEUE", "connect.hazelcast.max.structures", "2000", "name", connector);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            records.add(json(i, null, "{\"site\":\"s" + i + "\"}"));
        }
        putAndFlush(task, records);

        assertThat(FIXTURE.member().getQueue("buffers_" + suffix + "_s1000").size()).isEqualTo(1);
        assertThat(openStructures(connector)).isEqualTo(1000);
        assertThat(task.bufferSlots()).as("buffer slots of 1,000 open structures, batch size 10,000")
                .isEqualTo(1000L * PendingBuffer.SMALLEST);
    }

    /**
     * A structure named from the data closes at an offset commit when it had no records since the previous one (and
     * its last batch is acknowledged), and opens again with its next record; one with a fixed name stays open. The
     * metric open-structures counts them.
     */
    @Test
    void structuresNamedFromTheDataCloseWhenIdleBetweenTwoOffsetCommitsAndOpenAgain() throws Exception {
        String connector = "idle-" + suffix;
        String fixed = "fixed_" + suffix;
        HazelcastSinkTask task = FIXTURE.start("INSERT INTO `idle_" + suffix + "_${site}` SELECT * FROM " + topic
                + " STOREAS QUEUE; INSERT INTO " + fixed + " SELECT * FROM " + topic + " STOREAS QUEUE",
                "name", connector);
        assertThat(openStructures(connector)).as("the fixed one").isEqualTo(1);
        putAndFlush(task, List.of(json(0, null, "{\"site\":\"a\"}"), json(1, null, "{\"site\":\"b\"}"),
                json(2, null, "{\"site\":\"c\"}")));
        assertThat(openStructures(connector)).as("records for a, b and c in this interval").isEqualTo(4);

        putAndFlush(task, List.of(json(3, null, "{\"site\":\"a\"}")));
        assertThat(openStructures(connector)).as("b and c had no record for a whole interval").isEqualTo(2);
        putAndFlush(task, List.of());
        assertThat(openStructures(connector)).as("nor has a now").isEqualTo(1);

        putAndFlush(task, List.of(json(4, null, "{\"site\":\"b\"}")));
        assertThat(openStructures(connector)).isEqualTo(2);
        assertThat(FIXTURE.member().getQueue("idle_" + suffix + "_a").size()).isEqualTo(2);
        assertThat(FIXTURE.member().getQueue("idle_" + suffix + "_b").size()).isEqualTo(2);
        assertThat(FIXTURE.member().getQueue("idle_" + suffix + "_c").size()).isEqualTo(1);
        assertThat(FIXTURE.member().getQueue(fixed).size()).isEqualTo(5);
    }

    private static long openStructures(String connector) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0"), "open-structures"))
                .longValue();
    }

    @Test
    void aNameFromTheDataMustNotNameAStructureAnotherStatementWritesOtherwise() throws Exception {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        String queue = "shared_" + suffix;
        HazelcastSinkTask task = FIXTURE.start(context, "INSERT INTO " + queue + " SELECT * FROM " + topic
                + " STOREAS QUEUE; INSERT INTO `${target}` SELECT * FROM " + topic + " STOREAS QUEUE BATCH = 5");
        putAndFlush(task, List.of(json(0, null, "{\"target\":\"" + queue + "\"}"),
                json(1, null, "{\"target\":\"other_" + suffix + "\"}")));

        assertThat(FIXTURE.member().getQueue(queue).size()).as("a record bad for one statement is bad data as a whole: "
                + "only the second record's write of the first statement").isEqualTo(1);
        assertThat(FIXTURE.member().getQueue("other_" + suffix).size()).isEqualTo(1);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(0L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("is written by another statement in another way");
    }
}
