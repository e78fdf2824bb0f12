package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
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
                int retriableFailures = 0;
                try {
                    task.put(during);
                } catch (RetriableException e) { // the client already knows the cluster is gone
                    retriableFailures++;
                }
                assertThat(commit(task, 200)).as("nothing written while the cluster is down is committed")
                        .isEqualTo(100);

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
                assertThat(context.timeouts).as("the worker is asked to wait at most retry.interval").isNotEmpty()
                        .allMatch(t -> t > 0 && t <= 100L);
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
    @Timeout(180)
    void deviceStateOnThreeMembersKeepsEveryKeyWithItsNewestVersionWhenAMemberDies() throws Exception {
        int devices = 300;
        int rounds = 16;
        try (HazelcastMembers members = new HazelcastMembers(3)) {
            RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
            HazelcastSinkTask task = start(members, context, "UPSERT INTO device_state SELECT * FROM " + TOPIC
                            + " PK device_id WITHFORMAT COMPACT STOREAS IMAP (merge = true, version = ts)",
                    "connect.hazelcast.error.policy", "RETRY", "connect.hazelcast.max.retries", "1000",
                    "connect.hazelcast.retry.interval", "50", "connect.hazelcast.write.timeout", "5000");
            try {
                long offset = 0;
                for (int round = 0; round < rounds; round++) {
                    List<SinkRecord> batch = new ArrayList<>();
                    for (int d = 0; d < devices; d++) {
                        String extra = round == 0 ? ",\"installed\":\"r0\"" : "";
                        // each round also carries the previous round's reading again, late: it must not win
                        batch.add(json(offset++, "{\"device_id\":\"d" + d + "\",\"temperature\":" + round
                                + ",\"ts\":" + round + extra + "}"));
                        batch.add(json(offset++, "{\"device_id\":\"d" + d + "\",\"temperature\":" + (round - 1)
                                + ",\"ts\":" + (round - 1) + "}"));
                    }
                    if (round == rounds / 2) {
                        members.stop(1); // mid-stream: the batch below goes to a cluster that is migrating
                    }
                    putUntilCommitted(task, batch, offset);
                }
                IMap<Object, Object> state = members.member(0).getMap("device_state");
                assertThat(state.size()).isEqualTo(devices);
                for (int d = 0; d < devices; d++) {
                    GenericRecord value =
                            (GenericRecord) state.get("d" + d);
                    assertThat(value.getNullableInt64("ts")).as("d" + d).isEqualTo(rounds - 1L);
                    assertThat(value.getNullableInt64("temperature")).as("d" + d).isEqualTo(rounds - 1L);
                    assertThat(value.getString("installed")).as("d" + d + " keeps the first round's field")
                            .isEqualTo("r0");
                }
            } finally {
                task.stop();
            }
        }
    }

    private static SinkRecord json(long offset, String value) {
        return new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, value, offset);
    }

    /** Puts a batch as the worker does: again after each retriable failure, until all of it is committed. */
    private static void putUntilCommitted(HazelcastSinkTask task, List<SinkRecord> batch, long next)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                task.put(batch);
                if (commit(task, next) == next) {
                    return;
                }
            } catch (RetriableException e) {
                // the worker hands the same records back
            }
            assertThat(System.nanoTime()).as("written in time").isLessThan(deadline);
            Thread.sleep(50);
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

    private static double metric(String connector, String name) throws Exception {
        return (Double) ManagementFactory.getPlatformMBeanServer().getAttribute(
                new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=0"), name);
    }

    /** What the worker does after a RetriableException: wait as asked (at most {@code cap}), then put again. */
    private static void waitAsAsked(RecordingSinkTaskContext context, long capMs) throws InterruptedException {
        long asked = context.timeouts.isEmpty() ? 100 : context.timeouts.get(context.timeouts.size() - 1);
        Thread.sleep(Math.max(1, Math.min(asked, capMs)));
    }

    @Test
    @Timeout(60)
    void retriesComeAsFarApartAndAsOftenAsConfiguredEvenWhenTheWorkerCallsSooner() throws Exception {
        String connector = "spacing-" + System.nanoTime();
        try (HazelcastMembers members = new HazelcastMembers(1)) {
            RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
            HazelcastSinkTask task = start(members, context, "INSERT INTO bounded-spacing SELECT * FROM " + TOPIC
                            + " STOREAS QUEUE", "connect.hazelcast.error.policy", "RETRY",
                    "connect.hazelcast.max.retries", "3", "connect.hazelcast.retry.interval", "400", "name", connector);
            try {
                task.put(readings(0, HazelcastMembers.SMALL_QUEUE_CAPACITY + 5)); // 5 do not fit: a failure that heals
                List<Long> attempts = new ArrayList<>();
                ConnectException failure = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (failure == null && System.nanoTime() < deadline) {
                    try {
                        task.put(List.of());
                    } catch (RetriableException e) {
                        // the worker hands the batch back; it calls again sooner than asked (an offset commit came first)
                    } catch (ConnectException e) {
                        failure = e;
                    }
                    if (metric(connector, "retries-total") > attempts.size()) {
                        attempts.add(System.nanoTime());
                    }
                    waitAsAsked(context, 20);
                }
                assertThat(failure).as("the task fails once the retries are used up").isNotNull()
                        .hasMessageContaining("3 retries are used up");
                assertThat(attempts).as("exactly max.retries retries").hasSize(3);
                for (int i = 1; i < attempts.size(); i++) {
                    assertThat(Duration.ofNanos(attempts.get(i) - attempts.get(i - 1)))
                            .as("retry " + (i + 1) + " comes retry.interval after the one before")
                            .isGreaterThanOrEqualTo(Duration.ofMillis(400));
                }
            } finally {
                task.stop();
            }
        }
    }

    @Test
    @Timeout(120)
    void aClusterAwayLongerThanTheConnectTimeoutIsWaitedOutWithNothingLost() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1)) {
            RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
            HazelcastSinkTask task = start(members, context, "INSERT INTO state SELECT * FROM " + TOPIC
                            + " PK sensor_id STOREAS IMAP", "connect.hazelcast.error.policy", "RETRY",
                    "connect.hazelcast.max.retries", "2", "connect.hazelcast.retry.interval", "200",
                    "connect.hazelcast.cluster.connect.timeout", "2000", "connect.hazelcast.write.timeout", "2000");
            try {
                task.put(readings(0, 100));
                assertThat(commit(task, 100)).isEqualTo(100);
                members.stop(0);
                List<SinkRecord> during = readings(100, 100);
                long awayUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos(); // 4 x the connect timeout
                boolean back = false;
                while (true) {
                    try {
                        task.put(during);
                        if (commit(task, 200) == 200) {
                            break;
                        }
                    } catch (RetriableException e) {
                        assertThat(commit(task, 200)).as("nothing unwritten is committed").isEqualTo(100);
                    }
                    if (!back && System.nanoTime() > awayUntil) {
                        members.start(0);
                        back = true;
                    }
                    waitAsAsked(context, 1000);
                }
                assertThat(back).isTrue();
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
    void aTaskStartedWhileTheClusterIsAwayWritesOnceItIsThere() throws Exception {
        try (HazelcastMembers members = new HazelcastMembers(1)) {
            members.stop(0);
            RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
            HazelcastSinkTask task = start(members, context, "INSERT INTO late SELECT * FROM " + TOPIC
                            + " PK sensor_id STOREAS IMAP", "connect.hazelcast.retry.interval", "200",
                    "connect.hazelcast.cluster.connect.timeout", "1000");
            try {
                List<SinkRecord> records = readings(0, 50);
                boolean back = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (true) {
                    try {
                        task.put(records);
                        if (commit(task, 50) == 50) {
                            break;
                        }
                    } catch (RetriableException e) {
                        assertThat(commit(task, 50)).isZero();
                    }
                    if (!back) {
                        members.start(0);
                        back = true;
                    }
                    assertThat(System.nanoTime()).as("written in time").isLessThan(deadline);
                    waitAsAsked(context, 1000);
                }
                assertThat(members.member(0).getMap("late").size()).isEqualTo(50);
            } finally {
                task.stop();
            }
        }
    }
}
