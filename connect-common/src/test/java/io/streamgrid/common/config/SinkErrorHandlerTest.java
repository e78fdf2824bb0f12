package io.streamgrid.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import io.streamgrid.common.testing.RecordingSinkTaskContext;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class SinkErrorHandlerTest {

    private final SinkRecord record = new SinkRecord("telemetry", 3, null, null, Schema.STRING_SCHEMA, "x", 42L);

    @Test
    void badRecordGoesToTheDeadLetterQueueWhenTheWorkerHasOne() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 0, Duration.ZERO), context);
        DataException cause = new DataException("no field x");
        handler.badRecord(record, cause);
        assertThat(context.deadLetters).containsExactly(record);
        assertThat(context.deadLetterErrors).containsExactly(cause);
        assertThat(handler.deadLetteredRecords()).isEqualTo(1);
        handler.awaitDeadLetters();
    }

    @Test
    void awaitDeadLettersFailsWhenTheReportFailed() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(true);
        context.failReports();
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 0, Duration.ZERO), context);
        handler.badRecord(record, new DataException("bad"));
        assertThatThrownBy(handler::awaitDeadLetters).isInstanceOf(ConnectException.class)
                .hasMessageContaining("dead-letter queue");
    }

    @Test
    void withoutDeadLetterQueueThrowNamesTheRecord() {
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 0, Duration.ZERO),
                new RecordingSinkTaskContext(false));
        assertThatThrownBy(() -> handler.badRecord(record, new DataException("no field x")))
                .isInstanceOf(ConnectException.class)
                .hasMessage("Cannot write record topic=telemetry partition=3 offset=42: no field x");
    }

    @Test
    void withoutDeadLetterQueueNoopDropsAndCounts() {
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.NOOP, 0, Duration.ZERO),
                new RecordingSinkTaskContext(false));
        handler.badRecord(record, new DataException("bad"));
        handler.writeFailed("Writing 5 records to queue q", 5, new RuntimeException("down"));
        assertThat(handler.droppedRecords()).isEqualTo(6);
    }

    @Test
    void retryAsksTheWorkerToWaitThenGivesUp() {
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
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
        RecordingSinkTaskContext context = new RecordingSinkTaskContext(false);
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.RETRY, 1, Duration.ZERO), context);
        assertThatThrownBy(() -> handler.writeFailed("w", 1, new RuntimeException())).isInstanceOf(RetriableException.class);
        handler.succeeded();
        assertThatThrownBy(() -> handler.writeFailed("w", 1, new RuntimeException())).isInstanceOf(RetriableException.class);
    }

    @Test
    void throwFailsTheTaskAtOnce() {
        SinkErrorHandler handler = new SinkErrorHandler(new ErrorPolicyConfig(ErrorPolicy.THROW, 5, Duration.ZERO),
                new RecordingSinkTaskContext(false));
        assertThatThrownBy(() -> handler.writeFailed("Writing to map m", 1, new RuntimeException("timeout")))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                .hasMessage("Writing to map m failed: timeout");
    }
}
