package io.streamgrid.hazelcast;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.hazelcast.writer.BadEntriesException;
import io.streamgrid.hazelcast.writer.Fence;
import io.streamgrid.hazelcast.writer.FullStructureException;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries on their way to one structure, and the one owner of their state: a buffer, at most one batch in
 * flight (so Kafka order is kept; the writer may split it into overlapping calls that share no key), a failed batch
 * waiting to be retried before anything after it, and the calls of a batch that timed out, which may still be
 * running. Every entry remembers its Kafka partition and offset, so the task never commits an offset whose write is
 * not acknowledged.
 * <p>
 * <b>A batch that timed out</b> may still be executing (calls already sent, a writer thread between two calls).
 * Each batch is fenced ({@link Fence}): when it times out its generation ends, and its writer makes no further call.
 * Calls already made cannot be taken back, so nothing else is sent to the structure (neither the retry nor a newer
 * batch) until every call of the timed-out batch has ended; otherwise an older value could land over a newer one.
 * Its place among the task's batches in flight ({@link InFlightBudget}) stays taken until then too.
 * <p>
 * <b>Threads.</b> The task thread calls everything here. One other thread enters: the task's follow-on thread, only
 * through {@link #followOn}, when a batch is acknowledged: it takes the batch's result and sends what is due behind
 * it at once, in the acknowledged batch's place. Without it those entries would wait for the task's next
 * {@code put}, which at a low rate comes a whole record interval later (issue #18). Failures are always left to the
 * task thread. Hazelcast's threads and the writers' executors only complete a batch's futures, close its fence and
 * give its place back; they never touch the state. Every method that reads or changes the state holds the pipe's
 * monitor, and none waits or calls Hazelcast while holding it: a batch is marked in flight under the monitor and its
 * writer made and called after it is released ({@link #start}), since making a writer (ICACHE opens its cache) and
 * making a call (serializing a large batch) take time that the other thread would spend blocked.
 */
final class Pipe {

    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);
    /** How much longer than the write timeout the task waits for a batch's result (it carries the timeout itself). */
    private static final long AWAIT_MARGIN_MS = 1000;

    /**
     * An entry with the place of its record in Kafka and the record's timestamp (-1 when it has none); the
     * record itself, for the dead-letter queue should the entry fail for good.
     */
    record Pending(WriteEntry entry, TopicPartition partition, long offset, long timestamp, SinkRecord record) {
    }

    /**
     * What a task's pipes share.
     *
     * @param buffered the entries buffered in all of them (the gauge queued-records reads it on other threads)
     * @param followOn sends what waits behind an acknowledged batch; null leaves every send to the task thread
     * @param linger   how long entries may wait for more to join them
     * @param timeout  how long a batch may take before it counts as failed (connect.hazelcast.write.timeout)
     */
    record Shared(ConnectorMetrics metrics, AtomicLong buffered, InFlightBudget budget, Executor followOn,
                  Duration linger, Duration timeout) {
    }

    /** A batch sent: its entries, the fence its calls pass, and when they have ended. */
    private static final class Batch {
        final List<Pending> entries;
        final Fence fence;
        /** Completes once every call the writer made for the batch has ended (relayed from the writer's stage). */
        final CompletableFuture<Void> calls = new CompletableFuture<>();
        /**
         * The calls' result, or a TimeoutException after the write timeout. A failed batch's fence is closed before
         * this completes, so whoever sees the failure sees the batch fenced off.
         */
        final CompletableFuture<Void> result = new CompletableFuture<>();
        final long sentNanos = System.nanoTime();
        /** Whether the batch holds a place in the task's budget (the one-at-a-time writes of a failed batch do not). */
        final boolean holdsPlace;
        /** Acknowledged, and its follow-on could not take it: the task takes it. Guarded by the pipe's monitor. */
        boolean leftToTask;

        Batch(List<Pending> entries, Fence fence, boolean holdsPlace) {
            this.entries = entries;
            this.fence = fence;
            this.holdsPlace = holdsPlace;
        }

        /** The writer made its calls: their end is the batch's, unless the write timeout comes first. */
        void started(CompletionStage<Void> written, Duration timeout, InFlightBudget budget) {
            written.whenComplete((ok, failure) -> complete(calls, failure));
            calls.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
                if (failure != null) {
                    fence.close(); // the batch is given up: its writer makes no further call
                }
                complete(result, failure);
                budget.changed(); // a task waiting for a place looks again
            });
        }

        private static void complete(CompletableFuture<Void> future, Throwable failure) {
            if (failure == null) {
                future.complete(null);
            } else {
                future.completeExceptionally(failure);
            }
        }
    }

    private final Supplier<StructureWriter> writers;
    private final String description;
    private final int batchSize;
    private final Shared shared;
    /** Generations of this structure's batches: a batch's fence is open while the generation is still its own. */
    private final AtomicLong generation = new AtomicLong();

    private final PendingBuffer buffer;
    private long firstBufferedNanos;
    private Batch inFlight;
    /**
     * The calls of the latest batch sent, until they have ended: after its result was taken they may still run (it
     * timed out). Only the calls, not the batch: its entries and records are not kept for them.
     */
    private CompletableFuture<Void> lastCalls;
    private long lastSentNanos;
    private List<Pending> failed;
    private Throwable failure;
    /** Entries of the failed batch the writer refused as bad data, with its reasons: reported, not written again. */
    private final Map<Pending, RuntimeException> refused = new IdentityHashMap<>();
    /** Partitions the task lost while a batch holding their entries was in flight: never retried. */
    private final Set<TopicPartition> lostInFlight = new HashSet<>();
    private StructureWriter writer;
    private boolean closed;
    private boolean acknowledgedUnseen;
    private boolean takenSinceIdleCheck;

    /**
     * @param writers   makes the structure's writer, at the first write and again after {@link #resetWriter()}
     *                  (a new client); a writer that cannot be made is a failed write
     * @param batchSize the statement's batch size, the most entries one write call to the structure takes
     */
    Pipe(Supplier<StructureWriter> writers, String description, int batchSize, Shared shared) {
        this.writers = writers;
        this.description = description;
        this.batchSize = batchSize;
        this.shared = shared;
        this.buffer = new PendingBuffer(batchSize);
    }

    String description() {
        return description;
    }

    int batchSize() {
        return batchSize;
    }

    synchronized void add(Pending pending) {
        if (buffer.isEmpty()) {
            firstBufferedNanos = System.nanoTime();
        }
        buffer.add(pending);
        takenSinceIdleCheck = true;
        shared.buffered().incrementAndGet();
    }

    synchronized int buffered() {
        return buffer.size();
    }

    /** The slots the buffer holds now (it grows with use). */
    synchronized int bufferCapacity() {
        return buffer.capacity();
    }

    synchronized boolean inFlight() {
        return inFlight != null;
    }

    /** Whether a batch is in flight, or calls of a batch that timed out are still running: nothing may go now. */
    synchronized boolean busy() {
        return inFlight != null || callsRunning();
    }

    private boolean callsRunning() {
        if (lastCalls != null && lastCalls.isDone()) {
            lastCalls = null;
        }
        return lastCalls != null;
    }

    synchronized boolean hasFailed() {
        return failed != null;
    }

    synchronized Throwable failure() {
        return failure;
    }

    synchronized int failedCount() {
        return failed == null ? 0 : failed.size();
    }

    /** Whether the buffer should go now: a whole batch, or entries that lingered long enough. */
    synchronized boolean due() {
        return buffer.size() >= batchSize || (!buffer.isEmpty() && bufferAge().compareTo(shared.linger()) >= 0);
    }

    /** Whether what is buffered can go now: nothing in flight or running, no failed batch before it. */
    synchronized boolean canSendBuffered() {
        return !closed && failed == null && !buffer.isEmpty() && !busy();
    }

    /** Whether the failed batch can be sent again now: nothing in flight or running. */
    synchronized boolean canRetry() {
        return !closed && failed != null && !busy();
    }

    /** How long the oldest buffered entry has waited. */
    private Duration bufferAge() {
        return buffer.isEmpty() ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstBufferedNanos);
    }

    /**
     * Sends the failed batch again, or else everything buffered as one batch, which the writer sends in calls of at
     * most {@code batchSize} entries (concurrent where they hold different keys), in a place it takes from the
     * task's budget. False when a batch is in flight or still running, nothing waits, or no place is free. One batch
     * in flight per structure keeps Kafka order.
     */
    boolean dispatch() {
        Batch batch;
        synchronized (this) {
            if (closed || busy() || (failed == null && buffer.isEmpty()) || !shared.budget().tryTake()) {
                return false;
            }
            batch = next(true);
        }
        start(batch);
        return true;
    }

    /** The failed batch, or else the buffer, as the batch in flight; the caller made sure one waits and may go. */
    private Batch next(boolean holdsPlace) {
        List<Pending> entries;
        if (failed != null) {
            entries = failed;
            failed = null;
            failure = null;
            refused.clear(); // sent whole again: the writer judges them again
            shared.metrics().retry();
        } else {
            entries = buffer.takeAll(); // everything waiting: the writer makes calls of at most batchSize of it
            shared.buffered().addAndGet(-entries.size());
        }
        return inFlight(entries, holdsPlace);
    }

    /** Marks a batch of these entries in flight; {@link #start} then makes its calls, without the monitor. */
    private Batch inFlight(List<Pending> entries, boolean holdsPlace) {
        Batch batch = new Batch(entries, Fence.next(generation), holdsPlace);
        inFlight = batch;
        lastCalls = batch.calls;
        lastSentNanos = batch.sentNanos;
        if (holdsPlace && shared.followOn() != null) {
            batch.result.thenRunAsync(() -> followOnReported(batch), shared.followOn());
        }
        return batch;
    }

    /**
     * Makes the calls of a batch marked in flight, without holding the monitor. Only the thread that marked it gets
     * here, and nothing else is sent to the structure before the batch has ended.
     */
    private void start(Batch batch) {
        List<WriteEntry> writes = new ArrayList<>(batch.entries.size());
        batch.entries.forEach(p -> writes.add(p.entry()));
        CompletionStage<Void> written;
        try {
            written = writer().write(writes, batch.fence);
        } catch (RuntimeException | Error e) {
            // a writer that cannot be made or called (a class the plugin cannot load, a stack overflow serializing an
            // entry) is a failed write, never a batch left in flight with no result and no timeout: on the follow-on
            // thread nobody would see the error
            written = CompletableFuture.failedFuture(e);
        }
        batch.started(written, shared.timeout(), shared.budget());
    }

    /** Gives the batch's place back once its calls have ended (at once when they have). */
    private void releasePlace(Batch batch) {
        if (batch.holdsPlace) {
            InFlightBudget budget = shared.budget();
            batch.calls.whenComplete((ok, failure) -> budget.giveBack());
        }
    }

    /** Runs {@link #followOn}, saying what it throws: else lost in the follow-on's stage, which nobody reads. */
    private void followOnReported(Batch acknowledged) {
        try {
            followOn(acknowledged);
        } catch (RuntimeException | Error e) {
            LOG.error("Following on the batch acknowledged by {} failed; the task takes what is left after its next "
                    + "put()", description, e);
            throw e;
        }
    }

    /**
     * The follow-on thread's way in: the batch {@code acknowledged} was written (so its calls have ended). Takes its
     * result (unless the task thread got there first or the pipe is closed) and sends what is due behind it in its
     * place; else gives the place back (a batch it could not take is left to the task, with its place). It never
     * takes a place of its own, so whoever sends, at most {@code connect.hazelcast.max.in.flight} batches are in
     * flight; a task waiting for a place meanwhile waits at most for what was buffered already (only the task
     * buffers), and wakes at the place given back.
     */
    private void followOn(Batch acknowledged) {
        Batch next = null;
        boolean taken = false;
        synchronized (this) {
            if (closed || inFlight != acknowledged) {
                return;
            }
            try {
                take(acknowledged);
                taken = true;
                acknowledgedUnseen = true;
                if (failed == null && due()) {
                    next = next(true);
                }
            } catch (RuntimeException | Error e) {
                LOG.warn("Sending the entries behind an acknowledged batch to {} failed; the task sends them with its "
                        + "next records: {}", description, e.toString());
                acknowledged.leftToTask = !taken;
            }
        }
        if (next != null) {
            start(next);
        } else if (taken) {
            releasePlace(acknowledged);
        } // else left to the task, which takes it (and gives its place back) after its next put()
    }

    /** Whether the follow-on took a batch's acknowledgement since the last call (the task's error handler counts it). */
    synchronized boolean takeAcknowledgedByFollowOn() {
        boolean seen = acknowledgedUnseen;
        acknowledgedUnseen = false;
        return seen;
    }

    /**
     * Takes the result of the batch in flight if it has finished and is the task's to take (a failure, or no
     * follow-on); true when it finished in this call. An acknowledged batch is left to its follow-on, which sends what
     * waits behind it: taken here, that would wait for the task's next put() (issue #28).
     */
    synchronized boolean collect() {
        return finishedForTheTask() && collectFinished();
    }

    /** Takes the result of the batch in flight if it has finished, whoever else may be about to. */
    private synchronized boolean collectFinished() {
        if (inFlight == null || !inFlight.result.isDone()) {
            return false;
        }
        Batch batch = inFlight;
        take(batch);
        releasePlace(batch); // a batch that timed out holds it until its calls have ended
        return true;
    }

    /** Whether the batch in flight has finished with a result the task must take (a failure, or no follow-on). */
    synchronized boolean finishedForTheTask() {
        return inFlight != null && inFlight.result.isDone() && (inFlight.result.isCompletedExceptionally()
                || !inFlight.holdsPlace || shared.followOn() == null || inFlight.leftToTask);
    }

    /**
     * Records the finished batch in flight: delivered, or failed from the first entry not written, or (the writer
     * refused some entries as bad data) delivered but for those.
     */
    private void take(Batch batch) {
        List<Pending> entries = batch.entries;
        List<Pending> delivered = entries;
        try {
            batch.result.join();
        } catch (RuntimeException e) {
            failure = unwrap(e);
            if (failure instanceof BadEntriesException bad) {
                delivered = new ArrayList<>(entries.size());
                failed = new ArrayList<>();
                for (int i = 0; i < entries.size(); i++) {
                    RuntimeException reason = bad.reason(i);
                    if (reason == null) {
                        delivered.add(entries.get(i));
                    } else {
                        failed.add(entries.get(i));
                        refused.put(entries.get(i), reason);
                    }
                }
            } else {
                int written = failure instanceof FullStructureException full ? full.written() : 0;
                delivered = entries.subList(0, written);
                failed = new ArrayList<>(entries.subList(written, entries.size()));
            }
            failed.removeIf(p -> lostInFlight.contains(p.partition()));
            shared.metrics().failedBatch();
            if (failed.isEmpty()) {
                dropFailed(); // every entry belonged to a lost partition: its new owner writes it
            }
        }
        lostInFlight.clear();
        recordDelivered(delivered, batch.sentNanos);
        inFlight = null;
    }

    /**
     * Writes the failed batch again one entry at a time, in order, so that a failure no retry can mend is pinned
     * to its entry: each entry that fails with such a failure is handed to {@code failedForGood} (which reports
     * it, or throws to fail the task) and leaves the batch; an entry the writer refused as bad data is handed over
     * with the writer's reason, without writing it again. A transient failure stops the walk and leaves that
     * entry and the rest failed. Returns that transient failure, or null when nothing is left. The caller holds a
     * place for these writes and made sure nothing is in flight or running.
     */
    Throwable isolateFailed(Predicate<Throwable> forGood, BiConsumer<Pending, Throwable> failedForGood)
            throws InterruptedException {
        List<Pending> rest;
        synchronized (this) {
            rest = failed;
        }
        for (int i = 0; rest != null && i < rest.size(); i++) {
            Pending pending = rest.get(i);
            Throwable cause;
            Batch one = null;
            synchronized (this) {
                cause = refused.remove(pending);
                if (cause == null) {
                    one = inFlight(List.of(pending), false);
                }
            }
            if (one != null) {
                start(one);
                cause = outcome(one);
            }
            synchronized (this) {
                if (one != null) {
                    inFlight = null;
                    if (cause == null) {
                        recordDelivered(one.entries, one.sentNanos);
                        continue;
                    }
                    shared.metrics().failedBatch();
                }
                failed = new ArrayList<>(rest.subList(i, rest.size()));
                failure = cause;
            }
            if (!forGood.test(cause)) {
                return cause;
            }
            failedForGood.accept(pending, cause);
        }
        dropFailed();
        return null;
    }

    /** Gives back the place the task took for {@link #isolateFailed} once the calls it made have ended. */
    void givePlaceBackWhenCallsEnd() {
        CompletableFuture<Void> calls;
        synchronized (this) {
            calls = callsRunning() ? lastCalls : CompletableFuture.completedFuture(null);
        }
        InFlightBudget budget = shared.budget();
        calls.whenComplete((ok, failure) -> budget.giveBack());
    }

    /** Waits for a batch's result; null when it was written. */
    private Throwable outcome(Batch batch) throws InterruptedException {
        try {
            batch.result.get(shared.timeout().toMillis() + AWAIT_MARGIN_MS, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return unwrap(e);
        }
    }

    private void recordDelivered(List<Pending> delivered, long sentNanos) {
        if (delivered.isEmpty()) {
            return; // a failed batch: counted in failed-batches-total
        }
        ConnectorMetrics metrics = shared.metrics();
        long now = System.currentTimeMillis();
        long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNanos);
        for (int calls = (delivered.size() + batchSize - 1) / batchSize; calls > 0; calls--) {
            metrics.batch(latency); // batches-total counts write calls of at most batchSize
        }
        metrics.recordsOut(delivered.size());
        for (Pending pending : delivered) {
            if (pending.timestamp() >= 0) {
                metrics.lag(now - pending.timestamp());
            }
        }
    }

    /**
     * Waits until no batch is in flight (each at most the write timeout, which the batch carries) and collects the
     * last one. A batch the follow-on sent meanwhile is waited for too; after a failure nothing follows on.
     */
    void awaitInFlight() throws InterruptedException {
        while (awaitBatchInFlight()) {
            // the follow-on sent the next batch: wait for it too
        }
    }

    /**
     * Waits for the batch in flight now, not for one the follow-on sends behind it, and collects it unless the
     * follow-on did. The task's back-pressure: it goes on filling the buffer while that next batch is written
     * (waiting for it as well left the task idle for a whole batch, and the structure idle while the task refilled
     * the buffer; issue #18). True when the follow-on's batch is in flight.
     */
    boolean awaitBatchInFlight() throws InterruptedException {
        Batch batch;
        synchronized (this) {
            if (inFlight == null) {
                return false;
            }
            batch = inFlight;
        }
        outcome(batch); // collect() records a failure
        synchronized (this) {
            if (inFlight == batch) {
                collectFinished(); // the caller sends what waits behind it
                return false;
            }
            return inFlight != null;
        }
    }

    /**
     * Whether every call of the last batch has ended; never waits. While a failed batch waits behind calls still
     * running, its failure says so (the error policy's back-off brings the next look).
     */
    synchronized boolean callsEnded() {
        if (!callsRunning()) {
            return true;
        }
        if (failed != null) {
            failure = new TimeoutException("calls of the batch that timed out " + TimeUnit.NANOSECONDS
                    .toMillis(System.nanoTime() - lastSentNanos) + " ms ago are still running at Hazelcast; "
                    + "it is written again once they have ended");
        }
        return false;
    }

    /**
     * Waits until every call of the last batch has ended, at most until {@code deadlineNanos} (one deadline for all
     * the structures a put() or an offset commit waits for); true when they have.
     */
    boolean awaitCallsEnded(long deadlineNanos) throws InterruptedException {
        CompletableFuture<Void> calls;
        synchronized (this) {
            if (!callsRunning()) {
                return true;
            }
            calls = lastCalls;
        }
        try {
            calls.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CancellationException e) {
            // ended: how is the batch's own result
        } catch (TimeoutException e) {
            return callsEnded();
        }
        return true;
    }

    /** The failed batch is given up (error policy NOOP): its records count as done. */
    synchronized void dropFailed() {
        failed = null;
        failure = null;
        refused.clear();
    }

    /** The lowest offset of {@code partition} not yet acknowledged in this pipe. */
    synchronized OptionalLong lowestPending(TopicPartition partition) {
        long lowest = buffer.lowestOffset(partition);
        if (failed != null) {
            lowest = Math.min(lowest, lowestOffset(failed, partition));
        }
        if (inFlight != null) {
            lowest = Math.min(lowest, lowestOffset(inFlight.entries, partition));
        }
        return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    }

    private static long lowestOffset(List<Pending> entries, TopicPartition partition) {
        long lowest = Long.MAX_VALUE;
        for (Pending p : entries) {
            if (p.offset() < lowest && p.partition().equals(partition)) {
                lowest = p.offset();
            }
        }
        return lowest;
    }

    /**
     * Forgets the entries of partitions this task no longer owns; their new owner reads them again. Entries in
     * the batch in flight are already sent, but if that batch fails they are not retried: the new owner may
     * have written newer values for their keys by then.
     */
    synchronized void drop(Collection<TopicPartition> partitions) {
        if (inFlight != null) {
            lostInFlight.addAll(partitions);
        }
        shared.buffered().addAndGet(-buffer.removeIf(p -> partitions.contains(p.partition())));
        if (failed != null) {
            failed.removeIf(p -> partitions.contains(p.partition()));
            refused.keySet().removeIf(p -> partitions.contains(p.partition()));
            if (failed.isEmpty()) {
                dropFailed();
            }
        }
    }

    /**
     * Whether the pipe is idle: nothing buffered, in flight, failed or still running, and no entry taken since the
     * previous check. Each check starts the next period.
     */
    synchronized boolean idleSinceLastCheck() {
        boolean idle = !takenSinceIdleCheck && buffer.isEmpty() && failed == null && !busy();
        takenSinceIdleCheck = false;
        return idle;
    }

    /**
     * The structure's writer, made at the first write after the pipe opened or the client was replaced. Called
     * without the monitor, by the one thread sending a batch now: making it may take round trips to the cluster.
     */
    private StructureWriter writer() {
        synchronized (this) {
            if (writer != null) {
                return writer;
            }
        }
        StructureWriter made = writers.get();
        synchronized (this) {
            if (!closed) {
                writer = made;
                return made;
            }
        }
        made.close();
        throw new IllegalStateException(description + " was closed while its writer was being made");
    }

    /** The client was replaced: the next write makes a new writer, on the new client. */
    void resetWriter() {
        StructureWriter old;
        synchronized (this) {
            old = writer;
            writer = null;
        }
        if (old != null) {
            old.close();
        }
    }

    /**
     * Releases the writer's own resources; the task closes the client. Nothing follows on after it, and a batch
     * still in flight makes no further call.
     */
    void close() {
        StructureWriter old;
        synchronized (this) {
            closed = true;
            generation.incrementAndGet();
            old = writer;
            writer = null;
        }
        if (old != null) {
            old.close();
        }
    }

    private static Throwable unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof TimeoutException ? new TimeoutException("no acknowledgement from Hazelcast") : cause;
    }
}
