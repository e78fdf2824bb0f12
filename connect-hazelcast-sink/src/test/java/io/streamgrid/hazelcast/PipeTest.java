package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipe on its own, with a writer whose calls the test completes. */
class PipeTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    /** Records every call; each call's result is completed by the test. */
    private static final class ControlledWriter implements StructureWriter {
        final List<List<WriteEntry>> calls = new ArrayList<>();
        final List<CompletableFuture<Void>> results = new ArrayList<>();

        @Override
        public CompletionStage<Void> write(List<WriteEntry> batch) {
            calls.add(List.copyOf(batch));
            CompletableFuture<Void> result = new CompletableFuture<>();
            results.add(result);
            return result;
        }
    }

    private final ConnectorMetrics metrics = ConnectorMetrics.register(null,
            Map.of("name", "pipe-test-" + System.nanoTime(), TaskIds.TASK_ID_CONFIG, "0"),
            new ConnectorMetrics.Gauges(() -> 0, () -> 0, () -> 0, () -> true));

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    private Pipe pipe(ControlledWriter writer, int batchSize) {
        return new Pipe(() -> writer, "IMAP 'm'", Duration.ofSeconds(30), batchSize,
                new Pipe.Stats(metrics, new AtomicLong(), new AtomicLong()));
    }

    private static Pipe.Pending pending(TopicPartition partition, long offset, String value) {
        return new Pipe.Pending(new WriteEntry("device-1", value), partition, offset, -1, null);
    }

    @Test
    void entriesOfPartitionsLostWhileTheirBatchWasInFlightAreNeverWrittenAgain() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipe(writer, 10);
        pipe.add(pending(P0, 5, "old"));
        pipe.add(pending(P1, 7, "other"));
        assertThat(pipe.dispatch()).isTrue();

        pipe.drop(List.of(P0)); // partition 0 is lost (close() without preCommit()); its new owner writes "new"
        writer.results.get(0).completeExceptionally(new IllegalStateException("member gone"));
        pipe.await();

        assertThat(pipe.hasFailed()).as("partition 1's entry is still to be retried").isTrue();
        assertThat(pipe.failedCount()).isEqualTo(1);
        assertThat(pipe.dispatch()).isTrue();
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("other");
        assertThat(pipe.lowestPending(P0)).isEmpty();
    }

    @Test
    void aFailedBatchWhoseEveryPartitionWasLostIsGivenUp() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipe(writer, 10);
        pipe.add(pending(P0, 5, "old"));
        pipe.dispatch();
        pipe.drop(List.of(P0));
        writer.results.get(0).completeExceptionally(new IllegalStateException("member gone"));
        pipe.await();
        assertThat(pipe.hasFailed()).isFalse();
        assertThat(pipe.dispatch()).as("nothing left to send").isFalse();
        assertThat(writer.calls).hasSize(1);
    }

    @Test
    void aBatchTakesEverythingBufferedTheWriterMakesCallsOfAtMostTheBatchSize() {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipe(writer, 2);
        for (int i = 0; i < 5; i++) {
            pipe.add(pending(P0, i, "v" + i));
        }
        pipe.dispatch();
        assertThat(writer.calls.get(0)).as("one batch in flight: all five; MapWriterTest shows the calls").hasSize(5);
        assertThat(pipe.buffered()).isZero();
        assertThat(pipe.dispatch()).as("the next waits for this one").isFalse();
    }
}
