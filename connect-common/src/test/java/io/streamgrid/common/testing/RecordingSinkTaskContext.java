package io.streamgrid.common.testing;

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

/**
 * Stands in for the worker's context in sink tests: records dead-letter reports and requested back-offs.
 * Shipped in connect-common's test-jar for every connector's tests.
 */
public final class RecordingSinkTaskContext implements SinkTaskContext {

    public final List<SinkRecord> deadLetters = new ArrayList<>();
    public final List<Throwable> deadLetterErrors = new ArrayList<>();
    public final List<Long> timeouts = new ArrayList<>();
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
