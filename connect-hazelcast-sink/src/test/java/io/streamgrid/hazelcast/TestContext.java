package io.streamgrid.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** Stands in for the worker's context: records dead-letter reports and requested back-offs. */
final class TestContext implements SinkTaskContext {

    final List<SinkRecord> deadLetters = new ArrayList<>();
    final List<Throwable> deadLetterErrors = new ArrayList<>();
    final List<Long> timeouts = new ArrayList<>();
    private final boolean hasDeadLetterQueue;

    TestContext(boolean hasDeadLetterQueue) {
        this.hasDeadLetterQueue = hasDeadLetterQueue;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!hasDeadLetterQueue) {
            return null;
        }
        return (record, error) -> {
            deadLetters.add(record);
            deadLetterErrors.add(error);
            Future<Void> done = CompletableFuture.completedFuture(null);
            return done;
        };
    }

    @Override
    public void timeout(long timeoutMs) {
        timeouts.add(timeoutMs);
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.of();
    }

    @Override
    public void pause(TopicPartition... partitions) {
    }

    @Override
    public void resume(TopicPartition... partitions) {
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
