package io.streamgrid.coap;

import io.streamgrid.common.Version;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.common.queue.SourcePoller;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
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
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    private ConnectorMetrics metrics;
    /** Each statement's place in the task's KCQL, from 1: the statement tag of its filtered-total metric. */
    private final java.util.Map<CoapStatement, Integer> statementNumbers = new java.util.IdentityHashMap<>();
    private SourcePoller<CoapEvent> poller;
    private Map<String, String> loggingContext;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new CoapSourceConfig(CoapSourceConfig.ALIASES.resolveAndWarn(props));
        List<CoapStatement> statements = config.statements().stream().map(CoapStatement::compile).toList();
        for (int i = 0; i < statements.size(); i++) {
            statementNumbers.put(statements.get(i), i + 1);
        }
        queue = config.queue().newQueue(CoapSourceTask::payloadBytes);
        loggingContext = MDC.getCopyOfContextMap();
        metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(() -> poller.inFlight(),
                queue::size, queue::bytes, () -> endpoint != null && endpoint.isStarted()));
        poller = new SourcePoller<>(queue, config.queue(), config.badMessagePolicy(), config.deadLetterTopic(),
                CoapSourceConfig.BAD_MESSAGE_POLICY_CONFIG, "", new Responses(), metrics);
        endpoint = CoapEndpoints.create(config.client(), config.server().secure(), CoapSourceConfig.URI_CONFIG,
                config.server().base());
        try {
            endpoint.start();
        } catch (IOException e) {
            metrics.close();
            throw new ConnectException("Cannot open the CoAP client socket on " + config.client().bindHost() + ":"
                    + config.client().bindPort() + ": " + e.getMessage(), e);
        }
        try {
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
        } catch (RuntimeException e) {
            stop(); // the worker calls stop() only after a start() that returned
            throw e;
        }
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
        int oldest = queue.offerDroppingOldest(event).size();
        metrics.recordsIn(1);
        if (oldest > 0) {
            dropped.addAndGet(oldest);
            metrics.dropped(oldest);
            long since = droppedSinceLog.addAndGet(oldest);
            if (warnings.allow("queue full")) {
                droppedSinceLog.addAndGet(-since);
                LOG.warn("The queue of responses is full ({} responses, {} bytes at most; Kafka is slower than the "
                        + "devices): dropped {} older notifications for newer ones since the last warning, {} in all",
                        config.queue().size(), config.queue().maxBytes(), since, dropped.get());
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return poller.poll();
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        poller.committed(record, metadata);
    }

    /** What the shared poller needs of a CoAP response. */
    private final class Responses implements SourcePoller.Items<CoapEvent> {
        @Override
        public List<SourceRecord> records(CoapEvent event) {
            if (!event.statement().keeps(event.value(), event.resource().path())) {
                metrics.filtered(statementNumbers.get(event.statement()), 1);
                return List.of();
            }
            return List.of(record(event));
        }

        @Override
        public String describe(CoapEvent event) {
            return "response of " + event.resource() + " for " + event.statement();
        }

        @Override
        public long arrivalMs(CoapEvent event) {
            return event.value().getInt64("ingest_time");
        }

        @Override
        public SourceRecord deadLetter(CoapEvent event, String topic, ConnectHeaders errorHeaders) {
            errorHeaders.addString("coap.resource", event.resource().toString());
            errorHeaders.addString("coap.code", event.value().getString("code"));
            errorHeaders.addString("coap.statement", event.statement().toString());
            String path = event.resource().path();
            return new SourceRecord(Map.of("uri", event.resource().base(), "resource", path),
                    Map.of("sequence", event.sequence()), topic, null, CoapRecords.KEY_SCHEMA,
                    CoapRecords.key(event.value().getString("source"), path), Schema.OPTIONAL_BYTES_SCHEMA,
                    event.value().getBytes("payload_bytes"), event.value().getInt64("ingest_time"), errorHeaders);
        }
    }

    private SourceRecord record(CoapEvent event) {
        String path = event.resource().path();
        SchemaAndValue value = event.statement().value(event.value(), path);
        return new SourceRecord(Map.of("uri", event.resource().base(), "resource", path),
                Map.of("sequence", event.sequence()), event.statement().topicFor(event.resource()), null, CoapRecords.KEY_SCHEMA,
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
                dropped.get(), poller == null ? 0 : poller.skipped());
    }

    long droppedNotifications() {
        return dropped.get();
    }

    long skippedResponses() {
        return poller.skipped();
    }
}
