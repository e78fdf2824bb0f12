package io.streamgrid.mqtt.sink;

import io.streamgrid.common.Version;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.config.SinkErrorHandler;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.mqtt.connection.MqttConnectionConfig;
import io.streamgrid.mqtt.sink.Outbox.Pending;
import io.streamgrid.mqtt.transport.MqttTransport;
import io.streamgrid.mqtt.transport.MqttTransport.Outgoing;
import io.streamgrid.mqtt.transport.TransportException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Publishes records to MQTT, at least once. {@code put} turns each record into one message per statement reading its
 * topic and hands them to the {@link Outbox}, which publishes them in order on one connection with at most a window
 * of them unacknowledged; {@code preCommit} reports, per partition, only offsets below the first record whose
 * messages the broker has not all acknowledged. A lost connection is waited out (the client reconnects by itself;
 * what was in flight is published again), bounded by the outage timeout under the error policy RETRY. Bad records
 * (a topic or payload the record cannot give, a message the broker refuses) go to the dead-letter queue or the error
 * policy, named by topic, partition and offset.
 * <p>
 * The worker calls the task on one thread; besides it only the MQTT client's threads run (answers of the broker, a
 * lost or restored connection), and they only touch the outbox, the metrics and thread-safe queues.
 */
public class MqttSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSinkTask.class);
    private static final Duration OUTAGE_RETRY_INTERVAL = Duration.ofSeconds(1);
    /** How long put() waits at a time for room before it looks at the connection again. */
    private static final long ROOM_WAIT_SLICE_MS = 200;
    /** How long preCommit waits for what is on its way, so a stopping task commits what it sent. */
    private static final long FLUSH_WAIT_MS = 1_000;
    /** More than a PUBLISH packet's fixed header, topic length and packet id take. */
    private static final long SMALL_PACKET_OVERHEAD = 16;
    /** The Receive Maximum a publishing client tells the broker: it subscribes to nothing. */
    private static final int NOTHING_TO_RECEIVE = 65_535;

    private MqttSinkConfig config;
    private volatile boolean mqtt5;
    private volatile long maxPacketSize;
    private final Map<String, List<SinkStatement>> statementsByTopic = new HashMap<>();
    private MqttTransport transport;
    private Outbox outbox;
    private SinkErrorHandler errors;
    private ConnectorMetrics metrics;
    private Map<String, String> loggingContext;
    private volatile boolean connected;
    private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();
    /** The partition of the previous record: a put() brings long runs of one partition. */
    private PartitionProgress current;
    /** Messages refused on the client's threads, for the task's thread to report (errant record reporter, policy). */
    private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final AtomicLong skippedTombstones = new AtomicLong();
    /** Messages the broker acknowledged (QoS 0: written), and those of QoS 1 and 2, counted on the client's thread. */
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong acknowledgedQos12 = new AtomicLong();
    /** What of them the metrics have: the task's thread hands the rest on, in one call, at each put and commit. */
    private long acknowledgedInMetrics;
    private long acknowledgedQos12InMetrics;
    private boolean warnedAboutPropertyHeaders;
    /**
     * A failure found in preCommit, thrown at the next put: the worker only logs what preCommit throws and goes on
     * (its record, never settled, holds the partition's offset back for good).
     */
    private ConnectException deferredFailure;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MqttSinkConfig(MqttSinkConfig.ALIASES.resolveAndWarn(props));
        mqtt5 = config.connection().mqtt5();
        List<KcqlStatement> statements = config.statements();
        for (int number = 1; number <= statements.size(); number++) {
            SinkStatement statement = SinkStatement.compile(statements.get(number - 1), number, config.defaultQos(),
                    config.defaultRetain());
            if (!mqtt5 && statement.setsMqtt5Properties()) {
                throw new ConfigException(MqttSinkConfig.KCQL_CONFIG, statement.toString(), mqtt5PropertiesProblem());
            }
            statementsByTopic.computeIfAbsent(statement.source(), t -> new ArrayList<>()).add(statement);
        }
        loggingContext = MDC.getCopyOfContextMap();
        outbox = new Outbox(new Events());
        metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(outbox::inFlight,
                outbox::waiting, outbox::waitingBytes, () -> connected));
        errors = new SinkErrorHandler(config.errorPolicy(), context, metrics);
        String clientId = config.clientId();
        transport = MqttTransport.create(mqtt5, config.connection().settings(clientId, true, NOTHING_TO_RECEIVE, 0,
                config.maxInFlight()));
        try {
            transport.connect(new Listener(), config.connection().connectWaitMs());
        } catch (TransportException e) {
            transport.close();
            metrics.close();
            throw config.connection().connectFailure(clientId, e);
        } catch (RuntimeException e) {
            transport.close(); // the worker calls stop() only after a start() that returned
            metrics.close();
            throw e;
        }
        connected = true;
        maxPacketSize = packetLimit();
        outbox.open(transport, window());
        LOG.info("MQTT sink task started as client '{}' on {} (MQTT {}), {} statements, up to {} messages in flight",
                clientId, config.connection().hosts(), mqtt5 ? "5" : "3.1.1", statements.size(), window());
    }

    /** Why a statement with MQTT 5 properties cannot run on 3.1.1; shared with the connector's validate. */
    static String mqtt5PropertiesProblem() {
        return "PROPERTIES " + String.join(", ", SinkStatement.MQTT5_PROPERTIES) + " are MQTT 5 properties; set "
                + MqttConnectionConfig.VERSION_CONFIG + "=5, or leave them out";
    }

    /**
     * The largest packet the broker takes: the setting, and with MQTT 5 at most the Maximum Packet Size the broker
     * gave when the client connected last (a broker may come back from a restart or a failover with another).
     */
    private long packetLimit() {
        return Math.min(config.maxPacketSize(), transport.limits().maximumPacketSize());
    }

    /** Messages in flight at once: the setting, and with MQTT 5 at most what the broker takes (Receive Maximum). */
    private int window() {
        return mqtt5 ? Math.min(config.maxInFlight(), transport.limits().receiveMaximum()) : config.maxInFlight();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (deferredFailure != null) {
            throw deferredFailure;
        }
        errors.throwIfRetryNotDue();
        settleRefusals();
        SendBatch batch = new SendBatch();
        int taken = 0;
        try {
            for (SinkRecord record : records) {
                PartitionProgress progress = partitionOf(record);
                if (record.kafkaOffset() <= progress.highestTaken) {
                    continue; // handed back after a retry: already on its way
                }
                progress.highestTaken = record.kafkaOffset();
                taken++;
                route(record, progress, batch);
            }
        } finally {
            long batchMs = batch.allAdded();
            if (batchMs >= 0) {
                metrics.batch(batchMs);
            }
        }
        metrics.recordsIn(taken);
        outbox.send();
        awaitRoom();
        countAcknowledged();
        partitions.values().forEach(PartitionProgress::firstUndone); // forgets the records that are done
    }

    private PartitionProgress partitionOf(SinkRecord record) {
        if (current == null || !current.is(record.topic(), record.kafkaPartition())) {
            current = partitions.computeIfAbsent(new TopicPartition(record.topic(), record.kafkaPartition()),
                    PartitionProgress::new);
        }
        return current;
    }

    /** Makes the record's messages, one per statement that keeps it; a record that cannot give one is a bad record. */
    private void route(SinkRecord record, PartitionProgress progress, SendBatch batch) {
        List<SinkStatement> statements = statementsByTopic.get(record.topic());
        if (statements == null) {
            errors.badRecord(record, new DataException("no KCQL statement reads topic '" + record.topic() + "'"));
            return;
        }
        RecordView view = RecordView.of(record);
        List<Outgoing> messages = new ArrayList<>(statements.size());
        try {
            for (SinkStatement statement : statements) {
                if (!statement.keeps(view)) {
                    metrics.filtered(statement.number(), 1);
                    continue;
                }
                Outgoing message = statement.message(view, mqtt5);
                if (message == null) {
                    skippedTombstones.incrementAndGet();
                    metrics.skipped(1);
                    LOG.debug("Skipped tombstone {}: statement {} does not retain, so there is nothing to publish",
                            view.describe(), statement.number());
                    continue;
                }
                checkSize(view, message);
                messages.add(message);
            }
        } catch (DataException e) {
            errors.badRecord(record, e);
            return;
        }
        if (!mqtt5 && !warnedAboutPropertyHeaders && RecordHeaders.hasPropertyHeaders(view)) {
            warnedAboutPropertyHeaders = true;
            LOG.warn("Record {} has MQTT 5 property headers (mqtt.user.*, mqtt.response.topic, mqtt.correlation.data, "
                    + "mqtt.content.type, mqtt.message.expiry); MQTT 3.1.1 has no properties, so they are not "
                    + "published (set {}=5 to publish them). Said once per task.", view.describe(),
                    MqttConnectionConfig.VERSION_CONFIG);
        }
        if (messages.isEmpty()) {
            return;
        }
        RecordDelivery delivery = new RecordDelivery(record, messages.size());
        progress.pending.addLast(delivery);
        batch.added(messages.size());
        outbox.add(messages, delivery, batch);
    }

    private void checkSize(RecordView record, Outgoing message) {
        long limit = maxPacketSize;
        if (message.payload().length + 4L * message.topic().length() + SMALL_PACKET_OVERHEAD < limit
                && message.properties() == null) {
            return; // fits however the topic's characters are encoded: no need to count the bytes
        }
        long size;
        try {
            size = transport.packetSize(message);
        } catch (IllegalArgumentException e) {
            throw new DataException("Record " + record.describe() + " makes a message to '" + message.topic()
                    + "' that cannot be encoded as an MQTT " + (mqtt5 ? "5" : "3.1.1") + " packet: " + e.getMessage(),
                    e);
        }
        if (size > limit) {
            throw new DataException("Record " + record.describe() + " makes a message to '" + message.topic() + "' of "
                    + tooLarge(size, limit));
        }
    }

    /** {@code 5000 bytes, more than the broker takes (2000 bytes: <key>, or the broker's Maximum Packet Size)}. */
    private String tooLarge(long size, long limit) {
        return size + " bytes, more than the broker takes (" + limit + " bytes: " + MqttSinkConfig.MAX_PACKET_SIZE_CONFIG
                + (mqtt5 ? ", or the broker's Maximum Packet Size" : "") + ")";
    }

    /**
     * The broker came back taking smaller packets than before: the messages that wait were checked against the old
     * limit, and those now too large are refused (bad records) rather than sent to a broker that would close the
     * connection for each of them. Runs on the client's thread, before the outbox publishes again.
     */
    private void refuseWaitingOverTheLimit(long limit) {
        for (Pending oversized : outbox.remove(pending -> packetSizeOrMore(pending.message()) > limit)) {
            refusals.add(new Refusal(oversized, "the message is " + tooLarge(packetSizeOrMore(oversized.message()),
                    limit)));
        }
    }

    /** A message's packet size; one MQTT cannot encode (which put lets through to no broker) counts as too large. */
    private long packetSizeOrMore(Outgoing message) {
        try {
            return transport.packetSize(message);
        } catch (IllegalArgumentException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Back-pressure: returns once at most a window of messages waits to be published, so the worker fetches the
     * next records while the window is still full. While the broker is away (or acknowledges nothing) the error
     * policy decides: RETRY waits it out, bounded by the outage timeout, THROW fails the task, NOOP drops what waits.
     */
    private void awaitRoom() {
        long answers = outbox.answers();
        long quietSince = System.nanoTime();
        long stallLimitNanos = TimeUnit.SECONDS.toNanos(config.connection().connectionTimeoutSeconds());
        while (outbox.waiting() > outbox.window()) {
            if (connected && !outbox.isOpen() && transport.isConnected()) {
                outbox.reopened(window()); // the outbox stopped on a message the client could not take
            }
            if (!connected) {
                outage(new ConnectException("the connection to the MQTT broker is lost; the client reconnects"));
                return;
            }
            try {
                if (outbox.awaitWaitingAtMost(outbox.window(), ROOM_WAIT_SLICE_MS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while waiting for the MQTT broker's acknowledgements", e);
            }
            if (outbox.answers() != answers) {
                answers = outbox.answers();
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > stallLimitNanos) {
                stalled();
                return;
            }
        }
        if (connected) {
            errors.succeeded();
        }
    }

    /**
     * Connected, but the broker acknowledged nothing for a connection timeout: a failure that may heal, so the error
     * policy decides (RETRY tries again after retry.interval, at most max.retries times; THROW fails the task; NOOP
     * drops what waits).
     */
    private void stalled() {
        String what = publishing();
        ConnectException cause = new ConnectException("the MQTT broker acknowledged none of the " + outbox.inFlight()
                + " messages in flight for " + config.connection().connectionTimeoutSeconds() + " s ("
                + MqttConnectionConfig.CONNECTION_TIMEOUT_CONFIG + ")");
        List<Pending> dropped = takeWaitingIfDropped();
        errors.writeFailed(what, recordsFailed(dropped), cause);
        dropped.forEach(this::settle);
    }

    /** The broker is away: the error policy decides (RETRY and THROW throw; NOOP returns, having counted the drop). */
    private void outage(Exception cause) {
        String what = publishing();
        Duration interval = config.errorPolicy().retryInterval().compareTo(OUTAGE_RETRY_INTERVAL) < 0
                ? config.errorPolicy().retryInterval() : OUTAGE_RETRY_INTERVAL;
        List<Pending> dropped = takeWaitingIfDropped();
        errors.serverAway(what, recordsFailed(dropped), cause, interval, config.outageTimeout());
        dropped.forEach(this::settle);
    }

    private String publishing() {
        return "Publishing " + (outbox.waiting() + outbox.inFlight()) + " messages to the MQTT broker at "
                + config.connection().hosts();
    }

    /**
     * Under error policy NOOP, the messages that wait (to be published, or again after a lost connection) are given
     * up, and taken out first, so what is counted as dropped is what is dropped: those in flight stay, as the broker
     * may still acknowledge them. Other policies give up nothing (they throw).
     */
    private List<Pending> takeWaitingIfDropped() {
        return config.errorPolicy().policy() == ErrorPolicy.NOOP ? outbox.remove(pending -> true) : List.of();
    }

    /** The records the error handler counts: those dropped under NOOP, else (for its log) the messages on their way. */
    private int recordsFailed(List<Pending> dropped) {
        return config.errorPolicy().policy() == ErrorPolicy.NOOP
                ? (int) dropped.stream().map(Pending::delivery).distinct().count()
                : outbox.waiting() + outbox.inFlight();
    }

    /** Reports the messages the broker refused, on the task's thread: each record to the errant record reporter. */
    private void settleRefusals() {
        Set<RecordDelivery> reported = new HashSet<>();
        for (Refusal refusal = refusals.poll(); refusal != null; refusal = refusals.poll()) {
            RecordDelivery delivery = refusal.pending().delivery();
            if (reported.add(delivery)) {
                errors.badRecord(delivery.record(), new DataException("Record "
                        + SinkErrorHandler.describe(delivery.record()) + " was not published to '"
                        + refusal.pending().message().topic() + "': " + refusal.why()));
            }
            settle(refusal.pending());
        }
    }

    /**
     * Hands the acknowledgements counted since the last call to the metrics: one sensor update per put rather than
     * one per message on the client's thread, which is busy taking the broker's answers.
     */
    private void countAcknowledged() {
        long all = acknowledged.get();
        long qos12 = acknowledgedQos12.get();
        if (all > acknowledgedInMetrics) {
            metrics.recordsOut(all - acknowledgedInMetrics);
        }
        if (qos12 > acknowledgedQos12InMetrics) {
            metrics.acknowledged(qos12 - acknowledgedQos12InMetrics);
        }
        acknowledgedInMetrics = all;
        acknowledgedQos12InMetrics = qos12;
    }

    /** One message will not be answered again: its batch and record move on; true when its record is done. */
    private boolean settle(Pending pending) {
        long batchMs = pending.batch().messageDone();
        if (batchMs >= 0) {
            metrics.batch(batchMs);
        }
        return pending.delivery().messageDone();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (deferredFailure == null) {
            try {
                flush();
            } catch (ConnectException e) {
                // a record the error policy fails the task for: it stays undone, and put() throws this
                deferredFailure = e;
                LOG.error("The task fails at its next put: {}", e.getMessage());
            }
        }
        countAcknowledged();
        Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : currentOffsets.entrySet()) {
            PartitionProgress progress = partitions.get(offset.getKey());
            long firstUndone = progress == null ? -1 : progress.firstUndone();
            long commit = firstUndone >= 0 && firstUndone < offset.getValue().offset() ? firstUndone
                    : offset.getValue().offset();
            committable.put(offset.getKey(), new OffsetAndMetadata(commit, offset.getValue().metadata()));
        }
        return committable;
    }

    /** Publishes what waits, waits a while for the answers, and settles the refusals and dead letters so far. */
    private void flush() {
        settleRefusals();
        outbox.send();
        if (connected) {
            try {
                outbox.awaitEmpty(FLUSH_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        settleRefusals();
        errors.awaitDeadLetters();
    }

    /**
     * The partitions go to another task (or come back to this one from their committed offsets): their records that
     * wait are not published here, nor are those in flight published again should their connection fail (the new
     * owner may have published newer ones by then); what is in flight cannot be called back.
     */
    @Override
    public void close(Collection<TopicPartition> closed) {
        for (TopicPartition partition : closed) {
            PartitionProgress progress = partitions.get(partition);
            if (progress != null) {
                progress.pending.forEach(RecordDelivery::revoke);
            }
        }
        List<Pending> removed = outbox.remove(pending -> pending.delivery().revoked());
        removed.forEach(this::settle);
        if (!removed.isEmpty()) {
            LOG.info("{} messages of partitions {} were not published: the partitions moved, and their records are "
                    + "delivered again from the last committed offset", removed.size(), closed);
        }
        closed.forEach(partitions::remove);
        current = null;
    }

    @Override
    public void stop() {
        LOG.info("MQTT sink task stopping; {} messages acknowledged by the broker, {} tombstones skipped, {} records "
                        + "dropped by error policy NOOP, {} sent to the dead-letter queue", acknowledged.get(),
                skippedTombstones.get(), errors == null ? 0 : errors.droppedRecords(),
                errors == null ? 0 : errors.deadLetteredRecords());
        connected = false;
        if (transport != null) {
            transport.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    long skippedTombstones() {
        return skippedTombstones.get();
    }

    /** A message the broker (or the client) refused, and why. */
    private record Refusal(Pending pending, String why) {
    }

    /** The outbox's news, on the client's threads: metrics, and refusals queued for the task's thread. */
    private final class Events implements Outbox.Events {
        @Override
        public void acknowledged(Pending pending) {
            if (pending.message().qos() > 0) {
                acknowledgedQos12.incrementAndGet();
            }
            acknowledged.incrementAndGet();
            if (settle(pending)) {
                Long timestamp = pending.delivery().record().timestamp();
                if (timestamp != null && timestamp >= 0) {
                    metrics.lag(System.currentTimeMillis() - timestamp);
                }
            }
        }

        @Override
        public void refused(Pending pending, String why) {
            refusals.add(new Refusal(pending, why));
        }

        @Override
        public void dropped(Pending pending) {
            settle(pending);
        }

        @Override
        public void failed(Pending pending, Throwable cause) {
            metrics.failedBatch();
            LOG.debug("Message to {} failed in flight; it is published again after the reconnection: {}",
                    pending.message().topic(), cause == null ? "" : cause.toString());
        }
    }

    /** Runs on the client's threads: never throws, since an exception there would close the connection. */
    private final class Listener implements MqttTransport.Listener {
        @Override
        public void message(MqttTransport.Arrival arrival) {
            // the sink subscribes to nothing
        }

        @Override
        public void reconnected(String serverUri) {
            withLoggingContext();
            long before = maxPacketSize;
            maxPacketSize = packetLimit(); // the transport read the broker's limits again
            if (maxPacketSize != before) {
                LOG.info("The broker at {} takes packets of at most {} bytes now ({} before)", serverUri,
                        maxPacketSize, before);
            }
            if (maxPacketSize < before) {
                refuseWaitingOverTheLimit(maxPacketSize);
            }
            connected = true;
            LOG.info("Reconnected to {}; publishing what waits, {} messages", serverUri, outbox.waiting());
            outbox.reopened(window());
        }

        @Override
        public void lost(Throwable cause) {
            withLoggingContext();
            connected = false;
            outbox.closed();
            metrics.retry();
            LOG.warn("Lost the connection to the MQTT broker; reconnecting with back-off up to {} ms, then publishing "
                            + "what was in flight again and what waits ({} messages now): {}",
                    config.connection().reconnectMaxDelayMs(), outbox.inFlight() + outbox.waiting(),
                    cause == null ? "" : cause.toString());
        }

        private void withLoggingContext() {
            if (loggingContext != null) {
                MDC.setContextMap(loggingContext);
            }
        }
    }

    /** A partition's records on their way, in offset order, and the highest offset taken. */
    private static final class PartitionProgress {
        final TopicPartition partition;
        final ArrayDeque<RecordDelivery> pending = new ArrayDeque<>();
        long highestTaken = -1;

        PartitionProgress(TopicPartition partition) {
            this.partition = partition;
        }

        boolean is(String topic, int partition) {
            return this.partition.partition() == partition && this.partition.topic().equals(topic);
        }

        /** The offset of the first record not yet done, or -1 when every record taken is done. */
        long firstUndone() {
            while (!pending.isEmpty() && pending.peekFirst().done()) {
                pending.pollFirst();
            }
            return pending.isEmpty() ? -1 : pending.peekFirst().offset();
        }
    }
}
