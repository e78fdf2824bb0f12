package io.streamgrid.coap.sink;

import io.streamgrid.coap.CoapClientConfig;
import io.streamgrid.coap.CoapEndpoints;
import io.streamgrid.coap.TaskThreads;
import io.streamgrid.common.Version;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.config.SinkErrorHandler;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.common.projection.RecordView;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.network.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Sends each record to its device, at least once. {@code put} turns every record into a request per statement that
 * takes it (its URI and payload from the record; one that cannot be made is a bad record) and hands the requests to
 * the {@link Dispatcher}, which keeps each device's requests in order and many devices in parallel. A 2.xx answer
 * delivers the record; 4.xx makes it a bad record (the worker's dead-letter queue, or the error policy), never
 * retried; 5.xx and silence are retried with back-off, then the error policy decides: RETRY gives the device's
 * request more rounds, its device alone waiting, and past them sends the record to the dead-letter queue (or fails
 * the task without one); THROW fails the task, NOOP drops the record. The worker is never asked to wait: one device
 * away must not hold up the others. Each outcome goes to Kafka through the {@link OutcomeReporter} when there is
 * one. {@code preCommit} reports, per partition, only offsets below the first record not yet finished.
 * <p>
 * The worker calls the task on one thread, which alone decides about failures (the error handler is not
 * thread-safe); Californium's threads deliver answers into a queue it reads at every {@code put}. While records are
 * open the task asks the worker to call again within {@link #CHECK_INTERVAL_MS}.
 */
public class CoapSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(CoapSinkTask.class);
    /** How soon the worker calls {@code put} again while records are open, so that answers are acted on. */
    static final long CHECK_INTERVAL_MS = 100;

    /** A statement that reads a topic, with its place in the KCQL (for its filtered-total metric). */
    private record Route(DeviceStatement statement, int number) {
    }

    /** A request that ended in a way only the task's thread may act on: rejected, or failed. */
    private record Finished(Delivery delivery, Outcome outcome) {
    }

    /** How soon the reporter is given to send what it holds when the task stops. */
    private static final Duration REPORTER_CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private CoapSinkConfig config;
    private final Map<String, List<Route>> routesByTopic = new HashMap<>();
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final AtomicInteger openRecords = new AtomicInteger();
    /** Bounded by the requests open: each ends once. */
    private final ConcurrentLinkedQueue<Finished> toHandle = new ConcurrentLinkedQueue<>();
    private SinkErrorHandler errors;
    private ConnectorMetrics metrics;
    private Endpoint plain;
    private Endpoint secure;
    private ScheduledThreadPoolExecutor timer;
    private HostResolver hosts;
    private Dispatcher dispatcher;
    private OutcomeReporter reporter;
    /** Whether it paused its partitions; put() and open() set and read it, on the worker's thread. */
    private volatile boolean paused;
    private final AtomicLong skippedTombstones = new AtomicLong();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new CoapSinkConfig(props);
        List<DeviceStatement> statements = config.statements().stream().map(DeviceStatement::compile).toList();
        for (int i = 0; i < statements.size(); i++) {
            routesByTopic.computeIfAbsent(statements.get(i).source(), t -> new ArrayList<>())
                    .add(new Route(statements.get(i), i + 1));
        }
        metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(
                () -> dispatcher == null ? 0 : dispatcher.inFlight(), openRecords::get,
                () -> dispatcher == null ? 0 : dispatcher.queuedBytes(), this::connected));
        errors = new SinkErrorHandler(config.errorPolicy(), context, metrics);
        TaskThreads threads = new TaskThreads(MDC.getCopyOfContextMap());
        try {
            CoapClientConfig client = config.client();
            plain = statements.stream().anyMatch(s -> !s.secure()) ? started(CoapEndpoints.create(client, false,
                    CoapSinkConfig.KCQL_CONFIG, ""), client) : null;
            DeviceStatement firstSecure = statements.stream().filter(DeviceStatement::secure).findFirst().orElse(null);
            secure = firstSecure == null ? null : started(CoapEndpoints.create(client, true,
                    CoapSinkConfig.KCQL_CONFIG, firstSecure.toString()), client);
            timer = new ScheduledThreadPoolExecutor(1, threads.named("sink-timer"));
            timer.setRemoveOnCancelPolicy(true);
            if (config.reports()) {
                String name = props.getOrDefault("name", "coap-sink");
                int task = Integer.parseInt(props.getOrDefault(TaskIds.TASK_ID_CONFIG, "0"));
                reporter = new OutcomeReporter(new KafkaProducer<>(OutcomeReporter.producerConfig(
                        config.reporterBootstrapServers(), name + "-" + task + "-reporter",
                        config.reporterProducerOverrides())), config.resultTopic(), config.errorTopic(), name, task,
                        config.reporterOutageTimeout(), threads.named("sink-reporter"));
            }
            hosts = new HostResolver(InetAddress::getByName, threads.named("sink-dns"), config.dispatch().maxParallel());
            dispatcher = new Dispatcher(config.dispatch(), plain, secure, timer, hosts, this::finished, metrics);
        } catch (RuntimeException e) {
            stop(); // the worker calls stop() only after a start() that returned
            throw e;
        }
        LOG.info("CoAP sink task started: {} statements, {} requests in parallel, order per {}{}", statements.size(),
                config.dispatch().maxParallel(), config.orderBy().name().toLowerCase(Locale.ROOT),
                reporter == null ? ", no reporter" : ", outcomes to " + config.resultTopic() + " / "
                        + config.errorTopic());
    }

    private static Endpoint started(Endpoint endpoint, CoapClientConfig client) {
        try {
            endpoint.start();
            return endpoint;
        } catch (IOException e) {
            endpoint.destroy();
            throw new ConnectException("Cannot open the CoAP client socket on " + client.bindHost() + ":"
                    + client.bindPort() + ": " + e.getMessage(), e);
        }
    }

    /** Its endpoints are open and, with a reporter, Kafka takes the reports. */
    private boolean connected() {
        return (plain == null || plain.isStarted()) && (secure == null || secure.isStarted())
                && (reporter == null || reporter.writing());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (reporter != null) {
            reporter.throwIfFailed();
        }
        handleFinished();
        int taken = 0;
        for (SinkRecord record : records) {
            PartitionProgress partition = progress.computeIfAbsent(
                    new TopicPartition(record.topic(), record.kafkaPartition()), tp -> new PartitionProgress());
            if (!partition.take(record.kafkaOffset())) {
                continue; // redelivered after a retry: already on its way
            }
            taken++;
            accept(record, partition);
        }
        metrics.recordsIn(taken);
        applyBackPressure();
        if (openRecords.get() > 0) {
            context.timeout(CHECK_INTERVAL_MS);
        }
    }

    /** Turns a record into its requests, one per statement that takes it; what it cannot make is a bad record. */
    private void accept(SinkRecord record, PartitionProgress partition) {
        List<Route> routes = routesByTopic.get(record.topic());
        if (routes == null) { // topics.regex took a topic no statement reads
            errors.badRecord(record, new DataException("No KCQL statement reads the topic '" + record.topic()
                    + "' (record " + SinkErrorHandler.describe(record) + "); add a statement FROM it, or leave the "
                    + "topic out of topics.regex"));
            return;
        }
        RecordView view = RecordView.of(record);
        List<Object> made = new ArrayList<>(routes.size()); // a DeviceStatement.Request or the DataException
        List<Route> making = new ArrayList<>(routes.size());
        for (Route route : routes) {
            try {
                if (!route.statement().keeps(view)) {
                    metrics.filtered(route.number(), 1);
                    continue;
                }
                if (route.statement().skips(view)) {
                    skippedTombstones.incrementAndGet();
                    metrics.skipped(1);
                    continue;
                }
                made.add(route.statement().request(view));
            } catch (DataException e) {
                made.add(e);
            }
            making.add(route);
        }
        int reportParts = reporter == null ? 0 : 1;
        int parts = 0;
        for (Object request : made) {
            parts += (request instanceof DataException ? 0 : 1) + reportParts;
        }
        if (parts == 0) {
            for (Object request : made) {
                errors.badRecord(record, (DataException) request);
            }
            return;
        }
        openRecords.incrementAndGet();
        RecordTicket ticket = new RecordTicket(record.kafkaOffset(), parts, openRecords::decrementAndGet);
        partition.add(ticket);
        for (int i = 0; i < made.size(); i++) {
            Route route = making.get(i);
            if (made.get(i) instanceof DataException invalid) {
                errors.badRecord(record, invalid);
                report(record, route.statement(), null, Outcome.invalid(invalid.getMessage()), ticket);
            } else {
                DeviceStatement.Request request = (DeviceStatement.Request) made.get(i);
                dispatcher.submit(new Delivery(record, ticket, route.statement(), route.number(), request,
                        laneOf(request.uri(), config.orderBy())));
            }
        }
    }

    /**
     * The lane a request waits in, which keeps the order of the requests in it: its resource as CoAP names one
     * (scheme, host in lower case, port with CoAP's default filled in, path and query: a gateway's
     * {@code ?id=${_key}} names one device each), or with {@code order.by=address} its device's address alone. Two
     * spellings of one resource are one lane, so their requests never overtake each other.
     */
    static String laneOf(URI uri, CoapSinkConfig.OrderBy orderBy) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() < 0 ? CoAP.getDefaultPort(scheme) : uri.getPort();
        String address = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        if (orderBy == CoapSinkConfig.OrderBy.ADDRESS) {
            return address;
        }
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        return address + (path == null || path.isEmpty() ? "/" : path)
                + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** Called on Californium's or the timer's threads: acts at once where it may, else leaves it to the task. */
    private void finished(Delivery delivery, Outcome outcome) {
        switch (outcome.kind()) {
            case DELIVERED -> {
                metrics.recordsOut(1);
                if (delivery.record().timestamp() != null) {
                    metrics.lag(outcome.completedAtMs() - delivery.record().timestamp());
                }
                report(delivery.record(), delivery.statement(), delivery, outcome, delivery.ticket());
                delivery.ticket().partDone();
                if (LOG.isDebugEnabled()) {
                    LOG.debug("{} {} delivered record {}: {}", delivery.method(), delivery.uri(),
                            SinkErrorHandler.describe(delivery.record()), Outcome.text(outcome.code()));
                }
            }
            case REJECTED -> {
                report(delivery.record(), delivery.statement(), delivery, outcome, delivery.ticket());
                toHandle.add(new Finished(delivery, outcome));
            }
            default -> toHandle.add(new Finished(delivery, outcome));
        }
    }

    private void report(SinkRecord record, DeviceStatement statement, Delivery delivery, Outcome outcome,
                        RecordTicket ticket) {
        if (reporter != null) {
            reporter.report(new OutcomeReporter.Report(record, statement, delivery, outcome, ticket::partDone));
        }
    }

    /**
     * Acts on rejected requests (bad records) and failed ones (the error policy: the dead-letter queue, a drop, or a
     * failed task); may throw as the policy says.
     */
    private void handleFinished() {
        List<Finished> failed = new ArrayList<>();
        for (Finished finished = toHandle.poll(); finished != null; finished = toHandle.poll()) {
            Delivery delivery = finished.delivery();
            if (delivery.attempts().cancelled()) {
                continue;
            }
            if (finished.outcome().kind() == Outcome.Kind.REJECTED) {
                errors.badRecord(delivery.record(), new DataException(finished.outcome().error()));
                delivery.ticket().partDone();
            } else {
                failed.add(finished);
            }
        }
        if (failed.isEmpty()) {
            return;
        }
        if (config.errorPolicy().policy() == ErrorPolicy.RETRY) {
            failed.forEach(this::outOfRounds);
            return;
        }
        Finished first = failed.get(0);
        String what = failed.size() == 1 ? "Sending record " + SinkErrorHandler.describe(first.delivery().record())
                + " to its device" : "Sending " + failed.size() + " records to their devices (the first: "
                + SinkErrorHandler.describe(first.delivery().record()) + ")";
        try {
            errors.writeFailed(what, failed.size(), new ConnectException(first.outcome().error()));
        } catch (ConnectException e) { // THROW: reported, and not finished, so not committed
            failed.forEach(this::reportFailure);
            throw e;
        }
        failed.forEach(this::setAside); // NOOP: dropped, and said so in the error topic
    }

    /**
     * Error policy RETRY, a device's request out of rounds (or never sent: its device's line was full): its record
     * goes to the dead-letter queue and the device's next record goes next; without a dead-letter queue the task
     * fails, saying how to keep the fleet going.
     */
    private void outOfRounds(Finished failed) {
        Delivery delivery = failed.delivery();
        String what = "Sending record " + SinkErrorHandler.describe(delivery.record()) + " to its device failed: "
                + failed.outcome().error() + (failed.outcome().attempts() == 0 ? "" : "; its rounds of retries ("
                + CoapSinkConfig.MAX_RETRIES_CONFIG + " " + config.errorPolicy().maxRetries() + ") are used up");
        if (!errors.hasDeadLetterQueue()) {
            reportFailure(failed);
            throw new ConnectException(what + ". Give the worker a dead-letter queue (errors.tolerance=all, "
                    + "errors.deadletterqueue.topic.name) for such records to go there while the other devices are "
                    + "served, or choose " + CoapSinkConfig.ERROR_POLICY_CONFIG + "=NOOP");
        }
        LOG.warn("{}: sent to the dead-letter queue", what);
        errors.badRecord(delivery.record(), new ConnectException(what));
        setAside(failed);
    }

    /** A failed request is done with: its outcome reported, its lane going on, its record's part finished. */
    private void setAside(Finished failed) {
        reportFailure(failed);
        dispatcher.release(failed.delivery());
        failed.delivery().ticket().partDone();
    }

    private void reportFailure(Finished failed) {
        Delivery delivery = failed.delivery();
        report(delivery.record(), delivery.statement(), delivery, failed.outcome(), delivery.ticket());
    }

    /**
     * Pauses the partitions while too many records, or too many payload bytes, are open, and resumes them once half
     * are finished.
     */
    private void applyBackPressure() {
        int open = openRecords.get();
        long bytes = dispatcher.queuedBytes();
        if (!paused && (open >= config.maxPending() || bytes >= config.maxPendingBytes())) {
            Set<TopicPartition> assigned = context.assignment();
            context.pause(assigned.toArray(TopicPartition[]::new));
            paused = true;
            LOG.debug("{} records, {} bytes open (at most {}, {}): partitions paused", open, bytes,
                    config.maxPending(), config.maxPendingBytes());
        } else if (paused && open <= config.maxPending() / 2 && bytes <= config.maxPendingBytes() / 2) {
            context.resume(context.assignment().toArray(TopicPartition[]::new));
            paused = false;
            LOG.debug("{} records, {} bytes open: partitions resumed", open, bytes);
        }
    }

    /** A partition the rebalance adds while the task holds too much is paused too, or it would bring more. */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (paused && !partitions.isEmpty()) {
            context.pause(partitions.toArray(TopicPartition[]::new));
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        errors.awaitDeadLetters();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> current : currentOffsets.entrySet()) {
            long offset = current.getValue().offset();
            PartitionProgress partition = progress.get(current.getKey());
            OptionalLong lowest = partition == null ? OptionalLong.empty() : partition.lowestOpen();
            if (lowest.isPresent() && lowest.getAsLong() < offset) {
                offset = lowest.getAsLong();
            }
            committable.put(current.getKey(), new OffsetAndMetadata(offset, current.getValue().metadata()));
        }
        return committable;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        if (dispatcher != null) {
            dispatcher.cancel(d -> gone.contains(new TopicPartition(d.record().topic(), d.record().kafkaPartition())));
        }
        for (TopicPartition partition : gone) {
            PartitionProgress left = progress.remove(partition);
            if (left != null) {
                left.abandon();
            }
        }
    }

    @Override
    public void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (plain != null) {
            plain.destroy();
        }
        if (secure != null) {
            secure.destroy();
        }
        if (hosts != null) {
            hosts.close();
        }
        if (reporter != null) {
            reporter.close(REPORTER_CLOSE_TIMEOUT);
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("CoAP sink task stopped; {} records open, {} tombstones skipped, {} records dropped by error policy "
                        + "NOOP, {} sent to the dead-letter queue", openRecords.get(), skippedTombstones.get(),
                errors == null ? 0 : errors.droppedRecords(), errors == null ? 0 : errors.deadLetteredRecords());
    }
}
