package io.streamgrid.mqtt.transport;

import java.util.function.Consumer;

/**
 * The MQTT client behind the source task, one per MQTT protocol version (Paho's mqttv3 client for 3.1.1). The task
 * (queue, conversion, KCQL, acknowledgement after Kafka has the records) is the same for every version; a transport
 * only connects, subscribes, hands messages over and acknowledges them when told to.
 */
public interface MqttTransport extends AutoCloseable {

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
    record Arrival(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId) {
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
