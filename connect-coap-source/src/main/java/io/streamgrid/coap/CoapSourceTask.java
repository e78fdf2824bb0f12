package io.streamgrid.coap;

import io.streamgrid.common.Version;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.eclipse.californium.core.network.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Observes, polls or discovers the resources of its statements. Californium's threads put each response, as
 * its record value, in a bounded queue that drops the oldest notification when full (an observed resource's
 * newest state matters most; every drop is counted); {@code poll} projects and hands them over.
 */
public class CoapSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(CoapSourceTask.class);

    private CoapSourceConfig config;
    private HandoffQueue<CoapEvent> queue;
    private Endpoint endpoint;
    private ScheduledExecutorService scheduler;
    private final List<ResourceWatch> watches = new ArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    /** Records handed to the worker that Kafka has not acknowledged yet. */
    private final AtomicLong inFlight = new AtomicLong();
    private ConnectorMetrics metrics;
    private Map<String, String> loggingContext;
    private RuntimeException failureAfterBatch;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new CoapSourceConfig(CoapSourceConfig.ALIASES.resolveAndWarn(props));
        List<CoapStatement> statements = config.statements().stream().map(CoapStatement::compile).toList();
        queue = new HandoffQueue<>(config.queueSize(), CoapSourceTask::payloadBytes);
        loggingContext = MDC.getCopyOfContextMap();
        metrics = ConnectorMetrics.register(context, props,
                new ConnectorMetrics.Gauges(inFlight::get, queue::size, queue::bytes,
                        () -> endpoint != null && endpoint.isStarted()));
        endpoint = CoapEndpoints.create(config);
        try {
            endpoint.start();
        } catch (IOException e) {
            metrics.close();
            throw new ConnectException("Cannot open the CoAP client socket on " + config.bindHost() + ":"
                    + config.bindPort() + ": " + e.getMessage(), e);
        }
        TaskThreads threads = new TaskThreads(loggingContext);
        scheduler = Executors.newScheduledThreadPool(2, threads.named("scheduler"));
        ResourceWatch.Context context = new ResourceWatch.Context(endpoint, this::enqueue, scheduler,
                config.silenceTimeout(), config.requestTimeout(), warnings, metrics::retry, threads);
        CoapUri server = config.server();
        for (CoapStatement statement : statements) {
            ResourceWatch watch = switch (statement.mode()) {
                case OBSERVE -> new ObservedResource(context, statement, server.resource(statement.resource()));
                case POLL -> new PolledResource(context, statement, server.resource(statement.resource()),
                        statement.interval());
                case DISCOVER -> new DiscoveredResources(context, statement, server);
            };
            watches.add(watch);
            watch.start();
        }
        LOG.info("CoAP source task started on {} for {}", server.base(), statements);
    }

    private static long payloadBytes(CoapEvent event) {
        byte[] payload = event.value().getBytes("payload_bytes");
        return payload == null ? 0 : payload.length;
    }

    /** Runs on Californium's threads: never blocks, never throws. */
    private void enqueue(CoapEvent event) {
        if (loggingContext != null) {
            MDC.setContextMap(loggingContext);
        }
        Optional<CoapEvent> oldest = queue.offerDroppingOldest(event);
        metrics.recordsIn(1);
        if (oldest.isPresent()) {
            dropped.incrementAndGet();
            metrics.dropped(1);
            long since = droppedSinceLog.incrementAndGet();
            if (warnings.allow("queue full")) {
                droppedSinceLog.addAndGet(-since);
                LOG.warn("The queue of {} responses is full (Kafka is slower than the devices): dropped {} older "
                        + "notifications for newer ones since the last warning, {} in all", config.queueSize(), since,
                        dropped.get());
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (failureAfterBatch != null) {
            RuntimeException failure = failureAfterBatch;
            failureAfterBatch = null;
            throw failure;
        }
        List<CoapEvent> batch = queue.poll(config.batchSize(), config.pollWait());
        if (!batch.isEmpty()) {
            metrics.batch(System.currentTimeMillis() - batch.get(0).value().getInt64("ingest_time"));
        }
        List<SourceRecord> records = new ArrayList<>(batch.size());
        for (CoapEvent event : batch) {
            try {
                records.add(record(event));
            } catch (DataException e) {
                String what = "response of " + event.resource() + " for " + event.statement();
                if (config.skipBadMessages()) {
                    skipped.incrementAndGet();
                    metrics.skipped(1);
                    LOG.warn("Skipping the {}: {} ({}=SKIP)", what, e.getMessage(), CoapSourceConfig.BAD_MESSAGE_POLICY_CONFIG);
                    continue;
                }
                ConnectException failure = new ConnectException("Cannot turn the " + what + " into a record: "
                        + e.getMessage() + " (" + CoapSourceConfig.BAD_MESSAGE_POLICY_CONFIG + "=FAIL)", e);
                if (records.isEmpty()) {
                    throw failure;
                }
                failureAfterBatch = failure;
                break;
            }
        }
        inFlight.addAndGet(records.size());
        return records.isEmpty() ? null : records;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        inFlight.decrementAndGet();
        if (metadata != null) { // null: a transform dropped the record
            metrics.recordsOut(1);
            metrics.lag(System.currentTimeMillis() - record.timestamp());
        }
    }

    private SourceRecord record(CoapEvent event) {
        String path = event.resource().path();
        SchemaAndValue value = event.statement().value(event.value(), path);
        return new SourceRecord(Map.of("uri", event.resource().base(), "resource", path),
                Map.of("sequence", event.sequence()), event.statement().target(), null, CoapRecords.KEY_SCHEMA,
                CoapRecords.key(event.value().getString("source"), path), value.schema(), value.value(),
                event.value().getInt64("ingest_time"));
    }

    @Override
    public void stop() {
        watches.forEach(ResourceWatch::stop);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (endpoint != null) {
            endpoint.destroy();
        }
        if (queue != null) {
            queue.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("CoAP source task stopped; {} notifications dropped for newer ones, {} responses skipped",
                dropped.get(), skipped.get());
    }

    long droppedNotifications() {
        return dropped.get();
    }

    long skippedResponses() {
        return skipped.get();
    }
}
