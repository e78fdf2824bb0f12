package io.streamgrid.hazelcast.source;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.common.queue.SourcePoller;
import io.streamgrid.hazelcast.ClusterConnection;
import io.streamgrid.hazelcast.HazelcastClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reads the structures of its statements (its share of each map's journal partitions) and hands every item to
 * Kafka as records whose offset is the item's exact sequence. A thread of its own reads ({@link ReadLoop}) into a
 * bounded queue, which {@code poll()} drains; a restarted task goes on after the last sequence Kafka has, and with
 * exactly-once support (KIP-618) the worker commits records and offsets together.
 */
public class HazelcastSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastSourceTask.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long STOP_WAIT_MS = 5_000;

    private HazelcastSourceConfig config;
    private ClusterConnection connection;
    private HandoffQueue<SourceItem> queue;
    private SourcePoller<SourceItem> poller;
    private ConnectorMetrics metrics;
    private ReadLoop loop;
    private Thread reader;
    private ScheduledExecutorService probe;
    private Heartbeats heartbeats;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        try {
            startReading(props);
        } catch (RuntimeException e) { // the worker calls stop() only after start() returned: close what started
            stop();
            throw e;
        }
    }

    private void startReading(Map<String, String> props) {
        config = new HazelcastSourceConfig(props);
        Map<StructureId, List<SourceStatement>> byStructure = SourceStatements.byStructure(config.statements());
        queue = config.queue().newQueue(SourceItem::bytes);
        String name = config.cluster().clientName() + "-" + INSTANCES.incrementAndGet();
        connection = new ClusterConnection(config.cluster(), name, "reading waits, and goes on from the next "
                + "sequence of every structure once the cluster is back");
        metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(() -> poller == null ? 0 : poller.inFlight(),
                queue::size, queue::bytes, connection::connected));
        List<ReadLoop.Structure> structures = new ArrayList<>();
        byStructure.forEach((id, statements) -> structures.add(new ReadLoop.Structure(id, StructureReads.of(id.type()),
                statements.get(0).start(), statements.get(0).batch())));
        loop = new ReadLoop(connection, config.cluster(), structures,
                new StartPositions(context == null ? null : context.offsetStorageReader(), config.slice()), queue,
                new Gaps(config.gapPolicy(), queue, metrics), metrics, config.queue());
        poller = new SourcePoller<>(queue, config.queue(), config.badMessagePolicy(), config.deadLetterTopic(),
                HazelcastSourceConfig.PREFIX + "." + BadMessagePolicy.SUFFIX, "", new ItemRecords(byStructure, metrics,
                loop.budget()), metrics, SourcePoller.AfterFailure.HOLD_BACK);
        heartbeats = new Heartbeats(config.heartbeatTopic(), config.heartbeatInterval());
        Set<String> names = new LinkedHashSet<>();
        structures.forEach(s -> names.add(s.id().name()));
        names.forEach(structure -> metrics.sequenceLag(structure, () -> loop.lag(structure)));
        Map<String, String> logging = MDC.getCopyOfContextMap();
        reader = new Thread(() -> {
            if (logging != null) {
                MDC.setContextMap(logging);
            }
            loop.run();
        }, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        probe = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(() -> {
                if (logging != null) {
                    MDC.setContextMap(logging);
                }
                runnable.run();
            }, name + "-lag");
            thread.setDaemon(true);
            return thread;
        });
        LagProbe lag = new LagProbe(connection, loop);
        probe.scheduleWithFixedDelay(() -> {
            try {
                lag.run();
                heartbeats.check(System.currentTimeMillis());
            } catch (RuntimeException e) { // an exception would end the schedule for good, silently
                LOG.warn("Checking the sequence lag and heartbeats failed; checking again in a second: {}", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
        awaitCluster();
        LOG.info("Hazelcast source task started: client {} in cluster '{}', {} statements over {} structures, task "
                + "share {} of journal partitions", name, config.cluster().clusterName(), config.statements().size(),
                structures.size(), config.slice());
    }

    /**
     * Waits a while for the cluster at start, until every structure knows where it starts (so 'latest' is the newest
     * item when the task started); without the cluster the task runs all the same and reads once it is there.
     */
    private void awaitCluster() {
        HazelcastClusterConfig cluster = config.cluster();
        try {
            if (!loop.awaitStarted(Duration.ofMillis(cluster.clusterConnectTimeoutMs()))) {
                LOG.warn("Cannot read {} yet (waited {} ms, {}); the task runs, and reads once the cluster is there",
                        cluster.describe(), cluster.clusterConnectTimeoutMs(),
                        HazelcastClusterConfig.CLUSTER_CONNECT_TIMEOUT_CONFIG);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A batch of the items' records, and after them the heartbeats due (see {@link Heartbeats}). */
    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> records = poller.poll();
        List<SourceRecord> beats = heartbeats.due(loop.cursors(), System.currentTimeMillis());
        if (beats.isEmpty()) {
            return records;
        }
        if (records == null) {
            return beats;
        }
        List<SourceRecord> all = new ArrayList<>(records.size() + beats.size());
        all.addAll(records);
        all.addAll(beats);
        return all;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (Heartbeats.isHeartbeat(record)) {
            heartbeats.acknowledged();
        } else {
            poller.committed(record, metadata);
        }
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.stop();
        }
        if (queue != null) {
            queue.close();
        }
        if (reader != null) {
            reader.interrupt();
            try {
                reader.join(STOP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (probe != null) {
            probe.shutdownNow();
        }
        if (connection != null) {
            connection.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("Hazelcast source task stopped; {} items skipped", poller == null ? 0 : poller.skipped());
    }
}
