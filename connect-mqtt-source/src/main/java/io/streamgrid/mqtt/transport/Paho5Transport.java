package io.streamgrid.mqtt.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 5 with Eclipse Paho's mqttv5 client, acknowledging by hand like the 3.1.1 transport, and telling the broker
 * its Receive Maximum (how many unacknowledged QoS 1 and 2 messages it may send) and the session expiry. Native
 * shared subscriptions ({@code $share/group/filter}) are MQTT 5's own.
 */
public final class Paho5Transport implements MqttTransport {

    private static final Logger LOG = LoggerFactory.getLogger(Paho5Transport.class);
    private static final long DISCONNECT_WAIT_MS = 500;

    private final Settings settings;
    private MqttAsyncClient client;
    private volatile BrokerLimits limits = BrokerLimits.NONE;

    public Paho5Transport(Settings settings) {
        this.settings = settings;
    }

    @Override
    public boolean connect(Listener listener, long timeoutMs) throws TransportException {
        try {
            client = new LimitsReadingClient(settings.serverUris().get(0), settings.clientId());
            client.setManualAcks(true);
            client.setCallback(new Callback(listener));
            IMqttToken connected = client.connect(options());
            connected.waitForCompletion(timeoutMs);
            limits = limitsOf(connected.getResponseProperties());
            return connected.getSessionPresent();
        } catch (MqttException e) {
            throw PahoCalls.failure(e);
        }
    }

