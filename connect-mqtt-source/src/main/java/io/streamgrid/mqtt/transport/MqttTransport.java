package io.streamgrid.mqtt.transport;

import java.util.function.Consumer;

/**
 * The MQTT client behind the source task, one per MQTT protocol version (Paho's mqttv3 client for 3.1.1). The task
 * (queue, conversion, KCQL, acknowledgement after Kafka has the records) is the same for every version; a transport
 * only connects, subscribes, hands messages over and acknowledges them when told to.
 */
public interface MqttTransport extends AutoCloseable {

    /** How to connect: the settings both versions share. */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP",
            justification = "settings made for one client: the hosts list is a copy, the socket factory the task's")
    public record Settings(java.util.List<String> serverUris, String clientId, boolean cleanSession, int keepAliveSeconds,
                           int connectionTimeoutSeconds, int maxReconnectDelayMs, String username, String password,
                           javax.net.SocketFactory socketFactory, boolean hostnameVerification, int receiveMaximum,
                           long sessionExpirySeconds) {
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

    boolean isConnected();

    /** Disconnects at once and releases the client; never throws. */
    @Override
    void close();
}
