package io.streamgrid.hazelcast;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.hazelcast.writer.FullStructureException;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries on their way to one structure: a buffer, at most one batch in flight (so Kafka order is kept; the
 * writer may split it into overlapping calls that share no key), and a failed batch waiting to be retried before
 * anything after it. Every entry remembers its Kafka partition and offset, so the task never commits an offset whose
 * write is not acknowledged.
 * <p>
 * The task thread does everything but one thing: when a batch is acknowledged and entries wait behind it, the
 * {@link FollowOn} executor sends them at once. Without it they would wait for the task's next {@code put}, which at
 * a low rate comes a whole record interval later (issue #18). Failures are always left to the task thread. Hence
 * the methods are synchronized.
 */
final class Pipe {

    private static final Logger LOG = LoggerFactory.getLogger(Pipe.class);

    /**
     * An entry with the place of its record in Kafka and the record's timestamp (-1 when it has none); the
     * record itself, for the dead-letter queue should the entry fail for good.
     */
    record Pending(WriteEntry entry, TopicPartition partition, long offset, long timestamp, SinkRecord record) {
    }

    /** What the task's pipes count together for the metrics; the gauges read the counts from other threads. */
    record Stats(ConnectorMetrics metrics, AtomicLong inFlightBatches, AtomicLong buffered) {
    }

    /**
     * Who sends what waits behind an acknowledged batch, and how long entries may linger for more to join them; a
     * null executor leaves every send to the task thread.
     */
    record FollowOn(java.util.concurrent.Executor executor, Duration linger) {
        static final FollowOn NONE = new FollowOn(null, Duration.ZERO);
    }

    private final java.util.function.Supplier<StructureWriter> writers;
    private final FollowOn followOn;
    private boolean closed;
    private boolean acknowledgedUnseen;
    private StructureWriter writer;
    private final String description;
    private final Duration timeout;
    private final int batchSize;
    private final Stats stats;
    private List<Pending> buffer;
    private long firstBufferedNanos;
    private List<Pending> inFlight;
    private long inFlightSinceNanos;
    private CompletableFuture<Void> inFlightResult;
    private List<Pending> failed;
    private Throwable failure;
    /** Partitions the task lost while a batch holding their entries was in flight: never retried. */
    private final java.util.Set<TopicPartition> lostInFlight = new java.util.HashSet<>();

    /**
     * @param writers   makes the structure's writer, at the first write and again after {@link #resetWriter()}
     *                  (a new client); a writer that cannot be made is a failed write
     * @param batchSize the statement's batch size, the most entries one write call to the structure takes
     */
    Pipe(java.util.function.Supplier<StructureWriter> writers, String description, Duration timeout, int batchSize,
         Stats stats) {
        this(writers, description, timeout, batchSize, stats, FollowOn.NONE);
    }

    Pipe(java.util.function.Supplier<StructureWriter> writers, String description, Duration timeout, int batchSize,
         Stats stats, FollowOn followOn) {
        this.writers = writers;
        this.followOn = followOn;
        this.batchSize = batchSize;
        this.stats = stats;
        this.buffer = new ArrayList<>(batchSize);
        this.description = description;
        this.timeout = timeout;
    }

    String description() {
        return description;
    }

    synchronized void add(Pending pending) {
        if (buffer.isEmpty()) {
            firstBufferedNanos = System.nanoTime();
        }
        buffer.add(pending);
        stats.buffered().incrementAndGet();
    }

    synchronized int buffered() {
        return buffer.size();
    }

    int batchSize() {
        return batchSize;
    }

    synchronized boolean inFlight() {
        return inFlight != null;
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

    /** How long the oldest buffered entry has waited. */
    synchronized Duration bufferAge() {
        return buffer.isEmpty() ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstBufferedNanos);
    }

    /**
     * Sends the failed batch again, or else everything buffered as one batch, which the writer sends in calls of at
     * most {@code batchSize} entries (concurrent where they hold different keys); false when a batch is in flight or
     * nothing waits. One batch in flight per structure keeps Kafka order.
     */
    synchronized boolean dispatch() {
        if (inFlight != null) {
            return false;
        }
        if (failed != null) {
            inFlight = failed;
            failed = null;
            failure = null;
            stats.metrics().retry();
        } else if (!buffer.isEmpty()) {
            inFlight = buffer; // everything waiting: the writer makes calls of at most batchSize of it
            buffer = new ArrayList<>(batchSize);
            stats.buffered().addAndGet(-inFlight.size());
        } else {
            return false;
        }
        stats.inFlightBatches().incrementAndGet();
        inFlightSinceNanos = System.nanoTime();
        List<WriteEntry> entries = new ArrayList<>(inFlight.size());
        inFlight.forEach(p -> entries.add(p.entry()));
        CompletableFuture<Void> result;
        try {
            result = writer().write(entries).toCompletableFuture();
        } catch (RuntimeException | LinkageError e) {
            // a writer that cannot be made or called (a class the plugin cannot load, too) is a failed write, never
            // a batch left in flight with no result: on the follow-on thread nobody would see the error
            result = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> sent = result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        inFlightResult = sent;
        if (followOn.executor() != null) {
            sent.whenCompleteAsync((ok, failed) -> {
                if (failed == null) {
                    followOn(sent);
                }
            }, followOn.executor());
        }
        return true;
    }

    /**
     * The batch {@code acknowledged} was written: takes its result (unless the task thread got there first or the
     * pipe is closed) and sends what waits behind it, unless that may still linger.
     */
    private synchronized void followOn(CompletableFuture<Void> acknowledged) {
        if (closed || inFlightResult != acknowledged) {
            return;
        }
        try {
            collect();
            acknowledgedUnseen = true;
            if (!buffer.isEmpty()
                    && (buffer.size() >= batchSize || bufferAge().compareTo(followOn.linger()) >= 0)) {
                dispatch();
            }
        } catch (RuntimeException e) {
            LOG.warn("Sending the entries behind an acknowledged batch to {} failed; the task sends them with its next"
                    + " records: {}", description, e.toString());
        }
    }

    /** Whether the follow-on took a batch's acknowledgement since the last call (the task's error handler counts it). */
    synchronized boolean takeAcknowledgedByFollowOn() {
        boolean seen = acknowledgedUnseen;
        acknowledgedUnseen = false;
        return seen;
    }

    /** Takes the result of the batch in flight if it has finished; true when it finished in this call. */
    synchronized boolean collect() {
        if (inFlight == null || !inFlightResult.isDone()) {
            return false;
        }
        stats.inFlightBatches().decrementAndGet();
        int written = inFlight.size();
        try {
            inFlightResult.join();
        } catch (RuntimeException e) {
            failure = unwrap(e);
            written = failure instanceof FullStructureException full ? full.written() : 0;
            failed = new ArrayList<>(inFlight.subList(written, inFlight.size()));
            failed.removeIf(p -> lostInFlight.contains(p.partition()));
            stats.metrics().failedBatch();
            if (failed.isEmpty()) {
                dropFailed(); // every entry belonged to a lost partition: its new owner writes it
            }
        }
        lostInFlight.clear();
        recordDelivered(inFlight.subList(0, written));
        inFlight = null;
        inFlightResult = null;
        return true;
    }

    /**
     * Writes the failed batch again one entry at a time, in order, so that a failure no retry can mend is pinned
     * to its entry: each entry that fails with such a failure is handed to {@code failedForGood} (which reports
     * it, or throws to fail the task) and leaves the batch. A transient failure stops the walk and leaves that
     * entry and the rest failed. Returns that transient failure, or null when nothing is left.
     */
    synchronized Throwable isolateFailed(java.util.function.Predicate<Throwable> forGood, BiConsumer<Pending, Throwable> failedForGood)
            throws InterruptedException {
        List<Pending> rest = failed;
        for (int i = 0; rest != null && i < rest.size(); i++) {
            Pending pending = rest.get(i);
            long started = System.nanoTime();
            inFlightSinceNanos = started;
            try {
                writer().write(List.of(pending.entry())).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                recordDelivered(List.of(pending));
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = unwrap(e);
                failed = new ArrayList<>(rest.subList(i, rest.size()));
                failure = cause;
                stats.metrics().failedBatch();
                if (!forGood.test(cause)) {
                    return cause;
                }
                failedForGood.accept(pending, cause);
            }
        }
        dropFailed();
        return null;
    }

    private void recordDelivered(List<Pending> delivered) {
        if (delivered.isEmpty()) {
            return; // a failed batch: counted in failed-batches-total
        }
        long now = System.currentTimeMillis();
        long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - inFlightSinceNanos);
        for (int calls = (delivered.size() + batchSize - 1) / batchSize; calls > 0; calls--) {
            stats.metrics().batch(latency); // batches-total counts write calls of at most batchSize
        }
        stats.metrics().recordsOut(delivered.size());
        for (Pending pending : delivered) {
            if (pending.timestamp() >= 0) {
                stats.metrics().lag(now - pending.timestamp());
            }
        }
    }

    /**
     * Waits until no batch is in flight (each at most the write timeout, which the batch carries) and collects the
     * last one. A batch the follow-on sent meanwhile is waited for too; after a failure nothing follows on.
     */
    void await() throws InterruptedException {
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
        CompletableFuture<Void> result;
        synchronized (this) {
            if (inFlight == null) {
                return false;
            }
            result = inFlightResult;
        }
        try {
            result.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // collect() records the failure
        }
        synchronized (this) {
            if (inFlightResult == result) {
                collect();
                return false;
            }
            return inFlight != null;
        }
    }

    /** The failed batch is given up (error policy NOOP): its records count as done. */
    synchronized void dropFailed() {
        failed = null;
        failure = null;
    }

    /** The lowest offset of {@code partition} not yet acknowledged in this pipe. */
    synchronized OptionalLong lowestPending(TopicPartition partition) {
        long lowest = Long.MAX_VALUE;
        for (List<Pending> list : new List[] {failed, inFlight, buffer}) {
            if (list != null) {
                for (Pending p : list) {
                    if (p.offset() < lowest && p.partition().equals(partition)) {
                        lowest = p.offset();
                    }
                }
            }
        }
        return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
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
        int before = buffer.size();
        buffer.removeIf(p -> partitions.contains(p.partition()));
        stats.buffered().addAndGet(buffer.size() - before);
        if (failed != null) {
            failed.removeIf(p -> partitions.contains(p.partition()));
            if (failed.isEmpty()) {
                dropFailed();
            }
        }
    }

    private synchronized StructureWriter writer() {
        if (writer == null) {
            writer = writers.get();
        }
        return writer;
    }

    /** The client was replaced: the next write makes a new writer, on the new client. */
    synchronized void resetWriter() {
        if (writer != null) {
            writer.close();
        }
        writer = null;
    }

    /** Releases the writer's own resources; the task closes the client. Nothing follows on after it. */
    synchronized void close() {
        closed = true;
        if (writer != null) {
            writer.close();
        }
    }

    private static Throwable unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof TimeoutException ? new TimeoutException("no acknowledgement from Hazelcast") : cause;
    }
}
