package io.streamgrid.bench;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** The worker's side of a sink task in the harness: no dead-letter queue; a back-off request fails the run (unless told). */
final class BenchSinkContext implements SinkTaskContext {

    private final boolean backOffFails;

    BenchSinkContext() {
        this(true);
    }

    /**
     * @param backOffFails whether a requested back-off fails the run; the CoAP sink asks to be called again soon while
     *                     its requests are out, which is no failure
     */
    BenchSinkContext(boolean backOffFails) {
        this.backOffFails = backOffFails;
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
    public void timeout(long timeoutMs) {
        if (!backOffFails) {
            return;
        }
        throw new IllegalStateException("the sink asked for a back-off of " + timeoutMs + " ms: a write failed");
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
    public ErrantRecordReporter errantRecordReporter() {
        return null;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
