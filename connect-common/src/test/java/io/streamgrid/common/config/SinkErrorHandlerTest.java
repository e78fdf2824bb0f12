package io.streamgrid.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

class SinkErrorHandlerTest {

    private final SinkRecord record = new SinkRecord("telemetry", 3, null, null, Schema.STRING_SCHEMA, "x", 42L);

    @Test
    void badRecordGoesToTheDeadLetterQueueWhenTheWorkerHasOne() {
        FakeContext context = new FakeContext(true);
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 0, Duration.ZERO), context);
        DataException cause = new DataException("no field x");
        handler.badRecord(record, cause);
        assertThat(context.reported).containsExactly(record);
        assertThat(context.reportedErrors).containsExactly(cause);
        assertThat(handler.deadLetteredRecords()).isEqualTo(1);
        handler.awaitDeadLetters();
    }

    @Test
    void awaitDeadLettersFailsWhenTheReportFailed() {
        FakeContext context = new FakeContext(true);
        context.failReports = true;
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 0, Duration.ZERO), context);
        handler.badRecord(record, new DataException("bad"));
        assertThatThrownBy(handler::awaitDeadLetters).isInstanceOf(ConnectException.class)
                .hasMessageContaining("dead-letter queue");
    }

    @Test
    void withoutDeadLetterQueueThrowNamesTheRecord() {
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 0, Duration.ZERO),
                new FakeContext(false));
        assertThatThrownBy(() -> handler.badRecord(record, new DataException("no field x")))
                .isInstanceOf(ConnectException.class)
                .hasMessage("Cannot write record topic=telemetry partition=3 offset=42: no field x");
    }

    @Test
    void withoutDeadLetterQueueNoopDropsAndCounts() {
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.NOOP, 0, Duration.ZERO),
                new FakeContext(false));
        handler.badRecord(record, new DataException("bad"));
        handler.writeFailed("Writing 5 records to queue q", 5, new RuntimeException("down"));
        assertThat(handler.droppedRecords()).isEqualTo(6);
    }

    @Test
    void retryAsksTheWorkerToWaitThenGivesUp() {
        FakeContext context = new FakeContext(false);
        SinkErrorHandler handler = new SinkErrorHandler(
                new ErrorPolicyConfig(ErrorPolicy.RETRY, 2, Duration.ofMillis(1500)), context);
        RuntimeException down = new RuntimeException("member left");
        assertThatThrownBy(() -> handler.writeFailed("write", 1, down)).isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> handler.writeFailed("write", 1, down)).isInstanceOf(RetriableException.class);
        assertThat(context.timeouts).containsExactly(1500L, 1500L);
        assertThatThrownBy(() -> handler.writeFailed("write", 1, down)).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("the 2 retries are used up");
    }

    @Test
    void successRefillsTheRetries() {
        FakeContext context = new FakeContext(false);
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.RETRY, 1, Duration.ZERO), context);
        assertThatThrownBy(() -> handler.writeFailed("w", 1, new RuntimeException())).isInstanceOf(RetriableException.class);
        handler.succeeded();
        assertThatThrownBy(() -> handler.writeFailed("w", 1, new RuntimeException())).isInstanceOf(RetriableException.class);
    }

    @Test
    void throwFailsTheTaskAtOnce() {
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 5, Duration.ZERO),
                new FakeContext(false));
        assertThatThrownBy(() -> handler.writeFailed("Writing to map m", 1, new RuntimeException("timeout")))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                .hasMessage("Writing to map m failed: timeout");
    }

    /** A narrow stand-in for the worker's context: records timeouts and reports. */
    private static final class FakeContext implements SinkTaskContext {
        final List<SinkRecord> reported = new ArrayList<>();
        final List<Throwable> reportedErrors = new ArrayList<>();
        final List<Long> timeouts = new ArrayList<>();
        final boolean hasDlq;
        boolean failReports;

        FakeContext(boolean hasDlq) {
            this.hasDlq = hasDlq;
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            if (!hasDlq) {
                return null;
            }
            return (record, error) -> {
                reported.add(record);
                reportedErrors.add(error);
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
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
