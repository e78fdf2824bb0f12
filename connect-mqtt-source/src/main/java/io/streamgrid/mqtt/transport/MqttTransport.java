package io.streamgrid.mqtt.transport;

import java.util.function.Consumer;

/**
 * The MQTT client behind the source and sink tasks, one per MQTT protocol version (Paho's mqttv3 client for 3.1.1).
 * The tasks (queue, conversion, KCQL, acknowledgement after Kafka has the records; the sink's window of messages in
 * flight) are the same for every version; a transport only connects, subscribes, hands messages over and
 * acknowledges them when told to, and publishes, telling what became of each message.
 */
public interface MqttTransport extends AutoCloseable {

    /** The largest packet MQTT can carry: a remaining length of 268,435,455 bytes and a 5-byte fixed header. */
    long MQTT_MAXIMUM_PACKET_SIZE = 268_435_460L;

    /**
     * How to connect: the settings both versions share.
     *
     * @param receiveMaximum how many QoS 1 and 2 messages the broker may send this client unacknowledged (MQTT 5)
     * @param maxInFlight    how many messages this client may publish before the broker acknowledged them (3.1.1;
     *                       with MQTT 5 the broker's Receive Maximum says it)
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP",
            justification = "settings made for one client: the hosts list is a copy, the socket factory the task's")
    public record Settings(java.util.List<String> serverUris, String clientId, boolean cleanSession, int keepAliveSeconds,
                           int connectionTimeoutSeconds, int maxReconnectDelayMs, String username, String password,
                           javax.net.SocketFactory socketFactory, boolean hostnameVerification, int receiveMaximum,
                           long sessionExpirySeconds, int maxInFlight) {
    }

    /** The transport for the version the settings' connector asks for. */
    static MqttTransport create(boolean mqtt5, Settings settings) {
        return mqtt5 ? new Paho5Transport(settings) : new Paho3Transport(settings);
    }

    /**
     * What the broker told the client when it connected (MQTT 5's CONNACK): how many QoS 1 and 2 messages it takes
     * unacknowledged, and the largest packet it takes. With 3.1.1 the broker says neither: no limit and MQTT's own.
     */
    record BrokerLimits(int receiveMaximum, long maximumPacketSize) {
        public static final BrokerLimits NONE = new BrokerLimits(Integer.MAX_VALUE, MQTT_MAXIMUM_PACKET_SIZE);
    }

    /** A message to publish; {@code properties} are MQTT 5's (null: none; never sent with 3.1.1). */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP",
            justification = "the payload is made for this one message and handed to the client without a copy")
    record Outgoing(String topic, byte[] payload, int qos, boolean retained, Mqtt5Properties properties) {
    }

    /**
     * The MQTT 5 reason code (0x80 to 0xFF) a publish failed with because the broker refused something, or -1.
     * Eclipse Paho's mqttv5 client drops the connection when the broker answers a QoS 2 message with such a PUBREC,
     * and every message in flight then fails with that code, the refused one among them.
     */
    static int brokerReasonCode(Throwable failure) {
        return PahoCalls.brokerReasonCode(failure);
    }

    /** What became of a published message; exactly one method is called, once, on the client's threads. */
    interface Outcome {
        /** The broker has it: PUBACK (QoS 1), PUBCOMP (QoS 2), or, for QoS 0, written to the connection. */
        void acknowledged();

        /** The broker answered with an MQTT 5 reason code of 0x80 or above: it does not take this message. */
        void refused(int reasonCode);

        /** The connection failed before the broker acknowledged the message, which may or may not have arrived. */
        void failed(Throwable cause);
    }

    /** What the transport tells the task, on the client's own threads; implementations never let it throw. */
    interface Listener {
        /** A message arrived; it stays unacknowledged until {@link #acknowledge} is called with it. */
        void message(Arrival arrival);

        /** The connection came back after it was lost; the task subscribes again. */
        void reconnected(String serverUri);

        /** The connection was lost; the client reconnects by itself, with back-off. */
        void lost(Throwable cause);
    }

    /** A message as it arrived; its payload is handed on once, not copied. */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP",
            justification = "the client hands the payload over and keeps no reference")
    record Arrival(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
                   Mqtt5Properties properties) {
    }

    /**
     * MQTT 5's properties of a message; null on 3.1.1. {@code userProperties} keeps every name=value pair in
     * order, repeated names included.
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP",
            justification = "the client hands the correlation data over and keeps no reference")
    record Mqtt5Properties(java.util.List<java.util.Map.Entry<String, String>> userProperties, String contentType,
                           String responseTopic, byte[] correlationData, Long messageExpirySeconds) {
    }

    /**
     * Connects, waiting at most {@code timeoutMs}; true when the broker resumed the session (it then holds the
     * subscriptions and sends the backlog at once).
     */
    boolean connect(Listener listener, long timeoutMs) throws TransportException;

    /** Subscribes and waits; returns the granted QoS per filter (0x80 and above: refused). */
    int[] subscribeAndWait(String[] filters, int[] qos, long timeoutMs) throws TransportException;

    /** Subscribes without waiting: {@code granted} or {@code failed} is called on the client's thread. */
    void subscribe(String[] filters, int[] qos, Consumer<int[]> granted, Consumer<Throwable> failed)
            throws TransportException;

    /** Sends the broker the acknowledgement of a message (PUBACK for QoS 1, PUBCOMP for QoS 2). */
    void acknowledge(int messageId, int qos) throws TransportException;

    void publish(String topic, byte[] payload, int qos) throws TransportException;

    /**
     * Publishes without waiting; {@code outcome} hears what became of it. A message the client cannot take now (not
     * connected, too many in flight) is a TransportException, and the outcome is not called.
     */
    void publish(Outgoing message, Outcome outcome) throws TransportException;

    /** What the broker said when the client connected last; {@link BrokerLimits#NONE} with 3.1.1. */
    BrokerLimits limits();

    /**
     * The size in bytes of the PUBLISH packet that carries {@code message}, as this version encodes it; an
     * IllegalArgumentException saying why when MQTT cannot encode it (a string or binary value longer than 65,535
     * bytes, a character MQTT strings may not hold).
     */
    long packetSize(Outgoing message);

    boolean isConnected();

    /** Disconnects at once and releases the client; never throws. */
    @Override
    void close();
}
