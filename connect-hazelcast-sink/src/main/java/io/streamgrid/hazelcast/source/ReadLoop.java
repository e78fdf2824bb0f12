package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.ReadResultSet;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.hazelcast.ClusterConnection;
import io.streamgrid.hazelcast.HazelcastClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's reading thread. It keeps one read in flight per cursor (a read waits on the member until there is an
 * item), takes each answer, checks it follows on from the cursor's sequence (a gap is counted, logged and handled
 * by the gap policy; a structure that ends below it lost its newest items with a member, and is read on from its end;
 * a new cluster, whose members all restarted, is read anew from each structure's oldest item),
 * and hands the items to {@code poll()} through the bounded handoff queue, which makes it wait when full. What the
 * reads may bring in beyond the queue is bounded too ({@link ReadBudget}). Failed reads are made again after a
 * second, from the same sequence, so nothing is skipped or read twice; while the cluster is away the thread waits
 * for it (at most {@code connect.hazelcast.cluster.outage.timeout}).
 *
 * <p>Members from 5.3 on move a read outside a ringbuffer's or a journal's bounds to its oldest item or to its end
 * rather than failing it, so a gap or a structure that ends below the cursor shows in the first sequence of the
 * answer.
 */
final class ReadLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadLoop.class);
    private static final long RETRY_MS = 1_000;
    /** Logs a failing read at most this often per structure. */
    private static final long WARN_EVERY_MS = 30_000;

    /** One structure and how it is read. */
    record Structure(StructureId id, StructureReads reads, StructureType.Start start, int batch) {
    }

    /**
     * A read's answer, handed from Hazelcast's thread to the reading thread: made at the cursor's {@code epoch}, in
     * the cluster the reading thread knew then, with {@code share} items of the budget taken for it.
     */
    record Answer(Structure structure, Cursor cursor, int epoch, UUID cluster, int share, ReadResultSet<?> read,
                  Throwable error, ReadBudget budget) {

        /** The answer is of no use: its share goes back. */
        void drop() {
            budget.dropped(share);
        }
    }

    /** Wakes the reading thread when poll() made room for reads it had to leave for want of it. */
    private static final Object ROOM = new Object();

    private final ClusterConnection connection;
    private final HazelcastClusterConfig cluster;
    private final List<Structure> structures;
    private final StartPositions starts;
    private final HandoffQueue<SourceItem> queue;
    private final Gaps gaps;
    private final ConnectorMetrics metrics;
    private final ReadBudget budget;
    private final Map<StructureId, Long> lastWarning = new HashMap<>();
    /** Every structure's cursors, once the start positions are known; read by the lag probe and the metrics. */
    private volatile Map<Structure, List<Cursor>> cursors = Map.of();
    private volatile int cursorCount;
    /**
     * The cursors whose read was answered, each at most once, and {@link #ROOM} at most once: it never holds more
     * than one more than there are cursors.
     */
    private volatile BlockingQueue<Object> answered;
    private final AtomicBoolean roomQueued = new AtomicBoolean();
    private volatile boolean running = true;
    private long awaySinceMs = -1;
    /** Since when finding the start positions fails while the cluster is there, and when that was last logged. */
    private long startFailingSinceMs = -1;
    private long lastStartWarningMs = -1;
    /** The id of the cluster the cursors' sequences belong to; another one after all its members restarted. */
    private volatile UUID clusterSeen;
    private final CountDownLatch started = new CountDownLatch(1);

    ReadLoop(ClusterConnection connection, HazelcastClusterConfig cluster, List<Structure> structures,
             StartPositions starts, HandoffQueue<SourceItem> queue, Gaps gaps, ConnectorMetrics metrics,
             SourceQueueConfig bounds) {
        this.connection = connection;
        this.cluster = cluster;
        this.structures = List.copyOf(structures);
        this.starts = starts;
        this.queue = queue;
        this.gaps = gaps;
        this.metrics = metrics;
        this.budget = new ReadBudget(bounds.size(), bounds.maxBytes(), this::room);
    }

    /** What the reads may bring in before poll() takes it; poll() gives each item's share back. */
    ReadBudget budget() {
        return budget;
    }

    private void room() {
        BlockingQueue<Object> ready = answered;
        if (ready != null && roomQueued.compareAndSet(false, true) && !ready.offer(ROOM)) {
            roomQueued.set(false); // cannot be: the queue keeps a place for it; the next turn reads all the same
        }
    }

    void stop() {
        running = false;
    }

    /** Waits at most {@code timeout} until every cursor knows where it starts (or reading gave up); true then. */
    boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            while (running && cursors.isEmpty()) {
                if (awaitCluster()) {
                    start();
                }
            }
            while (running) {
                if (!awaitCluster()) {
                    continue;
                }
                UUID now = HazelcastInternals.clusterId(connection.client());
                if (now != null && !now.equals(clusterSeen)) {
                    if (clusterSeen != null) {
                        restartAll();
                    }
                    clusterSeen = now;
                }
                long nowMs = System.currentTimeMillis();
                HazelcastInstance client = connection.client();
                for (Map.Entry<Structure, List<Cursor>> structure : cursors.entrySet()) {
                    for (Cursor cursor : structure.getValue()) {
                        if (cursor.due(nowMs)) {
                            read(client, structure.getKey(), cursor);
                        }
                    }
                }
                Object ready = answered.poll(RETRY_MS, TimeUnit.MILLISECONDS);
                while (ready != null && running) {
                    if (ready instanceof Cursor cursor) {
                        handle(cursor);
                    } else {
                        roomQueued.set(false); // the cursors that waited for room are due at the next turn
                    }
                    ready = answered.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.error("The reading thread failed; the task fails with it", t);
            queue.fail(t);
        } finally {
            started.countDown();
        }
    }

    /**
     * Makes the cursors and finds where each starts. A failure is tried again every second while the cluster is
     * there, for at most {@code connect.hazelcast.cluster.outage.timeout} (as an outage is waited out), then the
     * task fails with it.
     */
    private void start() {
        try {
            UUID now = HazelcastInternals.clusterId(connection.client());
            Map<Structure, List<Cursor>> made = starts.cursors(connection.client(), structures,
                    now == null ? null : now.toString());
            cursorCount = made.values().stream().mapToInt(List::size).sum();
            budget.reserve(cursorCount);
            made.forEach((structure, list) -> list.forEach(cursor -> cursor.wanted(floor(structure))));
            answered = new ArrayBlockingQueue<>(cursorCount + 1);
            clusterSeen = now;
            cursors = made;
            started.countDown();
        } catch (UnsupportedOperationException e) {
            running = false;
            queue.fail(new ConnectException(e.getMessage(), e));
            started.countDown(); // given up: poll() throws why
        } catch (RuntimeException e) {
            startFailed(e);
        }
    }

    private void startFailed(RuntimeException e) {
        long now = System.currentTimeMillis();
        if (startFailingSinceMs < 0) {
            startFailingSinceMs = now;
        }
        Duration timeout = cluster.clusterOutageTimeout();
        if (!timeout.isZero() && now - startFailingSinceMs > timeout.toMillis()) {
            running = false;
            queue.fail(new ConnectException("Could not find where to start reading for " + (now - startFailingSinceMs)
                    + " ms (" + HazelcastClusterConfig.CLUSTER_OUTAGE_TIMEOUT_CONFIG + " = " + timeout.toMillis()
                    + "): " + e.getMessage(), e));
            started.countDown();
            return;
        }
        if (lastStartWarningMs < 0 || now - lastStartWarningMs >= WARN_EVERY_MS) {
            lastStartWarningMs = now;
            LOG.warn("Could not find where to start reading yet; trying again every second (logged at most every "
                    + "30 s{}): {}", timeout.isZero() ? "" : ", for at most "
                    + HazelcastClusterConfig.CLUSTER_OUTAGE_TIMEOUT_CONFIG + " = " + timeout.toMillis() + " ms",
                    e.toString());
        }
        sleep();
    }

    /**
     * The fewest items a read asks for: a share of the budget small enough that the reads waiting on quiet
     * sequences hold a quarter of it at most, so the busy ones have the rest.
     */
    private int floor(Structure structure) {
        return Math.max(1, Math.min(structure.batch(), budget.size() / (4 * Math.max(1, cursorCount))));
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** True when the cluster is there; otherwise waits a while for it, failing the task past the outage timeout. */
    private boolean awaitCluster() throws InterruptedException {
        if (connection.connected()) {
            awaySinceMs = -1;
            return true;
        }
        long now = System.currentTimeMillis();
        if (awaySinceMs < 0) {
            awaySinceMs = now;
        }
        Duration timeout = cluster.clusterOutageTimeout();
        if (!timeout.isZero() && now - awaySinceMs > timeout.toMillis()) {
            running = false;
            queue.fail(new ConnectException("Could not reach " + cluster.describe() + " for " + (now - awaySinceMs)
                    + " ms (" + HazelcastClusterConfig.CLUSTER_OUTAGE_TIMEOUT_CONFIG + " = " + timeout.toMillis()
                    + "); a restarted task reads on from the committed offsets"));
            return false;
        }
        connection.replaceIfShutDown();
        return connection.awaitConnected(Duration.ofMillis(RETRY_MS));
    }

    private void read(HazelcastInstance client, Structure structure, Cursor cursor) {
        int share = budget.take(cursor.wanted());
        if (share == 0) {
            return; // the items read and asked for fill the budget: read once poll() has taken some
        }
        int epoch = cursor.epoch();
        UUID readIn = clusterSeen;
        CompletableFuture<? extends ReadResultSet<?>> future;
        try {
            future = structure.reads().read(client, cursor, share).toCompletableFuture();
        } catch (RuntimeException e) { // the client refused the call at once (shut down, offline)
            future = CompletableFuture.failedFuture(e);
        }
        cursor.reading(future);
        future.whenComplete((read, error) -> answer(new Answer(structure, cursor, epoch, readIn, share, read, error,
                budget)));
    }

    /** Hands a read's answer to the reading thread (on Hazelcast's thread); one of a cursor moved since is dropped. */
    private void answer(Answer answer) {
        Cursor cursor = answer.cursor();
        if (answer.epoch() != cursor.epoch()) {
            answer.drop();
            return;
        }
        if (cursor.answer(answer) && !answered.offer(cursor)) { // cannot be: each cursor is queued at most once
            running = false;
            queue.fail(new IllegalStateException("No room for the answer of a read of " + cursor + " among "
                    + cursorCount + " cursors"));
        }
    }

    private void handle(Cursor cursor) throws InterruptedException {
        Answer answer = cursor.takeAnswer();
        if (answer == null) {
            return; // taken at a turn before
        }
        if (answer.epoch() != cursor.epoch()) {
            answer.drop(); // made before the cursor moved: of no use
            return;
        }
        HazelcastInstance client = connection.client();
        UUID now = HazelcastInternals.clusterId(client);
        if (answer.cluster() != null && now != null && !now.equals(answer.cluster())) {
            // the client sent the read again to a new cluster (every member restarted) before this thread saw it:
            // its items are the new cluster's, at the old cluster's sequence; the next turn reads it anew
            answer.drop();
            return;
        }
        cursor.answered();
        if (answer.error() != null) {
            answer.drop();
            failed(answer.structure(), cursor, unwrap(answer.error()));
            return;
        }
        ReadResultSet<?> read = answer.read();
        int size = read.size();
        Structure structure = answer.structure();
        long readAt = System.currentTimeMillis();
        String readIn = answer.cluster() == null ? null : answer.cluster().toString();
        List<SourceItem> items = new ArrayList<>(size);
        long bytes = 0;
        for (int i = 0; i < size; i++) {
            SourceItem item = structure.reads().item(client, cursor, read, i, readAt, readIn);
            items.add(item);
            bytes += item.bytes();
        }
        budget.answered(answer.share(), size, bytes); // the items give theirs back as poll() takes them
        cursor.wanted(Math.max(floor(structure), Math.min(structure.batch(), 2 * size)));
        long expected = cursor.next();
        long first = size > 0 ? read.getSequence(0) : read.getNextSequenceToReadFrom();
        if (!cursor.anchored()) {
            if (first != expected) {
                gaps.startedAt(cursor, expected, first);
            }
            cursor.anchor();
        } else if (first > expected) { // the structure moved the read to its oldest item
            if (!gaps.gap(cursor, expected, first)) {
                budget.taken(size, bytes);
                running = false;
                return;
            }
        } else if (first < expected) { // the member moved the read back to the structure's end
            gaps.behind(cursor, expected, first);
        }
        // read on at once: the next answer is on its way while this one's items are handed over (they carry their
        // own sequences; a next read answered meanwhile waits until this one is done)
        cursor.next(read.getNextSequenceToReadFrom());
        read(client, structure, cursor);
        for (SourceItem item : items) {
            if (!queue.put(item)) {
                running = false; // closed: the task is stopping
                return;
            }
        }
        metrics.recordsIn(size);
    }

    /** A failed read: a journal that is not enabled, a read the cluster refuses, or a passing failure. */
    private void failed(Structure structure, Cursor cursor, Throwable error) {
        if (error instanceof UnsupportedOperationException) {
            running = false;
            queue.fail(new ConnectException("Cannot read " + cursor + ": " + error.getMessage() + ". "
                    + JournalCheck.howToEnable(structure.id().name()), error));
            return;
        }
        if (error instanceof IllegalArgumentException) { // a read the cluster refuses will never pass
            running = false;
            queue.fail(new ConnectException("Cannot read " + cursor + " from sequence " + cursor.next() + ": "
                    + error.getMessage(), error));
            return;
        }
        cursor.retryAt(System.currentTimeMillis() + RETRY_MS);
        if (!connection.connected()) {
            LOG.debug("Reading {} failed while the cluster is away; trying again once it is back: {}", cursor,
                    error.toString());
            return;
        }
        long now = System.currentTimeMillis();
        Long last = lastWarning.get(structure.id());
        if (last == null || now - last >= WARN_EVERY_MS) {
            lastWarning.put(structure.id(), now);
            LOG.warn("Reading {} failed; trying again every second from sequence {} (logged at most every 30 s): {}",
                    cursor, cursor.next(), error.toString());
        }
        metrics.retry();
    }

    /** A new cluster (every member restarted): its structures are new, read each from its oldest item. */
    private void restartAll() {
        for (List<Cursor> structure : cursors.values()) {
            for (Cursor cursor : structure) {
                gaps.restarted(cursor, cursor.next());
                cursor.restartAt(0); // the oldest: the member moves the read up to it
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Every structure's cursors (none before the start positions are known), for the lag probe and metrics. */
    Map<Structure, List<Cursor>> cursors() {
        return cursors;
    }

    /** The items the task has still to read of the structures of this name, as last probed. */
    long lag(String structure) {
        long lag = 0;
        for (Map.Entry<Structure, List<Cursor>> entry : cursors.entrySet()) {
            if (entry.getKey().id().name().equals(structure)) {
                for (Cursor cursor : entry.getValue()) {
                    lag += cursor.lag();
                }
            }
        }
        return lag;
    }
}
