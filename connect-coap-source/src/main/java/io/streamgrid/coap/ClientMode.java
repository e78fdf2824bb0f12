package io.streamgrid.coap;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.common.queue.SourcePoller;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A task in client mode: observes, polls or discovers the resources of its share of the servers
 * ({@link TaskUnits}). All of them go through one endpoint per scheme and a small shared scheduler, so the number of
 * resources costs memory, not threads. Californium's threads put each response, as its record value, in a bounded
 * queue that drops the oldest notification when full (an observed resource's newest state matters most; every drop
 * is counted); {@code poll} shapes and hands them over.
 */
final class ClientMode implements TaskMode {

    private static final Logger LOG = LoggerFactory.getLogger(ClientMode.class);
    /** The scheduler's threads: enough for the watches' steps, which never block. */
    static final int SCHEDULER_THREADS = 2;

    private final CoapSourceConfig config;
    private final HandoffQueue<CoapEvent> queue;
    private final List<ResourceWatch> watches = new ArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    /** Each statement's place in the task's KCQL, from 1: the statement tag of its filtered-total metric. */
    private final Map<CoapStatement, Integer> statementNumbers = new IdentityHashMap<>();
    private final Map<String, String> loggingContext;
    private final ConnectorMetrics metrics;
    private final SourcePoller<CoapEvent> poller;
    private volatile ClientEndpoints endpoints;
    private ScheduledThreadPoolExecutor scheduler;
    private Silences silences;

    ClientMode(Object context, Map<String, String> props, CoapSourceConfig config) {
        this.config = config;
        List<CoapStatement> statements = config.statements().stream().map(CoapStatement::compile).toList();
        for (int i = 0; i < statements.size(); i++) {
            statementNumbers.put(statements.get(i), i + 1);
        }
        TaskUnits units = TaskUnits.of(props, statements, config.servers());
        queue = config.queue().newQueue(ClientMode::payloadBytes);
        loggingContext = MDC.getCopyOfContextMap();
        metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(this::inFlight,
                queue::size, queue::bytes, () -> endpoints != null && endpoints.started()));
        poller = new SourcePoller<>(queue, config.queue(), config.badMessagePolicy(), config.deadLetterTopic(),
                CoapSourceConfig.BAD_MESSAGE_POLICY_CONFIG, "", new Responses(), metrics);
        try {
            endpoints = ClientEndpoints.open(config.client(), units.readsPlain(), units.readsSecure(),
                    CoapSourceConfig.URI_CONFIG, units.firstSecure());
        } catch (IOException e) {
            metrics.close();
            throw new ConnectException("Cannot open the CoAP client socket on " + config.client().bindHost() + ":"
                    + config.client().bindPort() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        try {
            TaskThreads threads = new TaskThreads(loggingContext);
            scheduler = new ScheduledThreadPoolExecutor(SCHEDULER_THREADS, threads.named("scheduler"));
            scheduler.setRemoveOnCancelPolicy(true);
            silences = new Silences(scheduler, config.silenceTimeout(), warnings);
            ResourceWatch.Context watchContext = new ResourceWatch.Context(endpoints, this::enqueue, scheduler,
                    config.silenceTimeout(), config.requestTimeout(), warnings, metrics::retry, silences);
            for (TaskUnits.Unit unit : units.units()) {
                CoapStatement statement = unit.statement();
                ResourceWatch watch = switch (statement.mode()) {
                    case OBSERVE -> new ObservedResource(watchContext, statement,
                            unit.server().resource(statement.resource()));
                    case POLL -> new PolledResource(watchContext, statement,
                            unit.server().resource(statement.resource()), statement.interval());
                    case DISCOVER -> statement.directory() != null
                            ? DiscoveredResources.directory(watchContext, statement, statement.directory(),
                                    units::owns)
                            : DiscoveredResources.wellKnownCore(watchContext, statement, unit.server());
                };
                watches.add(watch);
                watch.start();
            }
            LOG.info("CoAP source task started: {} watches on {} servers, {} statements", watches.size(),
                    units.serverCount(), statements.size());
        } catch (RuntimeException e) {
            stop(); // the worker calls stop() only after a start() that returned
            throw e;
        }
    }

    private long inFlight() {
        return poller == null ? 0 : poller.inFlight();
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
            String path = event.resource().path();
            MessageShape.Result shaped = event.statement().shape(event.value(), path);
            if (shaped.filtered() > 0) {
                metrics.filtered(statementNumbers.get(event.statement()), shaped.filtered());
            }
            List<SourceRecord> records = new ArrayList<>(shaped.records().size());
            for (MessageShape.Shaped one : shaped.records()) {
                boolean keyed = one.key() != null;
                records.add(new SourceRecord(partition(event), Map.of("sequence", event.sequence()),
                        event.statement().topicFor(event.resource()), null,
                        keyed ? Schema.STRING_SCHEMA : CoapRecords.KEY_SCHEMA,
                        keyed ? one.key() : CoapRecords.key(event.value().getString("source"), path),
                        one.value().schema(), one.value().value(), event.value().getInt64("ingest_time")));
            }
            return records;
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
            Struct value = event.value();
            return new SourceRecord(partition(event), Map.of("sequence", event.sequence()), topic, null,
                    CoapRecords.KEY_SCHEMA, CoapRecords.key(value.getString("source"), event.resource().path()),
                    Schema.OPTIONAL_BYTES_SCHEMA, value.getBytes("payload_bytes"), value.getInt64("ingest_time"),
                    errorHeaders);
        }

        private Map<String, String> partition(CoapEvent event) {
            return Map.of("uri", event.resource().base(), "resource", event.resource().path());
        }
    }

    @Override
    public void stop() {
        watches.forEach(ResourceWatch::stop);
        if (silences != null) {
            silences.stop();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (endpoints != null) {
            endpoints.destroy();
        }
        queue.close();
        metrics.close();
        LOG.info("CoAP source task stopped; {} notifications dropped for newer ones, {} responses skipped",
                dropped.get(), poller.skipped());
    }

    long droppedNotifications() {
        return dropped.get();
    }

    long skippedResponses() {
        return poller.skipped();
    }
}
