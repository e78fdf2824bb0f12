package io.streamgrid.common.metrics;

import static io.streamgrid.common.metrics.StreamGridMetric.ACKNOWLEDGED_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.BATCHES_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.BATCH_LATENCY_AVG;
import static io.streamgrid.common.metrics.StreamGridMetric.BATCH_LATENCY_MAX;
import static io.streamgrid.common.metrics.StreamGridMetric.CONNECTED;
import static io.streamgrid.common.metrics.StreamGridMetric.DEAD_LETTERED_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.DROPPED_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.END_TO_END_LAG_AVG;
import static io.streamgrid.common.metrics.StreamGridMetric.END_TO_END_LAG_MAX;
import static io.streamgrid.common.metrics.StreamGridMetric.FILTERED_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.FAILED_BATCHES_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.IN_FLIGHT_BATCHES;
import static io.streamgrid.common.metrics.StreamGridMetric.LOST_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.OPEN_STRUCTURES;
import static io.streamgrid.common.metrics.StreamGridMetric.QUEUED_BYTES;
import static io.streamgrid.common.metrics.StreamGridMetric.QUEUED_RECORDS;
import static io.streamgrid.common.metrics.StreamGridMetric.RECORDS_IN_RATE;
import static io.streamgrid.common.metrics.StreamGridMetric.RECORDS_IN_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.RECORDS_OUT_RATE;
import static io.streamgrid.common.metrics.StreamGridMetric.RECORDS_OUT_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.RETRIES_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.SEQUENCE_LAG;
import static io.streamgrid.common.metrics.StreamGridMetric.SKIPPED_TOTAL;
import static io.streamgrid.common.metrics.StreamGridMetric.STALE_TOTAL;

import io.streamgrid.common.compat.WorkerFeatures;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one task, the same set in every connector ({@link StreamGridMetric}). Counting is
 * thread-safe: sources count on their client threads as well as in {@code poll()}.
 */
