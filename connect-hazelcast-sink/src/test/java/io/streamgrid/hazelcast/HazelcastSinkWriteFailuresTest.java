package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Write failures are classified: a failure no retry can mend (here a member-side store that refuses a value)
 * is not retried as if transient; only the entries that fail on their own go to the dead-letter queue, or
 * fail the task at once.
 */
class HazelcastSinkWriteFailuresTest {

    private static HazelcastMembers members;
    private final List<HazelcastSinkTask> tasks = new ArrayList<>();
    private final String topic = "failures-" + UUID.randomUUID().toString().substring(0, 8);
    private final String map = "rejecting-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startMember() {
        members = new HazelcastMembers(1);
    }

    @AfterAll
    static void stopMember() {
        members.close();
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(HazelcastSinkTask::stop);
    }

    private HazelcastSinkTask start(RecordingSinkTaskContext context, String... extra) {
        HazelcastSinkTask task = new HazelcastSinkTask();
        task.initialize(context);
        task.start(members.sinkProps("INSERT INTO " + map + " SELECT * FROM " + topic + " PK sensor_id STOREAS IMAP",
                extra));
        tasks.add(task);
        return task;
    }

    private List<SinkRecord> readingsWithPoisonAt(int count, int poison) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new SinkRecord(topic, 0, null, null, HazelcastSinkTaskTest.READING,
                    HazelcastSinkTaskTest.reading("s-" + i, i, i, i == poison ? "poison" : "roof"), i));
        }
        return records;
    }

    private long commit(HazelcastSinkTask task, long current) {
        TopicPartition partition = new TopicPartition(topic, 0);
        return task.preCommit(Map.of(partition, new OffsetAndMetadata(current))).get(partition).offset();
    }

    @Test
    void onlyTheEntryThatFailsOnItsOwnGoesToTheDeadLetterQueue() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        HazelcastSinkTask task = start(context, "connect.hazelcast.error.policy", "RETRY");
        task.put(readingsWithPoisonAt(5, 2));
        commit(task, 5);
        task.put(List.of()); // the worker's next put: the failed batch is dealt with before anything else
        assertThat(commit(task, 5)).isEqualTo(5);
        assertThat(context.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(2L);
        assertThat(context.deadLetterErrors.get(0)).hasMessageContaining("the store refuses s-2");
        assertThat(context.timeouts).as("nothing was retried as if transient").isEmpty();
        assertThat(members.member(0).getMap(map).keySet()).containsExactlyInAnyOrder("s-0", "s-1", "s-3", "s-4");
    }

    @Test
    void withoutDeadLetterQueueAFailureNoRetryCanMendFailsTheTaskAtOnce() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        HazelcastSinkTask task = start(context, "connect.hazelcast.error.policy", "RETRY",
                "connect.hazelcast.max.retries", "20");
        task.put(readingsWithPoisonAt(3, 1));
        assertThat(commit(task, 3)).as("nothing from the failed entry on is committed").isLessThanOrEqualTo(1);
        assertThatThrownBy(() -> task.put(List.of()))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("topic=" + topic + " partition=0 offset=1")
                .hasMessageContaining("the store refuses s-1");
        assertThat(context.timeouts).isEmpty();
    }

    @Test
    void noopDropsOnlyTheEntryThatFailsOnItsOwn() {
        HazelcastSinkTask task = start(new RecordingSinkTaskContext(false), "connect.hazelcast.error.policy", "NOOP");
        task.put(readingsWithPoisonAt(4, 0));
        commit(task, 4);
        task.put(List.of());
        assertThat(commit(task, 4)).isEqualTo(4);
        assertThat(members.member(0).getMap(map).keySet()).containsExactlyInAnyOrder("s-1", "s-2", "s-3");
    }
}
