package io.streamgrid.mqtt;

import io.streamgrid.common.Version;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.queue.HandoffQueue;
import io.streamgrid.common.queue.SourcePoller;
import io.streamgrid.mqtt.converter.PayloadConverter;
import io.streamgrid.mqtt.sparkplug.SparkplugConverter;
import io.streamgrid.mqtt.transport.MqttTransport;
import io.streamgrid.mqtt.transport.TransportException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Subscribes to the MQTT topics of its statements and turns each message into one record per matching
 * statement. Paho's callback thread only puts messages in a bounded queue; {@code poll} converts them.
 * QoS 1 and 2 messages are acknowledged to the broker (Paho manual acks) only in {@code commitRecord},
 * when Kafka has every record of the message: a crash before that leaves them unacknowledged, and the
 * broker sends them again to the same client id.
 */
public class MqttSourceTask extends SourceTask {

    private static final long SUBSCRIBE_TIMEOUT_MS = 30_000;
    /** Both Paho clients' REASON_CODE_CONNECTION_LOST: the connection went while a call waited. */
    private static final int CONNECTION_LOST = 32109;
    /** The source publishes only Sparkplug rebirth requests, at QoS 0: Paho's own default window is plenty. */
    private static final int SPARKPLUG_REQUESTS_IN_FLIGHT = 10;
    private static final int MATCH_CACHE_SIZE = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceTask.class);
    private static final Map<String, ?> NO_OFFSET = Map.of();

    private MqttSourceConfig config;
    private List<MqttStatement> statements;
    /** Each statement's place in the task's KCQL, from 1: the statement tag of its filtered-total metric. */
    private final Map<MqttStatement, Integer> statementNumbers = new java.util.IdentityHashMap<>();
    /** The statements each MQTT topic matches: a device publishes to the same topic again and again. */
    private final Map<String, List<MqttStatement>> matchingByTopic = new HashMap<>();
    private HandoffQueue<MqttDelivery> queue;
    private MqttTransport transport;
    private Map<String, String> loggingContext;
    private Map<String, ?> sourcePartition;
    private final AtomicLong connection = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private ConnectorMetrics metrics;
    private SourcePoller<MqttDelivery> poller;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MqttSourceConfig(MqttSourceConfig.ALIASES.resolveAndWarn(props));
        statements = config.statements().stream().map(s -> MqttStatement.compile(s, config.defaultQos())).toList();
        for (int i = 0; i < statements.size(); i++) {
            statementNumbers.put(statements.get(i), i + 1);
            if (statements.get(i).converter() instanceof SparkplugConverter sparkplug) {
                sparkplug.events(new SparkplugEvents());
                sparkplug.filter(statements.get(i).filter());
            }
        }
        queue = config.queue().newQueue(delivery -> delivery.payload().length);
        loggingContext = MDC.getCopyOfContextMap();
        sourcePartition = Map.of("mqtt.client.id", config.clientId());
        metrics = ConnectorMetrics.register(context, props, new ConnectorMetrics.Gauges(() -> poller.inFlight(),
                queue::size, queue::bytes, () -> transport != null && transport.isConnected()));
        poller = new SourcePoller<>(queue, config.queue(), config.badMessagePolicy(), config.deadLetterTopic(),
                MqttSourceConfig.BAD_MESSAGE_POLICY_CONFIG, "; the message stays unacknowledged", new Deliveries(),
                metrics);
        try {
            transport = MqttTransport.create(config.connection().mqtt5(), settings());
            boolean resumed = transport.connect(new Listener(), config.connection().connectWaitMs());
            if (resumed) {
                subscribe("Subscribing (session resumed)");
            } else {
                subscribeAndWaitUnlessDropped();
            }
        } catch (TransportException e) {
            closeClient();
            metrics.close();
            throw config.connection().connectFailure(config.clientId(), e);
        } catch (RuntimeException e) {
            // a refused subscription, a TLS setting that cannot be used: the worker calls stop() only after a
            // start() that returned, so nothing else would close the client (which reconnects by itself)
            closeClient();
            metrics.close();
            throw e;
        }
        LOG.info("MQTT source task started as client '{}' on {}, subscribed to {}", config.clientId(), config.hosts(),
                statements.stream().map(MqttStatement::filter).toList());
    }

    private MqttTransport.Settings settings() {
        return config.connection().settings(config.clientId(), config.cleanSession(), config.receiveMaximum(),
                config.sessionExpirySeconds(), SPARKPLUG_REQUESTS_IN_FLIGHT);
    }

    private String[] filters() {
        return statements.stream().map(MqttStatement::filter).distinct().toArray(String[]::new);
    }

    /** The QoS of each filter: the highest any statement with that filter asks for. */
    private int[] qualities(String[] filters) {
        int[] qos = new int[filters.length];
        for (int i = 0; i < filters.length; i++) {
            String filter = filters[i];
            qos[i] = statements.stream().filter(s -> s.filter().equals(filter)).mapToInt(MqttStatement::qos).max()
                    .orElse(config.defaultQos());
        }
        return qos;
    }

    /**
     * A connection the broker drops while start() subscribes (a restart, a network cut right after CONNACK) is an
     * outage like any later one, not a failed start: the client reconnects by itself, and start() subscribes again
     * once it has, so that the subscription holds when start() returns, as it does without the drop. A broker still
     * away after the connect wait is left to the client's reconnection, whose {@link Listener#reconnected} subscribes
     * (a refusal then comes with the next poll()).
     */
    private void subscribeAndWaitUnlessDropped() throws TransportException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.connection().connectWaitMs());
        while (true) {
            try {
                subscribeAndWait();
                return;
            } catch (TransportException e) {
                if (e.reasonCode() != CONNECTION_LOST) {
                    throw e;
                }
                LOG.warn("The MQTT broker dropped the connection while the task subscribed; subscribing again once "
                        + "the client has reconnected: {}", e.getMessage());
            }
            if (!awaitReconnected(deadline)) {
                LOG.warn("Not reconnected within {} ms; the client goes on reconnecting and subscribes when it has",
                        config.connection().connectWaitMs());
                return;
            }
        }
    }

    /** Whether the client reconnected before {@code deadline} (System.nanoTime()). */
    private boolean awaitReconnected(long deadline) {
        while (!transport.isConnected()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(50); // the client reconnects on its own thread, with back-off
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A new session has no backlog yet, so start() can wait for the subscription and fail if it is refused. */
    private void subscribeAndWait() throws TransportException {
        String[] filters = filters();
        checkGranted(filters, transport.subscribeAndWait(filters, qualities(filters), SUBSCRIBE_TIMEOUT_MS));
    }

    /**
     * Subscribes without waiting on this thread. With a resumed session the broker sends the stored backlog right
     * after CONNACK; Paho hands messages and SUBACK over on one callback thread, and once the queue is full that
     * thread waits for poll(), which the worker calls only after start() returned. The session already holds the
     * subscriptions, so nothing is missed; a refused one is thrown by the next poll().
     */
    private void subscribe(String what) {
        String[] filters = filters();
        try {
            transport.subscribe(filters, qualities(filters), granted -> {
                try {
                    checkGranted(filters, granted);
                    LOG.info("{} to {} done", what, List.of(filters));
                } catch (ConnectException e) {
                    queue.fail(e);
                }
            }, cause -> queue.fail(new ConnectException(what + " to " + List.of(filters) + " failed: " + cause, cause)));
        } catch (TransportException | RuntimeException e) {
            queue.fail(new ConnectException(what + " to " + List.of(filters) + " failed: " + e, e));
        }
    }

    private static void checkGranted(String[] filters, int[] granted) {
        for (int i = 0; i < granted.length && i < filters.length; i++) {
            if (granted[i] >= 0x80) { // 3.1.1's failure code, and MQTT 5's reason codes from 0x80 on
                throw new ConnectException("The MQTT broker refused the subscription to '" + filters[i]
                        + "' (not allowed for this user, or a filter it does not support, such as $share)");
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return poller.poll();
    }

    /** What the shared poller needs of an MQTT message. */
    private final class Deliveries implements SourcePoller.Items<MqttDelivery> {
        @Override
        public List<SourceRecord> records(MqttDelivery delivery) {
            return toRecords(delivery);
        }

        @Override
        public String describe(MqttDelivery delivery) {
            return "MQTT message on topic '" + delivery.topic() + "' (message id " + delivery.messageId() + ", QoS "
                    + delivery.qos() + ")";
        }

        @Override
        public long arrivalMs(MqttDelivery delivery) {
            return delivery.arrivalMs();
        }

        @Override
        public void skipped(MqttDelivery delivery) {
            acknowledge(delivery);
        }

        @Override
        public SourceRecord deadLetter(MqttDelivery delivery, String topic, ConnectHeaders errorHeaders) {
            return new MqttSourceRecord(sourcePartition, NO_OFFSET, topic, Schema.STRING_SCHEMA, delivery.topic(),
                    Schema.BYTES_SCHEMA, delivery.payload(), delivery.arrivalMs(), mqttHeaders(errorHeaders, delivery),
                    new Acknowledgement(delivery, 1, MqttSourceTask.this::acknowledge));
        }
    }

    private List<MqttStatement> matching(String topic) {
        List<MqttStatement> matching = matchingByTopic.get(topic);
        if (matching == null) {
            if (matchingByTopic.size() >= MATCH_CACHE_SIZE) {
                matchingByTopic.clear(); // more topics than that: start over rather than grow
            }
            matching = statements.stream().filter(s -> s.matches(topic)).toList();
            matchingByTopic.put(topic, matching);
        }
        return matching;
    }

    private List<SourceRecord> toRecords(MqttDelivery delivery) {
        List<MqttStatement> matching = matching(delivery.topic());
        if (matching.isEmpty()) {
            throw new DataException("no statement's topic filter matches it");
        }
        List<Kept> kept = new ArrayList<>(matching.size());
        for (MqttStatement statement : matching) {
            for (PayloadConverter.Converted one : statement.convertAll(delivery.topic(), delivery.payload())) {
                SchemaAndValue converted = one.value();
                ConnectHeaders headers = mqttHeaders(new ConnectHeaders(), delivery);
                if (!statement.keeps(delivery.topic(), delivery.arrivalMs(), converted, headers)) {
                    metrics.filtered(statementNumbers.get(statement), 1);
                    continue;
                }
                String key = statement.key(delivery.topic(), converted);
                SchemaAndValue value = statement.project(delivery.topic(), converted);
                kept.add(new Kept(statement.kafkaTopic(delivery.topic(), converted),
                        key != null ? key : one.key() != null ? one.key() : delivery.topic(), value, headers));
            }
        }
        if (kept.isEmpty()) {
            acknowledge(delivery); // no statement keeps it: nothing goes to Kafka, so nothing to wait for
            return List.of();
        }
        Acknowledgement acknowledgement = new Acknowledgement(delivery, kept.size(), this::acknowledge);
        List<SourceRecord> records = new ArrayList<>(kept.size());
        for (Kept record : kept) {
            records.add(new MqttSourceRecord(sourcePartition, NO_OFFSET, record.topic(), Schema.STRING_SCHEMA,
                    record.key(), record.value().schema(), record.value().value(), delivery.arrivalMs(),
                    record.headers(), acknowledgement));
        }
        return records;
    }

    /** Sparkplug B counts go to the metrics; rebirth requests go out through the task's client. */
    private final class SparkplugEvents implements SparkplugConverter.Events {
        @Override
        public void unresolvedAlias(String edgeNode, long alias) {
            metrics.sparkplugUnresolvedAlias();
        }

        @Override
        public void sequenceGap(String edgeNode, long expected, long got) {
            metrics.sparkplugSequenceGap();
        }

        @Override
        public void publish(String topic, byte[] payload) {
            try {
                transport.publish(topic, payload, 0);
            } catch (TransportException | RuntimeException e) {
                LOG.warn("Could not publish the Sparkplug rebirth request on {}: {}", topic, e.toString());
            }
        }
    }

    /** A record a statement keeps, before the message's acknowledgement knows how many there are. */
    private record Kept(String topic, String key, SchemaAndValue value, ConnectHeaders headers) {
    }

    private static ConnectHeaders mqttHeaders(ConnectHeaders headers, MqttDelivery delivery) {
        headers.addString("mqtt.topic", delivery.topic());
        headers.addInt("mqtt.qos", delivery.qos());
        headers.addBoolean("mqtt.retained", delivery.retained());
        headers.addBoolean("mqtt.duplicate", delivery.duplicate());
        headers.addInt("mqtt.message.id", delivery.messageId());
        MqttTransport.Mqtt5Properties v5 = delivery.properties();
        if (v5 != null) {
            for (Map.Entry<String, String> property : v5.userProperties()) {
                headers.addString("mqtt.user." + property.getKey(), property.getValue());
            }
            if (v5.contentType() != null) {
                headers.addString("mqtt.content.type", v5.contentType());
            }
            if (v5.responseTopic() != null) {
                headers.addString("mqtt.response.topic", v5.responseTopic());
            }
            if (v5.correlationData() != null) {
                headers.addBytes("mqtt.correlation.data", v5.correlationData());
            }
            if (v5.messageExpirySeconds() != null) {
                headers.addLong("mqtt.message.expiry", v5.messageExpirySeconds());
            }
        }
        return headers;
    }

    @Override
    public void commitRecord(SourceRecord record, org.apache.kafka.clients.producer.RecordMetadata metadata) {
        poller.committed(record, metadata);
        if (record instanceof MqttSourceRecord mqtt) {
            mqtt.acknowledgement().recordDone();
        }
    }

    /** Sends the broker its PUBACK (QoS 1) or PUBCOMP (QoS 2), if the message came on the current connection. */
    private void acknowledge(MqttDelivery delivery) {
        if (delivery.qos() == 0) {
            return;
        }
        if (delivery.connection() != connection.get()) {
            LOG.debug("Not acknowledging message {} of an earlier connection; the broker sends it again",
                    delivery.messageId());
            return;
        }
        try {
            transport.acknowledge(delivery.messageId(), delivery.qos());
            acknowledged.incrementAndGet();
            metrics.acknowledged(1);
        } catch (TransportException | RuntimeException e) {
            LOG.warn("Could not acknowledge MQTT message {} on '{}'; the broker will send it again: {}",
                    delivery.messageId(), delivery.topic(), e.toString());
        }
    }

    @Override
    public void stop() {
        if (queue != null) {
            queue.close();
        }
        closeClient();
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("MQTT source task '{}' stopped; {} messages acknowledged, {} skipped",
                config == null ? "?" : config.clientId(), acknowledged.get(), poller == null ? 0 : poller.skipped());
    }

    private void closeClient() {
        if (transport != null) {
            transport.close();
        }
    }

    long skippedMessages() {
        return poller.skipped();
    }

    /** Runs on the client's threads: never throws, since an exception there would close the connection. */
    private final class Listener implements MqttTransport.Listener {

        @Override
        public void reconnected(String serverUri) {
            withLoggingContext();
            LOG.info("Reconnected to {}; subscribing again", serverUri);
            subscribe("Subscribing again after reconnecting");
        }

        @Override
        public void lost(Throwable cause) {
            withLoggingContext();
            // Counted here, not in reconnected: this runs on the client's callback thread after every message of
            // the old connection and before any of the next, while a queued message may come before reconnected.
            connection.incrementAndGet();
            metrics.retry();
            LOG.warn("Lost the connection to the MQTT broker; reconnecting with back-off up to {} ms: {}",
                    config.connection().reconnectMaxDelayMs(), cause == null ? "" : cause.toString());
        }

        @Override
        public void message(MqttTransport.Arrival message) {
            try {
                MqttDelivery delivery = new MqttDelivery(message.topic(), message.payload(), message.qos(),
                        message.retained(), message.duplicate(), message.messageId(), System.currentTimeMillis(),
                        connection.get(), message.properties());
                if (LOG.isDebugEnabled()) {
                    withLoggingContext();
                    LOG.debug("Message {} on {} ({} bytes, QoS {})", message.messageId(), message.topic(),
                            message.payload().length, message.qos());
                }
                if (queue.put(delivery)) { // false once stopping: the message stays unacknowledged
                    metrics.recordsIn(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                queue.fail(t);
            }
        }

        private void withLoggingContext() {
            if (loggingContext != null) {
                MDC.setContextMap(loggingContext);
            }
        }
    }
}
