package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real members for a test class and sink tasks for each test: register as a static {@code @RegisterExtension};
 * the members start before the first test, tasks stop after each test, members after the last.
 */
final class SinkTaskFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private final int memberCount;
    private final UnaryOperator<Config> configure;
    private HazelcastMembers members;
    private final List<HazelcastSinkTask> tasks = new ArrayList<>();

    SinkTaskFixture(int memberCount) {
        this(memberCount, config -> config);
    }

    /** @param configure changes each member's configuration before it starts */
    SinkTaskFixture(int memberCount, UnaryOperator<Config> configure) {
        this.memberCount = memberCount;
        this.configure = configure;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        members = new HazelcastMembers(memberCount, configure);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        tasks.forEach(HazelcastSinkTask::stop);
        tasks.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        members.close();
    }

    HazelcastMembers members() {
        return members;
    }

    HazelcastInstance member() {
        return members.member(0);
    }

    /** A started task with the KCQL and further settings as key/value pairs; stopped after the test. */
    HazelcastSinkTask start(RecordingSinkTaskContext context, String kcql, String... extra) {
        HazelcastSinkTask task = new HazelcastSinkTask();
        task.initialize(context);
        task.start(members.sinkProps(kcql, extra));
        tasks.add(task);
        return task;
    }

    /** Puts the records and lets the task commit them as the worker would: all of them written when this returns. */
    static void putAndFlush(HazelcastSinkTask task, List<SinkRecord> records) {
        task.put(records);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (SinkRecord record : records) {
            offsets.merge(new TopicPartition(record.topic(), record.kafkaPartition()),
                    new OffsetAndMetadata(record.kafkaOffset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        assertThat(task.preCommit(offsets)).as("every record is written or accounted for").isEqualTo(offsets);
    }

    HazelcastSinkTask start(String kcql, String... extra) {
        return start(new RecordingSinkTaskContext(false), kcql, extra);
    }
}
