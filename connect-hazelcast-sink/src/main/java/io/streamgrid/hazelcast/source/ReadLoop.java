package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.hazelcast.ClusterConnection;
import io.streamgrid.hazelcast.HazelcastClusterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's reading thread. It keeps one read in flight per cursor (a read waits on the member until there is an
 * item), takes each answer, checks it follows on from the cursor's sequence (a gap is counted, logged and handled
 * by the gap policy; a structure that ends below it lost its newest items with a member, and is read on from its end;
 * a new cluster, whose members all restarted, is read anew from each structure's oldest item),
 * and hands the items to {@code poll()} through the bounded handoff queue, which makes it wait when full. Failed
 * reads are made again after a second, from the same sequence, so nothing is skipped or read twice; while the
 * cluster is away the thread waits for it (at most {@code connect.hazelcast.cluster.outage.timeout}).
 */
final class ReadLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadLoop.class);
    private static final long RETRY_MS = 1_000;
    /** Logs a failing read at most this often per structure. */
    private static final long WARN_EVERY_MS = 30_000;

    /** One structure and how it is read. */
    record Structure(StructureId id, StructureReads reads, StructureType.Start start, int batch) {
    }

    /** A read's answer, handed from Hazelcast's thread to the reading thread. */
    private record Completion(Structure structure, Cursor cursor, int epoch, ReadResultSet<?> read, Throwable error) {
    }

    private final ClusterConnection connection;
    private final HazelcastClusterConfig cluster;
    private final List<Structure> structures;
    private final StartPositions starts;
    private final HandoffQueue<SourceItem> queue;
    private final Gaps gaps;
    private final ConnectorMetrics metrics;
    private final Map<StructureId, Long> lastWarning = new HashMap<>();
    /** Every structure's cursors, once the start positions are known; read by the lag probe and the metrics. */
    private volatile Map<Structure, List<Cursor>> cursors = Map.of();
    private BlockingQueue<Completion> completions;
    private volatile boolean running = true;
    private long awaySinceMs = -1;
    /** The id of the cluster the cursors' sequences belong to; another one after all its members restarted. */
    private UUID clusterSeen;
    private final CountDownLatch started = new CountDownLatch(1);

    ReadLoop(ClusterConnection connection, HazelcastClusterConfig cluster, List<Structure> structures,
             StartPositions starts, HandoffQueue<SourceItem> queue, Gaps gaps, ConnectorMetrics metrics) {
        this.connection = connection;
        this.cluster = cluster;
        this.structures = List.copyOf(structures);
        this.starts = starts;
        this.queue = queue;
        this.gaps = gaps;
        this.metrics = metrics;
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
                UUID cluster = HazelcastInternals.clusterId(connection.client());
                if (cluster != null && !cluster.equals(clusterSeen)) {
                    if (clusterSeen != null) {
                        restartAll();
                    }
                    clusterSeen = cluster;
                }
                long now = System.currentTimeMillis();
                long nextDue = now + RETRY_MS;
                HazelcastInstance client = connection.client();
                for (Map.Entry<Structure, List<Cursor>> structure : cursors.entrySet()) {
                    for (Cursor cursor : structure.getValue()) {
                        if (cursor.due(now)) {
                            read(client, structure.getKey(), cursor);
                        }
                    }
                }
                Completion completion = completions.poll(Math.max(1, nextDue - now), TimeUnit.MILLISECONDS);
                while (completion != null && running) {
                    handle(completion);
                    completion = completions.poll();
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

    /** Makes the cursors and finds where each starts; a failure (the cluster went away again) is tried again. */
    private void start() {
        try {
            Map<Structure, List<Cursor>> made = starts.cursors(connection.client(), structures);
            int count = made.values().stream().mapToInt(List::size).sum();
            // one read in flight per cursor, and the answer of one made before the cursor was moved
            completions = new ArrayBlockingQueue<>(Math.max(2, 2 * count));
            clusterSeen = HazelcastInternals.clusterId(connection.client());
            cursors = made;
            started.countDown();
        } catch (UnsupportedOperationException e) {
            running = false;
            queue.fail(new ConnectException(e.getMessage(), e));
            started.countDown(); // given up: poll() throws why
        } catch (RuntimeException e) {
            LOG.warn("Could not find where to start reading yet; trying again in a second: {}", e.toString());
            sleep();
        }
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
        cursor.reading(true);
        int epoch = cursor.epoch();
        try {
            structure.reads().read(client, cursor, structure.batch())
                    .whenComplete((read, error) -> complete(new Completion(structure, cursor, epoch, read, error)));
        } catch (RuntimeException e) { // the client refused the call at once (shut down, offline)
            complete(new Completion(structure, cursor, epoch, null, e));
        }
    }

    /** Hands a read's answer to the reading thread; there is room for two per cursor, so it never waits. */
    private void complete(Completion completion) {
        if (!completions.offer(completion)) { // cannot happen: at most two answers per cursor are ever pending
            running = false;
            queue.fail(new IllegalStateException("No room for the answer of a read of " + completion.cursor()));
        }
    }

    private void handle(Completion completion) throws InterruptedException {
        Cursor cursor = completion.cursor();
        if (completion.epoch() != cursor.epoch()) {
            return; // made before the cursor moved: its answer is of no use
        }
        cursor.reading(false);
        if (completion.error() != null) {
            failed(completion.structure(), cursor, unwrap(completion.error()));
            return;
        }
        ReadResultSet<?> read = completion.read();
        long expected = cursor.next();
        long first = read.size() > 0 ? read.getSequence(0) : read.getNextSequenceToReadFrom();
        if (first > expected) { // the journal moved the read to its oldest event
            if (!gaps.gap(cursor, expected, first)) {
                running = false;
                return;
            }
        } else if (first < expected) { // the member moved the read back to the journal's next event
            gaps.behind(cursor, expected, first);
        }
        HazelcastInstance client = connection.client();
        // read on at once: the next answer is on its way while this one's items are handed over (they carry their
        // own sequences; a next read answered meanwhile waits in the completions until this one is done)
        cursor.next(read.getNextSequenceToReadFrom());
        read(client, completion.structure(), cursor);
        long readAt = System.currentTimeMillis();
        for (int i = 0; i < read.size(); i++) {
            if (!queue.put(completion.structure().reads().item(client, cursor, read, i, readAt))) {
                running = false; // closed: the task is stopping
                return;
            }
        }
        metrics.recordsIn(read.size());
    }

    /** A failed read: a gap, a structure the cluster lost, a journal that is not enabled, or a passing failure. */
    private void failed(Structure structure, Cursor cursor, Throwable error) {
        if (error instanceof StaleSequenceException stale) {
            if (gaps.gap(cursor, cursor.next(), stale.getHeadSeq())) {
                cursor.next(stale.getHeadSeq());
            } else {
                running = false;
            }
            return;
        }
        if (error instanceof IllegalArgumentException && error.getMessage() != null
                && error.getMessage().contains("too large")) { // beyond the tail: the newest items are gone
            behindTheTail(structure, cursor);
            return;
        }
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

    /** The ringbuffer ends below the cursor: go on from its end, the next item to come (what the journal does). */
    private void behindTheTail(Structure structure, Cursor cursor) {
        try {
            long next = structure.reads().bounds(connection.client(), cursor).newest() + 1;
            gaps.behind(cursor, cursor.next(), next);
            cursor.restartAt(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } catch (Exception e) { // the cluster went away again: asked again with the next read
            cursor.retryAt(System.currentTimeMillis() + RETRY_MS);
            LOG.debug("Could not learn where {} ends: {}", cursor, e.toString());
        }
    }

    /** A new cluster (every member restarted): its structures are new, read each from its oldest item. */
    private void restartAll() {
        for (List<Cursor> structure : cursors.values()) {
            for (Cursor cursor : structure) {
                gaps.restarted(cursor, cursor.next());
                cursor.restartAt(0);
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