    /** The CONNACK's Receive Maximum and Maximum Packet Size; MQTT 5's defaults where the broker left them out. */
    private static BrokerLimits limitsOf(MqttProperties connack) {
        Integer receiveMaximum = connack == null ? null : connack.getReceiveMaximum();
        Long maximumPacketSize = connack == null ? null : connack.getMaximumPacketSize();
        return new BrokerLimits(receiveMaximum == null ? 65_535 : receiveMaximum,
                maximumPacketSize == null ? MQTT_MAXIMUM_PACKET_SIZE : maximumPacketSize);
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(settings.serverUris().toArray(String[]::new));
        options.setCleanStart(settings.sessionExpirySeconds() == 0);
        options.setSessionExpiryInterval(settings.sessionExpirySeconds());
        options.setReceiveMaximum(settings.receiveMaximum());
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setConnectionTimeout(settings.connectionTimeoutSeconds());
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, Math.max(1, settings.maxReconnectDelayMs() / 1000));
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        options.setSocketFactory(settings.socketFactory());
        options.setHttpsHostnameVerificationEnabled(settings.hostnameVerification());
        return options;
    }

    private static MqttSubscription[] subscriptions(String[] filters, int[] qos) {
        MqttSubscription[] subscriptions = new MqttSubscription[filters.length];
        for (int i = 0; i < filters.length; i++) {
            subscriptions[i] = new MqttSubscription(filters[i], qos[i]);
        }
        return subscriptions;
    }

    @Override
    public int[] subscribeAndWait(String[] filters, int[] qos, long timeoutMs) throws TransportException {
        return PahoCalls.call(() -> {
            IMqttToken token = client.subscribe(subscriptions(filters, qos));
            token.waitForCompletion(timeoutMs);
            return token.getReasonCodes();
        });
    }

    @Override
    public void subscribe(String[] filters, int[] qos, Consumer<int[]> granted, Consumer<Throwable> failed)
            throws TransportException {
        try {
            client.subscribe(subscriptions(filters, qos), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    granted.accept(token.getReasonCodes());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    failed.accept(cause);
                }
            }, new MqttProperties());
        } catch (MqttException e) {
            throw PahoCalls.failure(e);
        }
    }

    @Override
    public void acknowledge(int messageId, int qos) throws TransportException {
        PahoCalls.call(() -> {
            client.messageArrivedComplete(messageId, qos);
            return null;
        });
    }

    @Override
    public void publish(String topic, byte[] payload, int qos) throws TransportException {
        PahoCalls.call(() -> client.publish(topic, payload, qos, false));
    }

    @Override
    public void publish(Outgoing message, Outcome outcome) throws TransportException {
        MqttMessage mqtt = new MqttMessage(message.payload());
        mqtt.setQos(message.qos());
        mqtt.setRetained(message.retained());
        mqtt.setProperties(properties(message.properties()));
        try {
            client.publish(message.topic(), mqtt, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        outcome.refused(codes[0]);
                    } else {
                        outcome.acknowledged();
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    outcome.failed(cause);
                }
            });
        } catch (MqttException e) {
            throw PahoCalls.failure(e);
        }
    }

    private static MqttProperties properties(Mqtt5Properties v5) {
        MqttProperties properties = new MqttProperties();
        if (v5 == null) {
            return properties;
        }
        if (!v5.userProperties().isEmpty()) {
            List<UserProperty> user = new ArrayList<>(v5.userProperties().size());
            v5.userProperties().forEach(p -> user.add(new UserProperty(p.getKey(), p.getValue())));
            properties.setUserProperties(user);
        }
        properties.setContentType(v5.contentType());
        properties.setResponseTopic(v5.responseTopic());
        properties.setCorrelationData(v5.correlationData());
        properties.setMessageExpiryInterval(v5.messageExpirySeconds());
        return properties;
    }

    @Override
    public BrokerLimits limits() {
        return limits;
    }

    @Override
    public long packetSize(Outgoing message) {
        PacketSizes.checkEncodable(message); // Paho would write a longer string with a wrong length
        MqttMessage mqtt = new MqttMessage(message.payload());
        mqtt.setQos(message.qos());
        try {
            MqttPublish publish = new MqttPublish(message.topic(), mqtt, properties(message.properties()));
            return publish.getHeader().length + (long) publish.getPayloadLength();
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the MQTT client cannot encode it: " + e, e);
        }
    }

    @Override
    public boolean isConnected() {
        return client != null && client.isConnected();
    }

    @Override
    public void close() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                // the mqttv5 client never marks its DISCONNECT as sent, so it always waits the whole timeout: the
                // packet is written at once, half a second is plenty
                client.disconnectForcibly(0, DISCONNECT_WAIT_MS, 0, new MqttProperties());
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("Closing the MQTT client failed: {}", e.toString());
        }
    }

    /**
     * Paho's client, reading the broker's limits from the CONNACK of every connection: its automatic reconnection
     * connects through this method as well, and Paho tells this listener before the callback's connectComplete, so
     * {@link #limits} are the new broker's when the task hears of the reconnection. (Paho itself does not hold a
     * publish to the broker's Maximum Packet Size; nor does it say the limits of a reconnection anywhere else.)
     */
    private final class LimitsReadingClient extends MqttAsyncClient {

        LimitsReadingClient(String serverUri, String clientId) throws MqttException {
            super(serverUri, clientId, new MemoryPersistence());
        }

        @Override
        public IMqttToken connect(MqttConnectionOptions options, Object userContext, MqttActionListener callback)
                throws MqttException {
            return super.connect(options, userContext, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    limits = limitsOf(token.getResponseProperties());
                    if (callback != null) {
                        callback.onSuccess(token);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    if (callback != null) {
                        callback.onFailure(token, cause);
                    }
                }
            });
        }
    }

    /** Runs on Paho's threads: never throws, since an exception there would close the connection. */
    private static final class Callback implements MqttCallback {
        private final Listener listener;

        Callback(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                listener.reconnected(serverUri);
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            listener.lost(response.getException());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT error: {}", exception.toString());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            MqttProperties properties = message.getProperties();
            Mqtt5Properties v5 = null;
            if (properties != null) {
                List<Map.Entry<String, String>> user = new ArrayList<>();
                if (properties.getUserProperties() != null) {
                    for (UserProperty property : properties.getUserProperties()) {
                        user.add(Map.entry(property.getKey(), property.getValue()));
                    }
                }
                v5 = new Mqtt5Properties(user, properties.getContentType(), properties.getResponseTopic(),
                        properties.getCorrelationData(), properties.getMessageExpiryInterval());
            }
            listener.message(new Arrival(topic, message.getPayload(), message.getQos(), message.isRetained(),
                    message.isDuplicate(), message.getId(), v5));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
