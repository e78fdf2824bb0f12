package io.streamgrid.common.testing;

import java.util.ArrayList;
import java.util.HashSet;
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

/**
 * Stands in for the worker's context in sink tests: records dead-letter reports, requested back-offs and paused
 * partitions.
 * Shipped in connect-common's test-jar for every connector's tests.
 */
public final class RecordingSinkTaskContext implements SinkTaskContext {

    public final List<SinkRecord> deadLetters = new ArrayList<>();
    public final List<Throwable> deadLetterErrors = new ArrayList<>();
    public final List<Long> timeouts = new ArrayList<>();
    /** The partitions the task asked to pause and not yet to resume. */
    public final Set<TopicPartition> paused = new HashSet<>();
    /** What {@link #assignment()} gives; empty unless a test sets it. */
    public final Set<TopicPartition> assigned = new HashSet<>();
    private final boolean hasDeadLetterQueue;
    private boolean failReports;

    public RecordingSinkTaskContext(boolean hasDeadLetterQueue) {
        this.hasDeadLetterQueue = hasDeadLetterQueue;
    }

    /** Makes every later dead-letter report fail, as a worker whose DLQ topic cannot be written. */
    public void failReports() {
        failReports = true;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!hasDeadLetterQueue) {
            return null;
        }
        return (record, error) -> {
            deadLetters.add(record);
            deadLetterErrors.add(error);
            Future<Void> done = failReports ? CompletableFuture.failedFuture(new RuntimeException("dlq down"))
                    : CompletableFuture.completedFuture(null);
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
        return Set.copyOf(assigned);
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(List.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        List.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
