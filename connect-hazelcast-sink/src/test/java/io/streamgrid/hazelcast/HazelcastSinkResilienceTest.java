package io.streamgrid.hazelcast;

import io.streamgrid.common.testing.RecordingSinkTaskContext;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HazelcastSinkResilienceTest {

    private static final String TOPIC = "telemetry";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private static List<SinkRecord> readings(int from, int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            records.add(new SinkRecord(TOPIC, 0, null, null, HazelcastSinkTaskTest.READING,
                    HazelcastSinkTaskTest.reading("s-" + i, i, i, "roof"), i));
        }
        return records;
    }

    private static HazelcastSinkTask start(HazelcastMembers members, RecordingSinkTaskContext context, String kcql,
                                           String... extra) {
        HazelcastSinkTask task = new HazelcastSinkTask();
        task.initialize(context);
        task.start(members.sinkProps(kcql, extra));
        return task;
    }

    private static long commit(HazelcastSinkTask task, long current) {
        return task.preCommit(Map.of(PARTITION, new OffsetAndMetadata(current))).get(PARTITION).offset();
    }

    @Test
    @Timeout(180)
    void memberStoppedThenStartedAgainLosesNothingAndCommitsNothingEarly() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1)) {
            RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
            HazelcastSinkTask task = start(members, context, "INSERT INTO state SELECT * FROM " + TOPIC
                            + " PK sensor_id STOREAS IMAP",
                    "connect.hazelcast.error.policy", "RETRY", "connect.hazelcast.max.retries", "1000",
                    "connect.hazelcast.retry.interval", "100", "connect.hazelcast.write.timeout", "2000",
                    "connect.hazelcast.cluster.connect.timeout", "120000");
            try {
                task.put(readings(0, 100));
                assertThat(commit(task, 100)).isEqualTo(100);

                members.stop(0);
                List<SinkRecord> during = readings(100, 100);
                task.put(during);
                assertThat(commit(task, 200)).as("nothing written while the cluster is down is committed")
                        .isEqualTo(100);

                int retriableFailures = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                boolean restarted = false;
                while (true) {
                    try {
                        task.put(during); // the worker hands the same records back after a retriable failure
                        if (commit(task, 200) == 200) {
                            break;
                        }
                    } catch (RetriableException e) {
                        retriableFailures++;
                        assertThat(commit(task, 200)).isEqualTo(100);
                    }
                    if (!restarted && retriableFailures >= 2) {
                        members.start(0);
                        restarted = true;
                    }
                    assertThat(System.nanoTime()).as("recovered in time").isLessThan(deadline);
                    Thread.sleep(100);
                }
                assertThat(retriableFailures).isGreaterThanOrEqualTo(2);
                assertThat(context.timeouts).isNotEmpty().allMatch(t -> t == 100L);
                IMap<Object, Object> state = members.member(0).getMap("state");
                for (int i = 100; i < 200; i++) {
                    assertThat(state.get("s-" + i)).as("s-" + i).isNotNull();
                }
            } finally {
                task.stop();
            }
        }
    }

    @Test
    @Timeout(120)
    void twoMemberClusterHoldsEveryEntryWithEachMemberOwningSome() {
        try (HazelcastMembers members = new HazelcastMembers(2)) {
            assertThat(members.member(0).getCluster().getMembers()).hasSize(2);
            HazelcastSinkTask task = start(members, new RecordingSinkTaskContext(false), "INSERT INTO spread SELECT * FROM "
                    + TOPIC + " PK sensor_id STOREAS IMAP; INSERT INTO ring SELECT sensor_id FROM " + TOPIC
                    + " STOREAS RING_BUFFER");
            try {
                task.put(readings(0, 1000));
                assertThat(commit(task, 1000)).isEqualTo(1000);
                IMap<Object, Object> fromFirst = members.member(0).getMap("spread");
                IMap<Object, Object> fromSecond = members.member(1).getMap("spread");
                assertThat(fromFirst.size()).isEqualTo(1000);
                assertThat(fromFirst.getLocalMapStats().getOwnedEntryCount()).isPositive();
                assertThat(fromSecond.getLocalMapStats().getOwnedEntryCount()).isPositive();
                assertThat(fromFirst.getLocalMapStats().getOwnedEntryCount()
                        + fromSecond.getLocalMapStats().getOwnedEntryCount()).isEqualTo(1000);
                assertThat(members.member(1).getRingbuffer("ring").size()).isEqualTo(1000);
            } finally {
                task.stop();
            }
        }
    }
}
