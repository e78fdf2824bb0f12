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
        final List<List<WriteEntry>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> results = new java.util.concurrent.CopyOnWriteArrayList<>();

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

    /** Sends what waits behind an acknowledged batch, as the task's follow-on thread does. */
    private final java.util.concurrent.ExecutorService followOn = java.util.concurrent.Executors.newSingleThreadExecutor();

    @AfterEach
    void closeMetrics() {
        metrics.close();
        followOn.shutdownNow();
    }

    private Pipe pipe(ControlledWriter writer, int batchSize) {
        return new Pipe(() -> writer, "IMAP 'm'", Duration.ofSeconds(30), batchSize,
                new Pipe.Stats(metrics, new AtomicLong(), new AtomicLong()));
    }

    private Pipe pipeWithFollowOn(ControlledWriter writer, int batchSize, Duration linger) {
        return new Pipe(() -> writer, "IMAP 'm'", Duration.ofSeconds(30), batchSize,
                new Pipe.Stats(metrics, new AtomicLong(), new AtomicLong()), new Pipe.FollowOn(followOn, linger));
    }

    private static Pipe.Pending pending(TopicPartition partition, long offset, String value) {
        return new Pipe.Pending(new WriteEntry("device-1", value), partition, offset, -1, null);
    }

    /**
     * At a low rate the task's next put() comes with the next record, a poll later: an entry buffered behind a batch
     * in flight must not wait for it (it did: p99 ~ one record interval at 10 records/s, issue #18).
     */
    @Test
    void entriesBufferedBehindTheBatchInFlightGoOutWhenItIsAcknowledgedWithoutAnotherCall() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipeWithFollowOn(writer, 10, Duration.ZERO);
        pipe.add(pending(P0, 1, "first"));
        assertThat(pipe.dispatch()).isTrue();
        pipe.add(pending(P0, 2, "second"));
        pipe.add(pending(P0, 3, "third"));
        assertThat(pipe.dispatch()).as("one batch in flight at a time").isFalse();

        writer.results.get(0).complete(null);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> writer.calls.size() == 2);
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("second", "third");
        assertThat(pipe.lowestPending(P0)).hasValue(2);
        writer.results.get(1).complete(null);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> pipe.lowestPending(P0).isEmpty());
        assertThat(pipe.inFlight()).as("the follow-on took the acknowledgement").isFalse();
        assertThat(writer.calls).hasSize(2);
    }

    /**
     * Back-pressure waits for the batch in flight when the task asked, not for the one the follow-on sent behind
     * it: the task fills the buffer again while that one is written (it used to sit idle until then, and the
     * structure idle after it while the task refilled: issue #18).
     */
    @Test
    void waitingForTheBatchInFlightEndsWhenItIsAcknowledgedNotWhenTheFollowOnsIs() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        List<Runnable> followOnTasks = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pipe pipe = new Pipe(() -> writer, "IMAP 'm'", Duration.ofSeconds(30), 10,
                new Pipe.Stats(metrics, new AtomicLong(), new AtomicLong()),
                new Pipe.FollowOn(followOnTasks::add, Duration.ZERO));
        pipe.add(pending(P0, 1, "first"));
        assertThat(pipe.dispatch()).isTrue();
        pipe.add(pending(P0, 2, "second"));
        CompletableFuture<Boolean> waited = new CompletableFuture<>();
        Thread task = new Thread(() -> {
            try {
                waited.complete(pipe.awaitBatchInFlight());
            } catch (InterruptedException | RuntimeException e) {
                waited.completeExceptionally(e);
            }
        }, "task");
        task.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> task.getState() == Thread.State.TIMED_WAITING); // waiting for the first batch

        synchronized (pipe) { // the follow-on takes the acknowledgement before the waiting task can
            writer.results.get(0).complete(null);
            followOnTasks.forEach(Runnable::run);
        }

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(waited::isDone);
        assertThat(waited.get()).as("the follow-on's batch is in flight").isTrue();
        assertThat(writer.calls).hasSize(2);
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("second");
        assertThat(pipe.lowestPending(P0)).hasValue(2);
        writer.results.get(1).complete(null);
        pipe.await();
        assertThat(pipe.inFlight()).isFalse();
        assertThat(pipe.lowestPending(P0)).isEmpty();
    }

    @Test
    void aFailedBatchIsLeftToTheTaskNothingFollowsItOnItsOwn() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipeWithFollowOn(writer, 10, Duration.ZERO);
        pipe.add(pending(P0, 1, "first"));
        assertThat(pipe.dispatch()).isTrue();
        pipe.add(pending(P0, 2, "second"));
        writer.results.get(0).completeExceptionally(new IllegalStateException("member gone"));
        followOn.submit(() -> { }).get(); // the follow-on has seen the failure

        assertThat(writer.calls).as("nothing overtakes a failed batch").hasSize(1);
        assertThat(pipe.collect()).isTrue();
        assertThat(pipe.hasFailed()).isTrue();
        assertThat(pipe.lowestPending(P0)).hasValue(1);
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
