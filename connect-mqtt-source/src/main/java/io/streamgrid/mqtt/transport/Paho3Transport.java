package io.streamgrid.mqtt.transport;

import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 with Eclipse Paho's mqttv3 client, acknowledging by hand ({@code setManualAcks}); it publishes at most
 * {@link Settings#maxInFlight} messages before the broker acknowledged them (3.1.1 brokers do not say how many they
 * take).
 */
public final class Paho3Transport implements MqttTransport {

    private static final Logger LOG = LoggerFactory.getLogger(Paho3Transport.class);

    private final Settings settings;
    private MqttAsyncClient client;

    public Paho3Transport(Settings settings) {
        this.settings = settings;
    }

    @Override
    public boolean connect(Listener listener, long timeoutMs) throws TransportException {
        try {
            client = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), new MemoryPersistence());
            client.setManualAcks(true);
            client.setCallback(new Callback(listener));
            IMqttToken connected = client.connect(options());
            connected.waitForCompletion(timeoutMs);
            return connected.getSessionPresent();
        } catch (MqttException e) {
            throw PahoCalls.failure(e);
        }
    }

    private MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setServerURIs(settings.serverUris().toArray(String[]::new));
        options.setCleanSession(settings.cleanSession());
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setConnectionTimeout(settings.connectionTimeoutSeconds());
        options.setAutomaticReconnect(true);
        options.setMaxInflight(settings.maxInFlight());
        options.setMaxReconnectDelay(settings.maxReconnectDelayMs());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().toCharArray());
        }
        options.setSocketFactory(settings.socketFactory());
        options.setHttpsHostnameVerificationEnabled(settings.hostnameVerification());
        return options;
    }

    @Override
    public int[] subscribeAndWait(String[] filters, int[] qos, long timeoutMs) throws TransportException {
        return PahoCalls.call(() -> {
            IMqttToken token = client.subscribe(filters, qos);
            token.waitForCompletion(timeoutMs);
            return token.getGrantedQos();
        });
    }

    @Override
    public void subscribe(String[] filters, int[] qos, Consumer<int[]> granted, Consumer<Throwable> failed)
            throws TransportException {
        try {
            client.subscribe(filters, qos, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    granted.accept(token.getGrantedQos());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    failed.accept(cause);
                }
            });
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
        try {
            client.publish(message.topic(), mqtt, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    outcome.acknowledged();
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

    @Override
    public BrokerLimits limits() {
        return BrokerLimits.NONE;
    }

    @Override
    public long packetSize(Outgoing message) {
        PacketSizes.checkEncodable(message);
        return PacketSizes.publish(message.topic(), message.qos(), message.payload().length);
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
                client.disconnectForcibly(0, 5000, false);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("Closing the MQTT client failed: {}", e.toString());
        }
    }

    /** Runs on Paho's threads: never throws, since an exception there would close the connection. */
    private static final class Callback implements MqttCallbackExtended {
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
        public void connectionLost(Throwable cause) {
            listener.lost(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            listener.message(new Arrival(topic, message.getPayload(), message.getQos(), message.isRetained(),
                    message.isDuplicate(), message.getId(), null));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
