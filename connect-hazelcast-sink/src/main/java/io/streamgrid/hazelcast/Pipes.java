package io.streamgrid.hazelcast;

import io.streamgrid.hazelcast.writer.StructureWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The structures a task writes, each through its {@link Pipe}, and the places for batches in flight they share
 * ({@link InFlightBudget}): whoever sends a batch, the task thread here or the follow-on thread in a pipe, at most
 * {@code connect.hazelcast.max.in.flight} are in flight. A structure's pipe opens at its first record. One named
 * from the data ({@code INSERT INTO `telemetry_${site}`}) closes again at an offset commit when it had nothing to
 * write since the previous one (see {@link #closeIdle()}), so a task holds only the structures it is using.
 * <p>
 * <b>How long the task waits.</b> For a batch's result at most the write timeout, which the batch carries; while
 * results are on their way the task waits for them (back-pressure). For calls that outlived their batch's timeout it
 * waits only until one deadline per {@code put()} or offset commit ({@link #deadline()}), shared by every structure,
 * or not at all where the error policy's back-off brings the next try: waiting a write timeout for each structure
 * in turn kept one {@code put()} for N write timeouts, past {@code max.poll.interval.ms} with enough of them.
 * <p>
 * The task thread calls everything here; only {@link #count()} is read on other threads (by the metrics).
 */
final class Pipes {

    private static final Logger LOG = LoggerFactory.getLogger(Pipes.class);
    /** How many batches may wait behind a batch in flight before the task waits for it (back-pressure). */
    static final int BACKLOG_BATCHES = 4;

    /** Makes the writer of a structure (on the task's current client). */
    interface WriterFactory {
        StructureWriter create(StoreTarget target, Duration ttl, int batchSize);
    }

    /** How a structure is written: a second statement naming it must write it the same way. */
    private record Settings(StoreTarget target, Duration ttl, int batchSize) {
    }

    /** An open structure; one named from the data closes when idle. */
    private record Open(Pipe pipe, Settings settings, boolean fromData) {
    }

    private final Map<String, Open> open = new LinkedHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int maxStructures;
    private final WriterFactory writers;
    private final Pipe.Shared shared;

    Pipes(int maxStructures, WriterFactory writers, Pipe.Shared shared) {
        this.maxStructures = maxStructures;
        this.writers = writers;
        this.shared = shared;
    }

    /**
     * The pipe of a structure, opened at its first record. At most {@code connect.hazelcast.max.structures} are
     * open: one more is an IllegalStateException, as is a structure another statement writes in another way.
     *
     * @param fromData whether the name came from the data: such a pipe closes when idle
     */
    Pipe open(StoreTarget target, Duration ttl, int batchSize, boolean fromData) {
        String key = target.type() + "/" + target.name();
        Settings settings = new Settings(target, ttl, batchSize);
        Open existing = open.get(key);
        if (existing != null) {
            if (!existing.settings().equals(settings)) {
                throw new IllegalStateException(target.describe() + " is written by another statement in another way "
                        + "(WITHFORMAT, STOREAS parameters, TTL or BATCH); a name taken from the data must not name "
                        + "a structure another statement writes");
            }
            return existing.pipe();
        }
        if (open.size() >= maxStructures) {
            throw new IllegalStateException("it would open " + target.describe() + ", but this task already writes "
                    + open.size() + " structures, the most " + HazelcastSinkConfig.MAX_STRUCTURES_CONFIG + " allows; "
                    + "check the field the target is named after, or raise the setting");
        }
        Pipe pipe = new Pipe(() -> writers.create(target, ttl, batchSize), target.describe(), batchSize, shared);
        open.put(key, new Open(pipe, settings, fromData));
        count.incrementAndGet();
        return pipe;
    }

    Collection<Pipe> all() {
        return open.values().stream().map(Open::pipe).toList();
    }

    /** The structures open now (the metric open-structures); read on any thread. */
    int count() {
        return count.get();
    }

    List<Pipe> failed() {
        return open.values().stream().map(Open::pipe).filter(Pipe::hasFailed).toList();
    }

    /**
     * The deadline of one put() or offset commit, for waiting on calls that outlived their batch's timeout: one
     * write timeout from now, shared by every structure the call waits for.
     */
    long deadline() {
        return System.nanoTime() + shared.timeout().toNanos();
    }

    /**
     * Sends every pipe's buffer that is due (a whole batch, or entries that lingered long enough). A pipe whose
     * batch is in flight keeps buffering behind it, up to {@link #BACKLOG_BATCHES} batches; then the task waits
     * for that batch (back-pressure), and for calls of a timed-out batch still running, until {@code deadline}.
     */
    void sendDue(long deadline) {
        for (Open structure : open.values()) {
            Pipe pipe = structure.pipe();
            while (pipe.due()) {
                if (!sendDue(pipe, deadline)) {
                    break;
                }
            }
        }
    }

    private boolean sendDue(Pipe pipe, long deadline) {
        if (pipe.busy()) {
            if (pipe.buffered() < BACKLOG_BATCHES * pipe.batchSize()) {
                return false; // it goes after the batch in flight
            }
            if (awaitBatchInFlight(pipe)) {
                return false; // the follow-on sent the buffer: fill it again meanwhile
            }
            if (!awaitCallsEnded(pipe, deadline)) {
                return false; // a timed-out batch's calls still run: the buffer waits for them
            }
        }
        return sendBuffered(pipe, deadline);
    }

    /** Sends what the pipe buffers once a place is free; false when something is in its way. */
    private boolean sendBuffered(Pipe pipe, long deadline) {
        while (pipe.canSendBuffered()) {
            if (pipe.dispatch()) {
                return true;
            }
            if (!awaitPlace(deadline)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Sends a failed batch again once a place is free; false while the calls of the batch that failed are still
     * running (it does not wait for them: the error policy's back-off brings the next try, and the failure says why).
     */
    boolean retry(Pipe pipe, long deadline) {
        if (!pipe.callsEnded()) {
            return false;
        }
        while (pipe.canRetry()) {
            if (pipe.dispatch()) {
                return true;
            }
            if (!awaitPlace(deadline)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Writes a failed batch again one entry at a time (see {@link Pipe#isolateFailed}), in a place of its own,
     * once the calls of the batch that failed have ended (it does not wait for them); returns the failure left, or
     * null when nothing is left.
     */
    Throwable isolate(Pipe pipe, long deadline, Predicate<Throwable> forGood,
                      BiConsumer<Pipe.Pending, Throwable> failedForGood) {
        if (!pipe.callsEnded()) {
            return pipe.failure();
        }
        while (!shared.budget().tryTake()) {
            if (!awaitPlace(deadline)) {
                return new TimeoutException("all " + shared.budget().inUse() + " places for batches in flight "
                        + "stayed taken for " + shared.timeout().toMillis() + " ms by calls of batches that timed out");
            }
        }
        try {
            return pipe.isolateFailed(forGood, failedForGood);
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            pipe.givePlaceBackWhenCallsEnd();
        }
    }

    /**
     * Writes every buffered entry, a batch at a time per structure, as many structures at once as there are places;
     * stops at a failure. Whether anything is left is asked after the wait: the follow-on may have taken a batch's
     * acknowledgement and left a young buffer to linger. A pipe behind a timed-out batch whose calls still run keeps
     * its buffer for later, and so do pipes that find no place before {@code deadline} while such calls hold them.
     */
    void flush(long deadline) {
        boolean left = true;
        while (left) {
            boolean sent = false;
            for (Open structure : open.values()) {
                sent |= sendBuffered(structure.pipe(), deadline);
            }
            left = false;
            for (Open structure : open.values()) {
                awaitInFlight(structure.pipe());
                left |= structure.pipe().canSendBuffered();
            }
            if (!sent && System.nanoTime() - deadline >= 0) {
                return; // no place came free: calls of timed-out batches hold them
            }
        }
    }

    /** Waits until the pipe has no batch in flight (each at most the write timeout). */
    void awaitInFlight(Pipe pipe) {
        try {
            pipe.awaitInFlight();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Waits until a place is free: takes the result of every batch that finished with one the task must take (a
     * failure, or a batch with no follow-on), and looks again at each change (a place given back, a result arriving),
     * whichever structure it comes from. While results are on their way it waits for them (each comes within the
     * write timeout); once none is, only places held by calls of timed-out batches are left, and it waits for those
     * until {@code deadline}. False when none came free by then.
     */
    private boolean awaitPlace(long deadline) {
        InFlightBudget budget = shared.budget();
        long margin = shared.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            long seen = budget.changes();
            boolean resultsPending = false;
            for (Open structure : open.values()) {
                Pipe pipe = structure.pipe();
                if (pipe.finishedForTheTask()) {
                    pipe.collect(); // a failure is the task's to handle; its place is free once its calls have ended
                }
                resultsPending |= pipe.inFlight();
            }
            if (budget.hasFree()) {
                return true;
            }
            long now = System.nanoTime();
            if (!resultsPending && now - deadline >= 0) {
                return false;
            }
            try {
                budget.awaitChange(seen, resultsPending ? now + margin : deadline);
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }
    }

    private static boolean awaitBatchInFlight(Pipe pipe) {
        try {
            return pipe.awaitBatchInFlight();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static boolean awaitCallsEnded(Pipe pipe, long deadline) {
        try {
            return pipe.awaitCallsEnded(deadline);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** The lowest offset of {@code partition} not yet acknowledged in any pipe. */
    OptionalLong lowestPending(TopicPartition partition) {
        long lowest = Long.MAX_VALUE;
        for (Open structure : open.values()) {
            OptionalLong pending = structure.pipe().lowestPending(partition);
            if (pending.isPresent() && pending.getAsLong() < lowest) {
                lowest = pending.getAsLong();
            }
        }
        return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    }

    /** Forgets the entries of partitions the task no longer owns. */
    void drop(Collection<TopicPartition> partitions) {
        open.values().forEach(structure -> structure.pipe().drop(partitions));
    }

    /**
     * Closes the pipes of structures named from the data that had nothing to write since the previous call (the
     * task calls it at each offset commit) and have nothing pending: their last batch is acknowledged. A record
     * that names such a structure again opens it again.
     */
    void closeIdle() {
        List<String> idle = new ArrayList<>();
        open.forEach((key, structure) -> {
            if (structure.pipe().idleSinceLastCheck() && structure.fromData()) {
                idle.add(key);
            }
        });
        for (String key : idle) {
            close(open.remove(key).pipe());
            count.decrementAndGet();
        }
        if (!idle.isEmpty()) {
            LOG.debug("Closed {} idle structures named from the data; {} open", idle.size(), open.size());
        }
    }

    /** The client was replaced: every pipe makes its next writer on the new one. */
    void resetWriters() {
        open.values().forEach(structure -> structure.pipe().resetWriter());
    }

    /** Releases every writer's own resources; the task closes the client. */
    void closeAll() {
        open.values().forEach(structure -> close(structure.pipe()));
        open.clear();
        count.set(0);
    }

    private static void close(Pipe pipe) {
        try {
            pipe.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the writer of {} failed: {}", pipe.description(), e.toString());
        }
    }

    private static ConnectException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ConnectException("Interrupted while waiting for Hazelcast", e);
    }
}
