package io.streamgrid.hazelcast;

import static io.streamgrid.hazelcast.SinkTaskFixture.putAndFlush;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.util.List;
import java.util.UUID;
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
