package io.streamgrid.hazelcast;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.SinkErrorHandler;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.hazelcast.state.MemberModule;
import io.streamgrid.hazelcast.writer.BadEntriesException;
import io.streamgrid.hazelcast.writer.WriteEntry;
import io.streamgrid.hazelcast.writer.Writers;
import io.streamgrid.kcql.KcqlStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to Hazelcast in batches, at least once. {@code put} routes every record to each statement
 * reading its topic and hands full (or, with linger 0, all) buffers to their structures asynchronously;
 * {@code preCommit} sends what is left, waits for the acknowledgements and reports, per partition, only
 * offsets below the first record not yet acknowledged. A failed batch stays at the head of its structure
 * and is retried before anything behind it; the error policy decides between retry (RetriableException
 * with the worker's back-off), failing the task, or dropping it (NOOP).
 * <p>
 * The task decides what to do with records and failures; {@link Pipes} holds the structures it writes and the
 * places for batches in flight, and each {@link Pipe} the state of one structure. The worker calls the task on one
 * thread; besides it only the follow-on thread (inside a pipe) and Hazelcast's threads (completing calls) run.
 */
public class HazelcastSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastSinkTask.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration OUTAGE_RETRY_INTERVAL = Duration.ofSeconds(1);

    private HazelcastSinkConfig config;
    private ClusterConnection connection;
    private ExecutorService blockingWrites;
    /** The compare-and-set of merging and version-guarded writes, shared by the task's structures. */
    private ExecutorService keyWriters;
    /** Sends what waits behind an acknowledged batch at once, not at the next put() (see {@link Pipe}). */
    private ExecutorService followOn;
    private SinkErrorHandler errors;
    private final Map<String, List<Route>> routesByTopic = new HashMap<>();
    private Pipes pipes;
    /** Per partition, the highest offset taken into a pipe: a redelivery after a retry is not taken twice. */
    private final Map<TopicPartition, Taken> taken = new HashMap<>();
    /** The partition of the previous record: a put() brings long runs of one partition. */
    private Taken current;
    private final AtomicLong skippedTombstones = new AtomicLong();
    private ConnectorMetrics metrics;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new HazelcastSinkConfig(HazelcastSinkConfig.ALIASES.resolveAndWarn(props));
        InFlightBudget budget = new InFlightBudget(config.maxInFlight());
        AtomicLong buffered = new AtomicLong();
        metrics = ConnectorMetrics.register(context, props,
                new ConnectorMetrics.Gauges(budget::inUse, buffered::get, () -> 0,
                        () -> connection != null && connection.connected(), () -> pipes == null ? 0 : pipes.count()));
        errors = new SinkErrorHandler(config.errorPolicy(), context, metrics);
        String name = config.cluster().clientName() + "-" + INSTANCES.incrementAndGet();
        blockingWrites = Executors.newFixedThreadPool(config.maxInFlight(), daemonThreads(name + "-writer"));
        keyWriters = Executors.newFixedThreadPool(Writers.STATE_PARALLELISM, daemonThreads(name + "-keys"));
        followOn = Executors.newSingleThreadExecutor(daemonThreads(name + "-follow-on"));
        connection = new ClusterConnection(config.cluster(), name, "records wait (they are retried) until then");
        MemberModule members = new MemberModule(config.stateMode(), connection::client, connection::connections);
        pipes = new Pipes(config.maxStructures(), (target, ttl, batchSize) -> Writers.create(connection.client(),
                target, ttl, batchSize, blockingWrites, metrics::stale, keyWriters, members),
                new Pipe.Shared(metrics, buffered, budget, followOn, config.linger(), config.writeTimeout()));
        for (int number = 1; number <= config.statements().size(); number++) {
            KcqlStatement statement = config.statements().get(number - 1);
            StoreTarget target = StoreTarget.of(statement);
            int batchSize = statement.batch().orElse(config.batchSize());
            Duration ttl = statement.ttl().isPresent() ? Duration.ofMillis(statement.ttl().getAsLong()) : null;
            boolean fromData = !target.nameTemplate().isConstant();
            routesByTopic.computeIfAbsent(statement.source(), t -> new ArrayList<>()).add(new Route(statement, number,
                    target, named -> pipes.open(named, ttl, batchSize, fromData)));
        }
        awaitCluster();
        LOG.info("Hazelcast sink task started: client {} in cluster '{}', {} statements over {} structures",
                name, config.cluster().clusterName(), config.statements().size(), pipes.count());
    }

    /** Waits a while for the cluster at start; without it the task runs all the same and its records wait. */
    private void awaitCluster() {
        try {
            if (!connection.awaitConnected(Duration.ofMillis(config.cluster().clusterConnectTimeoutMs()))) {
                LOG.warn("Cannot reach the Hazelcast cluster '{}' at {} yet (waited {} ms, {}); the task runs, and its "
                        + "records wait, retried, until the cluster is there", config.cluster().clusterName(),
                        config.cluster().members(), config.cluster().clusterConnectTimeoutMs(),
                        HazelcastClusterConfig.CLUSTER_CONNECT_TIMEOUT_CONFIG);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for the Hazelcast cluster", e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        errors.throwIfRetryNotDue();
        long deadline = pipes.deadline(); // one for the whole put(), however many structures it waits for
        retryFailedBatches(deadline);
        int taken = 0;
        for (SinkRecord record : records) {
            Taken from = partitionOf(record);
            if (record.kafkaOffset() <= from.highest) {
                continue; // redelivered after a retry: already on its way
            }
            from.highest = record.kafkaOffset();
            taken++;
            route(record, from.partition);
        }
        metrics.recordsIn(taken);
        pipes.sendDue(deadline);
        collectResults(deadline);
    }

    private Taken partitionOf(SinkRecord record) {
        if (current == null || !current.is(record.topic(), record.kafkaPartition())) {
            current = taken.computeIfAbsent(new TopicPartition(record.topic(), record.kafkaPartition()), Taken::new);
        }
        return current;
    }

    private void route(SinkRecord record, TopicPartition partition) {
        List<Route> routes = routesByTopic.get(record.topic());
        if (routes == null) {
            errors.badRecord(record, new DataException("no KCQL statement reads topic '" + record.topic() + "'"));
            return;
        }
        RecordView view = RecordView.of(record);
        if (routes.size() == 1) { // the usual case: one statement per topic
            Route route = routes.get(0);
            WriteEntry entry;
            Pipe pipe;
            try {
                if (!route.keeps(view)) {
                    metrics.filtered(route.number(), 1);
                    return;
                }
                entry = route.entry(view);
                pipe = entry == null ? null : route.pipe(view);
            } catch (DataException e) {
                errors.badRecord(record, e);
                return;
            }
            take(route, pipe, view, entry, partition, record.kafkaOffset(), record);
            return;
        }
        List<Route> keeping = new ArrayList<>(routes.size());
        List<WriteEntry> entries = new ArrayList<>(routes.size());
        List<Pipe> targets = new ArrayList<>(routes.size());
        try {
            for (Route route : routes) {
                if (route.keeps(view)) {
                    WriteEntry entry = route.entry(view);
                    keeping.add(route);
                    entries.add(entry);
                    targets.add(entry == null ? null : route.pipe(view));
                }
            }
        } catch (DataException e) {
            errors.badRecord(record, e);
            return;
        }
        for (Route route : routes) {
            if (!keeping.contains(route)) {
                metrics.filtered(route.number(), 1);
            }
        }
        for (int i = 0; i < keeping.size(); i++) {
            take(keeping.get(i), targets.get(i), view, entries.get(i), partition, record.kafkaOffset(), record);
        }
    }

    /** Hands an entry to its structure's pipe; a null entry is a tombstone for a structure without keys. */
    private void take(Route route, Pipe pipe, RecordView view, WriteEntry entry, TopicPartition partition,
                      long offset, SinkRecord record) {
        if (entry == null) {
            skippedTombstones.incrementAndGet();
            metrics.skipped(1);
            LOG.debug("Skipped tombstone {}: {} has no keys to delete", view.describe(), route.target().describe());
        } else {
            Long timestamp = view.timestamp();
            pipe.add(new Pipe.Pending(entry, partition, offset, timestamp == null ? -1 : timestamp, record));
        }
    }

    /** Takes finished batches; a batch that failed now goes to the error policy. */
    private void collectResults(long deadline) {
        for (Pipe pipe : pipes.all()) {
            if (pipe.collect()) {
                if (pipe.hasFailed()) {
                    applyPolicy(pipe, deadline);
                } else {
                    errors.succeeded();
                }
            } else if (pipe.takeAcknowledgedByFollowOn()) {
                errors.succeeded();
            }
        }
    }

    /**
     * Failed batches are written again, in order, before any record behind them: as they were after a failure
     * that may heal; one entry at a time after one that cannot (see {@link #applyPolicy}). Not before every call
     * of the batch that failed has ended: a call still on its way could land after the retry's. The task does not
     * wait for such calls: the batch stays failed, saying so, and the error policy's back-off brings the next try.
     */
    private void retryFailedBatches(long deadline) {
        List<Pipe> failed = pipes.failed();
        for (Pipe pipe : failed) {
            pipes.awaitInFlight(pipe);
            if (WriteFailures.of(pipe.failure()) == WriteFailures.PERMANENT) {
                applyPolicy(pipe, deadline);
            } else {
                pipes.retry(pipe, deadline);
            }
        }
        for (Pipe pipe : failed) {
            pipes.awaitInFlight(pipe);
            if (pipe.hasFailed()) {
                applyPolicy(pipe, deadline);
            } else {
                LOG.info("Retried batch for {} is written", pipe.description());
                errors.succeeded();
            }
        }
    }

    /**
     * A batch failed. A failure that no retry can mend (the member refused the request or the data) is pinned
     * to its entries by writing them again one at a time: each entry that fails on its own is bad data for the
     * error handler (dead-letter queue, NOOP, or the task fails at once); the others are written. A failure
     * that may heal goes to the error policy: retry with back-off, fail, or drop (NOOP).
     */
    private void applyPolicy(Pipe pipe, long deadline) {
        Throwable cause = pipe.failure();
        if (WriteFailures.of(cause) == WriteFailures.PERMANENT) {
            if (cause instanceof BadEntriesException) {
                LOG.debug("{}: {}", pipe.description(), cause.getMessage());
            } else {
                LOG.warn("{} failed with an error no retry can mend; writing its {} records one at a time to find the "
                        + "bad ones: {}", pipe.description(), pipe.failedCount(), cause.toString());
            }
            cause = pipes.isolate(pipe, deadline, failure -> WriteFailures.of(failure) == WriteFailures.PERMANENT,
                    (pending, failure) -> errors.badRecord(pending.record(), failure));
            if (cause == null) {
                return;
            }
        }
        if (WriteFailures.of(cause) == WriteFailures.CLIENT_GONE || !connection.connected()) {
            if (connection.replaceIfShutDown()) {
                pipes.resetWriters();
            }
            errors.serverAway("Writing " + pipe.failedCount() + " records to " + pipe.description(),
                    pipe.failedCount(), cause, outageRetryInterval(), config.cluster().clusterOutageTimeout());
            pipe.dropFailed(); // only NOOP returns here
            return;
        }
        errors.writeFailed("Writing " + pipe.failedCount() + " records to " + pipe.description(), pipe.failedCount(),
                cause);
        pipe.dropFailed(); // only NOOP returns here
    }

    /** While the cluster is away a retry costs nothing (the client fails at once), so try every second. */
    private Duration outageRetryInterval() {
        Duration interval = config.errorPolicy().retryInterval();
        return interval.compareTo(OUTAGE_RETRY_INTERVAL) < 0 ? interval : OUTAGE_RETRY_INTERVAL;
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        pipes.flush(pipes.deadline());
        for (Pipe pipe : pipes.all()) {
            if (pipe.hasFailed()) {
                LOG.warn("{} failed; its records stay uncommitted and are retried with the next records: {}",
                        pipe.description(), pipe.failure().toString());
            }
        }
        errors.awaitDeadLetters();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> current : currentOffsets.entrySet()) {
            long offset = current.getValue().offset();
            OptionalLong lowest = pipes.lowestPending(current.getKey());
            if (lowest.isPresent() && lowest.getAsLong() < offset) {
                offset = lowest.getAsLong();
            }
            committable.put(current.getKey(), new OffsetAndMetadata(offset, current.getValue().metadata()));
        }
        pipes.closeIdle();
        return committable;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        pipes.drop(partitions);
        partitions.forEach(taken::remove);
        current = null;
    }

    @Override
    public void stop() {
        LOG.info("Hazelcast sink task stopping; {} tombstones skipped on structures without keys, {} records dropped "
                        + "by error policy NOOP, {} sent to the dead-letter queue", skippedTombstones.get(),
                errors == null ? 0 : errors.droppedRecords(), errors == null ? 0 : errors.deadLetteredRecords());
        if (blockingWrites != null) {
            blockingWrites.shutdownNow();
        }
        if (keyWriters != null) {
            keyWriters.shutdownNow();
        }
        if (followOn != null) {
            followOn.shutdownNow();
        }
        if (pipes != null) {
            pipes.closeAll();
        }
        if (connection != null) {
            connection.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    long skippedTombstones() {
        return skippedTombstones.get();
    }

    /** The slots the buffers of the open structures hold (their memory, counted without a garbage collector). */
    long bufferSlots() {
        return pipes.all().stream().mapToLong(Pipe::bufferCapacity).sum();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A partition and the highest offset taken from it; one object per partition, so records share it. */
    private static final class Taken {
        final TopicPartition partition;
        long highest = -1;

        Taken(TopicPartition partition) {
            this.partition = partition;
        }

        boolean is(String topic, int partition) {
            return this.partition.partition() == partition && this.partition.topic().equals(topic);
        }
    }
}
