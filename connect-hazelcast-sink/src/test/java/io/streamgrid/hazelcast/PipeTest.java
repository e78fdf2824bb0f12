package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipe on its own, with a writer whose calls the test completes. */
class PipeTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ConnectorMetrics metrics = ConnectorMetrics.register(null,
            Map.of("name", "pipe-test-" + System.nanoTime(), TaskIds.TASK_ID_CONFIG, "0"),
            new ConnectorMetrics.Gauges(() -> 0, () -> 0, () -> 0, () -> true));

    /** Sends what waits behind an acknowledged batch, as the task's follow-on thread does. */
    private final ExecutorService followOn = Executors.newSingleThreadExecutor();

    @AfterEach
    void closeMetrics() {
        metrics.close();
        followOn.shutdownNow();
    }

    private Pipe.Shared shared(Executor followOnThread, InFlightBudget budget, Duration timeout) {
        return new Pipe.Shared(metrics, new AtomicLong(), budget, followOnThread, Duration.ZERO, timeout);
    }

    private Pipe pipe(ControlledWriter writer, int batchSize) {
        return new Pipe(() -> writer, "IMAP 'm'", batchSize, shared(null, new InFlightBudget(16), TIMEOUT));
    }

    private Pipe pipeWithFollowOn(ControlledWriter writer, int batchSize) {
        return new Pipe(() -> writer, "IMAP 'm'", batchSize, shared(followOn, new InFlightBudget(16), TIMEOUT));
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
        Pipe pipe = pipeWithFollowOn(writer, 10);
        pipe.add(pending(P0, 1, "first"));
        assertThat(pipe.dispatch()).isTrue();
        pipe.add(pending(P0, 2, "second"));
        pipe.add(pending(P0, 3, "third"));
        assertThat(pipe.dispatch()).as("one batch in flight at a time").isFalse();

        writer.results.get(0).complete(null);

        await().atMost(Duration.ofSeconds(10)).until(() -> writer.calls.size() == 2);
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("second", "third");
        assertThat(pipe.lowestPending(P0)).hasValue(2);
        writer.results.get(1).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> pipe.lowestPending(P0).isEmpty());
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
        List<Runnable> followOnTasks = new CopyOnWriteArrayList<>();
        Pipe pipe = new Pipe(() -> writer, "IMAP 'm'", 10, shared(followOnTasks::add, new InFlightBudget(16), TIMEOUT));
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
        await().atMost(Duration.ofSeconds(10))
                .until(() -> task.getState() == Thread.State.TIMED_WAITING); // waiting for the first batch

        synchronized (pipe) { // the follow-on takes the acknowledgement before the waiting task can
            writer.results.get(0).complete(null);
            followOnTasks.forEach(Runnable::run);
        }

        await().atMost(Duration.ofSeconds(10)).until(waited::isDone);
        assertThat(waited.get()).as("the follow-on's batch is in flight").isTrue();
        assertThat(writer.calls).hasSize(2);
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("second");
        assertThat(pipe.lowestPending(P0)).hasValue(2);
        writer.results.get(1).complete(null);
        pipe.awaitInFlight();
        assertThat(pipe.inFlight()).isFalse();
        assertThat(pipe.lowestPending(P0)).isEmpty();
    }

    /**
     * After each put() the task takes the results of finished batches; an acknowledged one whose follow-on is about
     * to run is left to it, since the follow-on sends what waits behind it. When the task took it first, the entry
     * behind waited for the next put(), a whole record interval at a low rate: in the command loop (issue #28) 3 in
     * 100 answers reached the status map about 100 ms late at 10 commands/s.
     */
    @Test
    void anAcknowledgedBatchIsLeftToTheFollowOnWhichSendsWhatWaitsBehindIt() {
        ControlledWriter writer = new ControlledWriter();
        List<Runnable> followOnTasks = new CopyOnWriteArrayList<>();
        Pipe pipe = new Pipe(() -> writer, "IMAP 'm'", 10, shared(followOnTasks::add, new InFlightBudget(16), TIMEOUT));
        pipe.add(pending(P0, 1, "command"));
        assertThat(pipe.dispatch()).isTrue();
        pipe.add(pending(P0, 2, "answer"));
        writer.results.get(0).complete(null); // acknowledged; its follow-on is queued, not run yet

        boolean takenByTheTask = pipe.collect();
        followOnTasks.forEach(Runnable::run);

        assertThat(writer.calls).as("the answer goes as soon as the command is acknowledged").hasSize(2);
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("answer");
        assertThat(takenByTheTask).isFalse();
        assertThat(pipe.takeAcknowledgedByFollowOn()).as("the task still counts the success").isTrue();
    }

    /**
     * An error the writer throws while the follow-on thread makes a batch's calls (a StackOverflowError serializing
     * an entry, say) fails the batch like any failed write: it once went into the follow-on's stage, where nobody saw
     * it, and left the batch in flight for good with no result and no timeout, its offsets never committed and its
     * place never given back.
     */
    @Test
    void anErrorThrownWhileTheFollowOnSendsFailsTheBatchForTheTaskToSee() throws Exception {
        ControlledWriter calls = new ControlledWriter();
        StructureWriter writer = (batch, fence) -> {
            if (!calls.calls.isEmpty()) {
                throw new StackOverflowError("serializing an entry");
            }
            return calls.write(batch, fence);
        };
        InFlightBudget budget = new InFlightBudget(16);
        Pipe pipe = new Pipe(() -> writer, "IMAP 'm'", 10, shared(followOn, budget, Duration.ofMillis(500)));
        pipe.add(pending(P0, 1, "first"));
        assertThat(pipe.dispatch()).isTrue();
        pipe.add(pending(P0, 2, "second"));

        calls.results.get(0).complete(null);

        await().atMost(Duration.ofSeconds(10)).until(pipe::finishedForTheTask);
        assertThat(pipe.collect()).isTrue();
        assertThat(pipe.hasFailed()).as("the batch the follow-on sent failed").isTrue();
        assertThat(pipe.lowestPending(P0)).as("the first is delivered; the second waits for its retry").hasValue(2);
        assertThat(pipe.inFlight()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.inUse() == 0);
    }

    @Test
    void aFailedBatchIsLeftToTheTaskNothingFollowsItOnItsOwn() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipeWithFollowOn(writer, 10);
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

    /**
     * A batch that timed out may still be running (a call on its way, a writer thread between two calls). Its fence
     * closes, so its writer makes no further call; and neither its retry nor anything newer is sent before its
     * calls have ended, or a call of the old batch could land over the newer value.
     */
    @Test
    void aTimedOutBatchIsFencedOffAndNothingIsSentBeforeItsCallsHaveEnded() throws Exception {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = new Pipe(() -> writer, "IMAP 'm'", 10,
                shared(null, new InFlightBudget(16), Duration.ofMillis(200)));
        pipe.add(pending(P0, 1, "old"));
        assertThat(pipe.dispatch()).isTrue();

        pipe.awaitInFlight(); // the write timeout passes: the batch fails
        assertThat(pipe.hasFailed()).isTrue();
        assertThat(pipe.failure()).isInstanceOf(TimeoutException.class);
        assertThat(writer.fences.get(0).isOpen()).as("the timed-out batch makes no further call").isFalse();
        assertThat(pipe.canRetry()).as("its call is still on its way").isFalse();
        assertThat(pipe.dispatch()).isFalse();
        assertThat(pipe.callsEnded()).isFalse();
        assertThat(pipe.failure()).hasMessageContaining("still running at Hazelcast");

        pipe.dropFailed(); // NOOP gives it up; a newer entry must wait all the same
        pipe.add(pending(P0, 2, "new"));
        assertThat(pipe.canSendBuffered()).isFalse();
        assertThat(pipe.dispatch()).isFalse();

        writer.results.get(0).completeExceptionally(new IllegalStateException("answered at last"));
        assertThat(pipe.callsEnded()).isTrue();
        assertThat(pipe.dispatch()).isTrue();
        assertThat(writer.calls).hasSize(2);
        assertThat(writer.calls.get(1)).extracting(WriteEntry::value).containsExactly("new");
        assertThat(writer.fences.get(1).isOpen()).as("the newer batch's own fence").isTrue();
    }

    /**
     * The follow-on sends the batch behind an acknowledged one only in that batch's place among the task's
     * connect.hazelcast.max.in.flight, and gives the place back when nothing is due behind it.
     */
    @Test
    void theFollowOnSendsOnlyInThePlaceOfTheBatchItTook() throws Exception {
        ControlledWriter first = new ControlledWriter();
        ControlledWriter second = new ControlledWriter();
        InFlightBudget budget = new InFlightBudget(1);
        Pipe a = new Pipe(() -> first, "IMAP 'a'", 10, shared(followOn, budget, TIMEOUT));
        Pipe b = new Pipe(() -> second, "IMAP 'b'", 10, shared(followOn, budget, TIMEOUT));
        a.add(pending(P0, 1, "a1"));
        b.add(pending(P0, 2, "b1"));
        assertThat(a.dispatch()).isTrue();
        assertThat(b.dispatch()).as("max.in.flight = 1").isFalse();
        a.add(pending(P0, 3, "a2"));

        first.results.get(0).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.calls.size() == 2);
        assertThat(budget.inUse()).as("a2 went in a1's place").isEqualTo(1);
        assertThat(b.dispatch()).isFalse();

        first.results.get(1).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.inUse() == 0);
        assertThat(first.calls).as("nothing was due behind a2").hasSize(2);
        assertThat(b.dispatch()).isTrue();
        assertThat(budget.inUse()).isEqualTo(1);
        assertThat(second.calls).hasSize(1);
    }

    /**
     * A batch that timed out keeps its place among connect.hazelcast.max.in.flight until its calls have ended: those
     * calls still hold a writer thread (the pool has max.in.flight of them), and a batch sent in the place would queue
     * behind them with its own timeout running, and time out in turn.
     */
    @Test
    void aTimedOutBatchHoldsItsPlaceUntilItsCallsHaveEnded() throws Exception {
        ControlledWriter first = new ControlledWriter();
        ControlledWriter second = new ControlledWriter();
        InFlightBudget budget = new InFlightBudget(1);
        Pipe a = new Pipe(() -> first, "IMAP 'a'", 10, shared(null, budget, Duration.ofMillis(200)));
        Pipe b = new Pipe(() -> second, "IMAP 'b'", 10, shared(null, budget, Duration.ofMillis(200)));
        a.add(pending(P0, 1, "a1"));
        assertThat(a.dispatch()).isTrue();
        a.awaitInFlight(); // timed out; its call still runs
        assertThat(a.hasFailed()).isTrue();

        b.add(pending(P0, 2, "b1"));
        assertThat(b.dispatch()).as("a's call still holds the one place").isFalse();
        assertThat(budget.inUse()).isEqualTo(1);

        first.results.get(0).completeExceptionally(new IllegalStateException("answered at last"));
        assertThat(budget.inUse()).isZero();
        assertThat(b.dispatch()).isTrue();
        assertThat(second.calls).hasSize(1);
    }

    /**
     * Whoever sees a batch's failure sees it fenced off: the future the task waits on completes only once the fence
     * is closed (the fence used to be closed by a dependent of that future, which may run after the waiter woke).
     * The task polls, as collect() does: the moment the result is there, the fence must be closed.
     */
    @Test
    void aBatchSeenTimedOutIsAlreadyFencedOff() {
        for (int attempt = 0; attempt < 200; attempt++) {
            ControlledWriter writer = new ControlledWriter();
            Pipe pipe = new Pipe(() -> writer, "IMAP 'm'", 10,
                    shared(null, new InFlightBudget(16), Duration.ofMillis(1)));
            pipe.add(pending(P0, 1, "v"));
            assertThat(pipe.dispatch()).isTrue();
            while (!pipe.collect()) {
                Thread.onSpinWait();
            }
            assertThat(writer.fences.get(0).isOpen()).as("attempt %d: fenced off when seen failed", attempt).isFalse();
        }
    }

    /**
     * A pipe keeps no batch's entries after the batch is acknowledged: a quiet structure held its last batch (up to
     * 4 x the batch size of entries, with their Kafka records) until its next send.
     */
    @Test
    void anAcknowledgedBatchIsNotKeptByThePipe() {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipe(writer, 10);
        Object value = new Object();
        WeakReference<Object> sent = new WeakReference<>(value);
        pipe.add(new Pipe.Pending(new WriteEntry("device-1", value), P0, 1, -1, null));
        value = null;
        assertThat(pipe.dispatch()).isTrue();
        writer.calls.clear(); // the test's own record of the call
        writer.results.get(0).complete(null);
        assertThat(pipe.collect()).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return sent.get() == null;
        });
        assertThat(pipe.idleSinceLastCheck()).isFalse(); // the pipe itself is still in use here
    }

    /**
     * Buffers grow with use: a structure that gets a few entries at a time keeps a small one (each used to take
     * the whole batch size at once, and again after every batch), a busy one starts its next at the last batch's size.
     */
    @Test
    void aBufferGrowsWithUseAndStartsAgainAtTheSizeTheLastBatchHad() {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipe(writer, 10_000);
        assertThat(pipe.bufferCapacity()).isEqualTo(PendingBuffer.SMALLEST);
        for (int i = 0; i < 3; i++) {
            pipe.add(pending(P0, i, "v" + i));
        }
        pipe.dispatch();
        assertThat(pipe.bufferCapacity()).as("after a batch of 3").isEqualTo(PendingBuffer.SMALLEST);
        writer.results.get(0).complete(null);
        pipe.collect();

        for (int i = 3; i < 5_003; i++) {
            pipe.add(pending(P0, i, "v" + i));
        }
        assertThat(pipe.bufferCapacity()).isBetween(5_000, 7_500);
        pipe.dispatch();
        assertThat(pipe.bufferCapacity()).as("after a batch of 5,000").isEqualTo(5_000);
        assertThat(writer.calls.get(1)).hasSize(5_000);
    }

    @Test
    void aPipeIsIdleAfterACheckPeriodWithNothingTakenAndNothingPending() {
        ControlledWriter writer = new ControlledWriter();
        Pipe pipe = pipe(writer, 10);
        assertThat(pipe.idleSinceLastCheck()).isTrue();
        pipe.add(pending(P0, 1, "v"));
        assertThat(pipe.idleSinceLastCheck()).as("buffered").isFalse();
        pipe.dispatch();
        assertThat(pipe.idleSinceLastCheck()).as("in flight").isFalse();
        writer.results.get(0).complete(null);
        pipe.collect();
        assertThat(pipe.idleSinceLastCheck()).as("written, nothing taken since the last check").isTrue();
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
        pipe.awaitInFlight();

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
        pipe.awaitInFlight();
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
