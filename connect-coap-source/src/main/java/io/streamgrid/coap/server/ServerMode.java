package io.streamgrid.coap.server;

import io.streamgrid.coap.CoapSourceConfig;
import io.streamgrid.coap.MessageShape;
import io.streamgrid.coap.RateLimitedLog;
import io.streamgrid.coap.TaskMode;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.common.queue.SourcePoller;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MessageObserver;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A task in server mode: devices POST or PUT to it, each request whose path a statement takes waits in the bounded
 * queue, becomes records in {@code poll}, and is answered 2.04 only once Kafka has every one of them
 * ({@code commitRecord}). A confirmable request gets its empty ACK at once, so the device does not send it again
 * meanwhile; one it sends again all the same within the exchange lifetime is recognised by Californium and not taken
 * twice. A request the task cannot take (the queue full, the task stopping) is answered 5.03 with Max-Age, the time to
 * try again; one no statement takes, 4.04; a path naming another device than the one that authenticated, 4.03.
 */
public final class ServerMode implements TaskMode {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMode.class);
    private static final String OFFSET_KEY = "requests";
    /** The class of 4.xx answers: the device's request or the connector's settings are at fault. */
    private static final int CLIENT_ERROR = 4;
    /** The worker's setting (ConnectorConfig's, in connect-runtime, which plugins do not see). */
    private static final String ERRORS_TOLERANCE = "errors.tolerance";
    private static final long STOP_ANSWERS_MS = 2000;

    private final CoapSourceConfig config;
    private final List<RequestStatement> statements;
    private final Map<RequestStatement, Integer> statementNumbers = new ConcurrentHashMap<>();
    private final HandoffQueue<PendingRequest> queue;
    /** Every request taken and not yet answered: queued, or with records on their way to Kafka. */
    private final Unanswered pending;
    private final long retryAfterSeconds;
    private final Map<String, String> sourcePartition;
    private final AtomicLong sequence = new AtomicLong();
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    private final Map<String, String> loggingContext;
    private final ConnectorMetrics metrics;
    private final SourcePoller<PendingRequest> poller;
    private final CoapServer server;
    /** The devices' PSKs, read again when the file changes; null without a credentials file. */
    private final PskFile keys;
    /**
     * Whether the connector runs with {@code errors.tolerance = all}: the worker then drops a record its converter
     * or producer failed on and calls commitRecord without metadata, as it does for one a transformation dropped.
     */
    private final boolean workerDropsFailedRecords;
    private volatile boolean stopping;

    private ServerMode(Object context, Map<String, String> props, CoapSourceConfig config) {
        this.config = config;
        this.statements = config.statements().stream().map(RequestStatement::compile).toList();
        for (int i = 0; i < statements.size(); i++) {
            statementNumbers.put(statements.get(i), i + 1);
        }
        int task = Integer.parseInt(props.getOrDefault(TaskIds.TASK_ID_CONFIG, "0"));
        this.sourcePartition = Map.of("coap.server", "task-" + task);
        this.queue = config.queue().newQueue(PendingRequest::bytes);
        this.pending = new Unanswered(config.queue().size(), config.queue().maxBytes());
        this.retryAfterSeconds = config.server().retryAfter().toSeconds();
        this.workerDropsFailedRecords = "all".equalsIgnoreCase(props.get(ERRORS_TOLERANCE));
        this.loggingContext = MDC.getCopyOfContextMap();
        this.metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(this::inFlight,
                pending::size, queue::bytes, () -> !stopping));
        this.poller = new SourcePoller<>(queue, config.queue(), config.badMessagePolicy(), config.deadLetterTopic(),
                CoapSourceConfig.BAD_MESSAGE_POLICY_CONFIG, "; the device is answered 5.03", new Requests(), metrics);
        CoapServer built = null;
        try {
            this.keys = config.server().pskFile().isEmpty() ? null : new PskFile(CoapServerConfig.PSK_FILE_CONFIG,
                    Path.of(config.server().pskFile()), metrics::unknownIdentity);
            built = ServerEndpoints.create(config.server(), config.client(), task, new Deliverer(),
                    metrics::unknownIdentity, keys);
            ServerEndpoints.start(built, config.server());
        } catch (RuntimeException e) {
            if (built != null) {
                built.destroy(); // its threads started with it, whatever bound
            }
            metrics.close();
            throw e instanceof IllegalStateException ? new ConnectException("Cannot listen for devices on "
                    + config.server().bindHost() + ": " + e.getMessage(), e) : e;
        }
        this.server = built;
        LOG.info("CoAP source task {} listens for devices on {} for {}", task, built.getEndpoints().stream()
                .map(endpoint -> endpoint.getUri().toString()).toList(), statements);
    }

    /** Starts listening; settings that cannot: ConfigException or ConnectException saying why. */
    public static ServerMode start(Object context, Map<String, String> props, CoapSourceConfig config) {
        return new ServerMode(context, props, config);
    }

    private long inFlight() {
        return poller == null ? 0 : poller.inFlight();
    }

    /** Californium's threads hand each request here: never blocks, never throws. */
    private final class Deliverer implements MessageDeliverer {

        @Override
        public void deliverRequest(Exchange exchange) {
            if (loggingContext != null) {
                MDC.setContextMap(loggingContext);
            }
            Request request = exchange.getRequest();
            if (request.getCode() != Code.POST && request.getCode() != Code.PUT) {
                refuse(exchange, ResponseCode.METHOD_NOT_ALLOWED, "devices POST or PUT their data here", 0);
                return;
            }
            String path = RequestRecords.path(request);
            DeviceIdentity identity = DeviceIdentity.of(request.getSourceContext().getPeerIdentity());
            if (keys != null && identity.isPsk() && !keys.holds(identity.name())) {
                // a session made (or resumed) before the device was taken out of the file still carries requests
                refuse(exchange, ResponseCode.FORBIDDEN, "the PSK identity '" + identity.name() + "' is no longer "
                        + "in the device keys (" + CoapServerConfig.PSK_FILE_CONFIG + ")", 0);
                return;
            }
            long now = System.currentTimeMillis();
            List<PendingRequest.Match> matches = new ArrayList<>(1);
            for (RequestStatement statement : statements) {
                if (!statement.matches(path)) {
                    continue;
                }
                String named = statement.deviceId(path);
                if (identity.authenticated() && named != null && !named.equals(identity.name())) {
                    refuse(exchange, ResponseCode.FORBIDDEN, "the path names device '" + named + "', but you are '"
                            + identity.name() + "'", 0);
                    return;
                }
                String device = identity.authenticated() ? identity.name() : named;
                matches.add(new PendingRequest.Match(statement, RequestRecords.value(request, identity, device, now)));
            }
            if (matches.isEmpty()) {
                refuse(exchange, ResponseCode.NOT_FOUND, "no statement takes /" + path, 0);
                return;
            }
            PendingRequest taken = new PendingRequest(exchange, path, matches, now);
            Unanswered.Full full = stopping ? null : pending.tryAdd(taken);
            if (stopping || full != null) {
                refuse(exchange, ResponseCode.SERVICE_UNAVAILABLE, stopping ? "stopping" : "busy", retryAfterSeconds);
                if (full != null && warnings.allow("full")) {
                    LOG.warn("Answered 5.03 (Max-Age {} s) to {}: {} requests with {} payload bytes wait for Kafka, "
                            + "the most {} allows ({} requests, {} bytes)", retryAfterSeconds, taken.source(),
                            pending.size(), pending.bytes(), full == Unanswered.Full.REQUESTS
                                    ? CoapSourceConfig.QUEUE_SIZE_CONFIG : CoapSourceConfig.QUEUE_MAX_BYTES_CONFIG,
                            config.queue().size(), config.queue().maxBytes());
                }
                return;
            }
            if (!offer(taken)) { // the queue closed: the task stops, and stop() may have answered the request
                if (taken.answer(ResponseCode.SERVICE_UNAVAILABLE, "stopping", retryAfterSeconds)) {
                    metrics.refused();
                }
                return;
            }
            metrics.recordsIn(1);
            exchange.sendAccept(); // an empty ACK now: the 2.04 follows once Kafka has the records
        }

        /** Queues a request {@code pending} took; if the queue refuses it, it leaves {@code pending} again. */
        private boolean offer(PendingRequest taken) {
            try {
                if (queue.offer(taken, Duration.ZERO)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pending.remove(taken);
            return false;
        }

        private void refuse(Exchange exchange, ResponseCode code, String why, long maxAgeSeconds) {
            metrics.refused();
            if (code.codeClass == CLIENT_ERROR && warnings.allow("refused " + code)) { // a device or its settings
                Request request = exchange.getRequest();
                LOG.warn("Answered {} to {} {} /{}: {} (at most one line a code every 10 s; refused-total counts "
                        + "them all)", code, request.getSourceContext().getPeerAddress(), request.getCode(),
                        RequestRecords.path(request), why);
            }
            Response response = new Response(code);
            response.setPayload(why);
            if (maxAgeSeconds > 0) {
                response.getOptions().setMaxAge(maxAgeSeconds);
            }
            exchange.sendResponse(response);
        }

        @Override
        public void deliverResponse(Exchange exchange, Response response) {
            // a server sends no requests of its own
        }
    }

    /** What the shared poller needs of a device's request. */
    private final class Requests implements SourcePoller.Items<PendingRequest> {

        @Override
        public List<SourceRecord> records(PendingRequest request) {
            if (request.isAnswered()) { // 5.03 at stop while it waited in the queue: the device sends it again
                return List.of();
            }
            List<SourceRecord> records = new ArrayList<>();
            for (PendingRequest.Match match : request.matches()) {
                MessageShape.Result shaped = match.statement().shape(match.value(), request.path());
                if (shaped.filtered() > 0) {
                    metrics.filtered(statementNumbers.get(match.statement()), shaped.filtered());
                }
                for (MessageShape.Shaped one : shaped.records()) {
                    records.add(record(request, match, one));
                }
            }
            if (records.isEmpty()) { // WHERE kept it out everywhere: nothing to wait for
                answered(request, request.answer(ResponseCode.CHANGED, null, 0));
            } else {
                request.handedOver(records.size());
            }
            return records;
        }

        private SourceRecord record(PendingRequest request, PendingRequest.Match match, MessageShape.Shaped shaped) {
            String key = shaped.key() != null ? shaped.key() : defaultKey(match, request);
            return new RequestRecord(sourcePartition, Map.of(OFFSET_KEY, sequence.incrementAndGet()),
                    match.statement().topic(request.path(), shaped.message()), RequestRecords.KEY_SCHEMA, key,
                    shaped.value().schema(), shaped.value().value(), request.arrivalMs(), null, request, false);
        }

        private String defaultKey(PendingRequest.Match match, PendingRequest request) {
            String device = match.value().getString("device_id");
            return device != null ? device : request.path();
        }

        @Override
        public String describe(PendingRequest request) {
            return "request of " + request.source() + " to /" + request.path();
        }

        @Override
        public long arrivalMs(PendingRequest request) {
            return request.arrivalMs();
        }

        @Override
        public void skipped(PendingRequest request) {
            metrics.refused();
            answered(request, request.answer(ResponseCode.BAD_REQUEST, "the payload cannot be read", 0));
        }

        @Override
        public SourceRecord deadLetter(PendingRequest request, String topic, ConnectHeaders errorHeaders) {
            PendingRequest.Match first = request.matches().get(0);
            errorHeaders.addString("coap.path", request.path());
            errorHeaders.addString("coap.source", request.source());
            errorHeaders.addString("coap.statement", first.statement().toString());
            request.handedOver(1);
            return new RequestRecord(sourcePartition, Map.of(OFFSET_KEY, sequence.incrementAndGet()), topic,
                    RequestRecords.KEY_SCHEMA, defaultKey(first, request), Schema.OPTIONAL_BYTES_SCHEMA,
                    first.value().getBytes("payload_bytes"), request.arrivalMs(), errorHeaders, request, true);
        }
    }

    private void answered(PendingRequest request, boolean now) {
        if (now) {
            pending.remove(request);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return poller.poll();
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        poller.committed(record, metadata);
        if (!(record instanceof RequestRecord taken)) {
            return;
        }
        PendingRequest request = taken.request();
        if (metadata == null && workerDropsFailedRecords) {
            notStored(request, record);
        } else if (taken.deadLetter()) {
            metrics.refused();
            Header reason = record.headers().lastWithName("streamgrid.error.reason");
            answered(request, request.answer(ResponseCode.BAD_REQUEST, reason == null ? "the payload cannot be read"
                    : String.valueOf(reason.value()), 0));
        } else if (request.committed()) {
            metrics.acknowledged(1);
            pending.remove(request);
        }
    }

    /**
     * The worker dropped one of the request's records (errors.tolerance = all: its converter or producer failed, or a
     * transformation dropped it; commitRecord cannot tell which): Kafka does not have it, so the device is told 5.00
     * and may send the reading again, never 2.04.
     */
    private void notStored(PendingRequest request, SourceRecord record) {
        if (!request.answer(ResponseCode.INTERNAL_SERVER_ERROR, "not stored: the Kafka Connect worker dropped the "
                + "record (errors.tolerance = all)", 0)) {
            return; // the request's answer went with another of its records
        }
        metrics.refused();
        pending.remove(request);
        if (warnings.allow("dropped")) {
            LOG.warn("Answered 5.00 to the request of {} to /{}: the worker dropped its record for topic {} ({} = "
                    + "all: a converter or producer failure, or a transformation; the worker's log says which); filter "
                    + "with WHERE, which answers 2.04", request.source(), request.path(), record.topic(),
                    ERRORS_TOLERANCE);
        }
    }

    /**
     * Counts {@code left} down once an answer is done with: acknowledged by the device when the request was
     * confirmable (the answer is then a confirmable separate response, which Californium would send again), sent when
     * it was not, or failed.
     */
    private static MessageObserver leaving(CountDownLatch left, boolean confirmable) {
        return new MessageObserverAdapter() {
            private final AtomicBoolean done = new AtomicBoolean();

            @Override
            public void onSent(boolean retransmission) {
                if (!confirmable) {
                    finish();
                }
            }

            @Override
            public void onAcknowledgement() {
                finish();
            }

            @Override
            protected void failed() {
                finish();
            }

            private void finish() {
                if (done.compareAndSet(false, true)) {
                    left.countDown();
                }
            }
        };
    }

    /**
     * Answers 5.03 with Max-Age to every request not yet answered (Kafka may still get some of them: at least once),
     * and waits a moment for the devices to acknowledge those answers before the endpoints close.
     */
    @Override
    public void stop() {
        stopping = true;
        queue.close();
        List<PendingRequest> open = pending.drain();
        CountDownLatch left = new CountDownLatch(open.size());
        int told = 0;
        for (PendingRequest request : open) {
            if (request.answer(ResponseCode.SERVICE_UNAVAILABLE, "stopping", retryAfterSeconds, leaving(left, request.confirmable())) != null) {
                told++;
                metrics.refused();
            } else {
                left.countDown();
            }
        }
        try {
            if (!left.await(STOP_ANSWERS_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} of the {} 5.03 answers had not left after {} ms; the devices will try again by themselves",
                        left.getCount(), told, STOP_ANSWERS_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.destroy();
        metrics.close();
        LOG.info("CoAP source task stopped listening; {} requests not yet in Kafka were answered 5.03, {} bad "
                + "requests skipped", told, poller.skipped());
    }
}