public final class ConnectorMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorMetrics.class);
    private static final AtomicInteger UNNAMED = new AtomicInteger();
    /** Numbers task instances, so a restarted task's sensors never meet its predecessor's. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /**
     * What the task can report at any moment; each may be read on any thread.
     *
     * @param openStructures the Hazelcast structures a sink task has open (sources: none)
     */
    public record Gauges(LongSupplier inFlight, LongSupplier queuedRecords, LongSupplier queuedBytes,
                         BooleanSupplier connected, LongSupplier openStructures) {

        /** A task that opens no structures (the sources). */
        public Gauges(LongSupplier inFlight, LongSupplier queuedRecords, LongSupplier queuedBytes,
                      BooleanSupplier connected) {
            this(inFlight, queuedRecords, queuedBytes, connected, () -> 0);
        }
    }

    private final MetricsRegistry registry;
    private final Sensor recordsIn;
    private final Sensor recordsOut;
    private final Sensor batches;
    private final Sensor batchLatency;
    private final Sensor retries;
    private final Sensor failedBatches;
    private final Sensor deadLettered;
    private final Sensor dropped;
    private final Sensor skipped;
    private final Sensor stale;
    private final Sensor filtered;
    private final Sensor sparkplugUnresolved;
    private final Sensor sparkplugGaps;
    private final String sensorPrefix;
    private final Map<Integer, Sensor> filteredByStatement = new ConcurrentHashMap<>();
    private final Sensor acknowledged;
    private final Sensor refused;
    private final Sensor unknownIdentities;
    private final Sensor lag;
    private final Sensor lost;
    /** Each structure's sequence lag (Hazelcast source); the task's gauge is their sum. */
    private final Map<String, LongSupplier> sequenceLags = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ConnectorMetrics(MetricsRegistry registry, String sensorPrefix, Gauges gauges) {
        this.registry = registry;
        recordsIn = total(sensorPrefix, RECORDS_IN_TOTAL);
        recordsIn.add(name(RECORDS_IN_RATE), new Rate(TimeUnit.SECONDS));
        recordsOut = total(sensorPrefix, RECORDS_OUT_TOTAL);
        recordsOut.add(name(RECORDS_OUT_RATE), new Rate(TimeUnit.SECONDS));
        batches = total(sensorPrefix, BATCHES_TOTAL);
        batchLatency = registry.sensor(sensorPrefix + "batch-latency");
        batchLatency.add(name(BATCH_LATENCY_AVG), new Avg());
        batchLatency.add(name(BATCH_LATENCY_MAX), new Max());
        retries = total(sensorPrefix, RETRIES_TOTAL);
        failedBatches = total(sensorPrefix, FAILED_BATCHES_TOTAL);
        deadLettered = total(sensorPrefix, DEAD_LETTERED_TOTAL);
        dropped = total(sensorPrefix, DROPPED_TOTAL);
        skipped = total(sensorPrefix, SKIPPED_TOTAL);
        stale = total(sensorPrefix, STALE_TOTAL);
        filtered = total(sensorPrefix, FILTERED_TOTAL);
        sparkplugUnresolved = total(sensorPrefix, StreamGridMetric.SPARKPLUG_UNRESOLVED_ALIASES_TOTAL);
        sparkplugGaps = total(sensorPrefix, StreamGridMetric.SPARKPLUG_SEQ_GAPS_TOTAL);
        this.sensorPrefix = sensorPrefix;
        acknowledged = total(sensorPrefix, ACKNOWLEDGED_TOTAL);
        refused = total(sensorPrefix, StreamGridMetric.REFUSED_TOTAL);
        unknownIdentities = total(sensorPrefix, StreamGridMetric.UNKNOWN_IDENTITIES_TOTAL);
        lag = registry.sensor(sensorPrefix + "end-to-end-lag");
        lag.add(name(END_TO_END_LAG_AVG), new Avg());
        lag.add(name(END_TO_END_LAG_MAX), new Max());
        lost = total(sensorPrefix, LOST_TOTAL);
        gauge(SEQUENCE_LAG, () -> sequenceLags.values().stream().mapToLong(LongSupplier::getAsLong).sum());
        gauge(IN_FLIGHT_BATCHES, gauges.inFlight());
        gauge(QUEUED_RECORDS, gauges.queuedRecords());
        gauge(QUEUED_BYTES, gauges.queuedBytes());
        gauge(CONNECTED, () -> gauges.connected().getAsBoolean() ? 1 : 0);
        gauge(OPEN_STRUCTURES, gauges.openStructures());
    }

    /**
     * Registers a task's metrics where the worker wants them (see {@link WorkerFeatures#metricsFor}).
     *
     * @param context   the task's context (null in tests without a worker)
     * @param taskProps the task's config: its connector name ({@code name}) and {@link TaskIds#TASK_ID_CONFIG}
     */
    public static ConnectorMetrics register(Object context, Map<String, String> taskProps, Gauges gauges) {
        String connector = taskProps.getOrDefault("name", "unnamed-" + UNNAMED.incrementAndGet());
        String task = taskProps.getOrDefault(TaskIds.TASK_ID_CONFIG, "0");
        String sensors = "streamgrid:" + connector + ":" + task + ":" + INSTANCES.incrementAndGet() + ":";
        MetricsRegistry registry = WorkerFeatures.metricsFor(context, connector, task);
        try {
            ConnectorMetrics metrics = new ConnectorMetrics(registry, sensors, gauges);
            LOG.info("Task {} of connector {} reports its metrics in {}", task, connector, registry.describe());
            return metrics;
        } catch (IllegalArgumentException e) {
            // the task's previous instance, restarted, has not yet given its metrics back (it is still stopping):
            // the task runs all the same, with metrics nobody sees until its next start
            LOG.warn("Task {} of connector {} cannot register its metrics ({}); it runs without them until its next "
                    + "start", task, connector, e.getMessage());
            return new ConnectorMetrics(new DetachedMetricsRegistry(), sensors, gauges);
        }
    }

    private Sensor total(String sensorPrefix, StreamGridMetric metric) {
        Sensor sensor = registry.sensor(sensorPrefix + metric.metricName());
        sensor.add(name(metric), new CumulativeSum());
        return sensor;
    }

    private void gauge(StreamGridMetric metric, LongSupplier value) {
        registry.gauge(name(metric), (Gauge<Long>) (MetricConfig config, long now) -> value.getAsLong());
    }

    private org.apache.kafka.common.MetricName name(StreamGridMetric metric) {
        return registry.name(metric.metricName(), metric.description());
    }

    public void recordsIn(long count) {
        recordsIn.record(count);
    }

    public void recordsOut(long count) {
        recordsOut.record(count);
    }

    /** A batch was handed on and took {@code latencyMs}. */
    public void batch(long latencyMs) {
        batches.record(1);
        batchLatency.record(latencyMs);
    }

    public void retry() {
        retries.record(1);
    }

    public void failedBatch() {
        failedBatches.record(1);
    }

    public void deadLettered(long count) {
        deadLettered.record(count);
    }

    public void dropped(long count) {
        dropped.record(count);
    }

    public void skipped(long count) {
        skipped.record(count);
    }

    /**
     * Records the WHERE of statement {@code statement} (its place in the KCQL, from 1) kept out: counted for the
     * task and for the statement (an MBean with the extra tag {@code statement=<n>}).
     */
    public void filtered(int statement, long count) {
        filtered.record(count);
        filteredByStatement.computeIfAbsent(statement, n -> {
            Sensor sensor = registry.sensor(sensorPrefix + "statement-" + n + "-" + FILTERED_TOTAL.metricName());
            try {
                sensor.add(registry.name(FILTERED_TOTAL.metricName(), FILTERED_TOTAL.description(),
                        java.util.Map.of("statement", String.valueOf(n))), new CumulativeSum());
            } catch (IllegalArgumentException e) { // the name is still taken by the task's previous instance
                LOG.warn("Statement {}'s filtered-total cannot be registered ({}); the task's total still counts",
                        n, e.getMessage());
            }
            return sensor;
        }).record(count);
    }

    public void sparkplugUnresolvedAlias() {
        sparkplugUnresolved.record(1);
    }

    public void sparkplugSequenceGap() {
        sparkplugGaps.record(1);
    }

    /** Records a version guard kept from overwriting newer stored values. */
    public void stale(long count) {
        stale.record(count);
    }

    public void acknowledged(long count) {
        acknowledged.record(count);
    }

    /** A device request answered without its data going to Kafka (CoAP source, server mode). */
    public void refused() {
        refused.record(1);
    }

    /** A DTLS handshake refused for an identity the task does not know (CoAP source, server mode). */
    public void unknownIdentity() {
        unknownIdentities.record(1);
    }

    /** One record's end-to-end lag; negative values (clocks apart) count as 0. */
    public void lag(long millis) {
        lag.record(Math.max(0, millis));
    }

    /** Items a Hazelcast source task never read: its structure had overwritten them (a gap). */
    public void lost(long count) {
        lost.record(count);
    }

    /**
     * Reports a structure's sequence lag, as a gauge with the extra tag {@code structure=<name>}, and counts it in the
     * task's sequence-lag; a structure reported twice keeps the first supplier.
     */
    public void sequenceLag(String structure, LongSupplier lag) {
        if (sequenceLags.putIfAbsent(structure, lag) != null) {
            return;
        }
        try {
            registry.gauge(registry.name(SEQUENCE_LAG.metricName(), SEQUENCE_LAG.description(),
                    Map.of("structure", structure)), (Gauge<Long>) (MetricConfig config, long now) -> lag.getAsLong());
        } catch (IllegalArgumentException e) { // the name is still taken by the task's previous instance
            LOG.warn("The sequence-lag of structure '{}' cannot be registered ({}); the task's sum still counts it",
                    structure, e.getMessage());
        }
    }

    /** Removes the metrics (on old workers; newer ones remove plugin metrics themselves); idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registry.close();
        }
    }
}
