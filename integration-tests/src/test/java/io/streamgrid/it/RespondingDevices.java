package io.streamgrid.it;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * MQTT 5 devices for the command-loop faults: they take every command on {@code <prefix>/+/cmd} (QoS 1, a session
 * the broker keeps while they are away), count how often each command id came (from the correlation data), and
 * answer each on its response topic with the correlation data, sending an answer again until the broker has it (a
 * device does not forget its answer because the broker restarted). Two connections for all, as a gateway's: one
 * that takes the commands in its session, and one with a clean start for the answers. Paho's MQTT 5 client (1.2.5)
 * sends its unacknowledged publishes again when it resumes a session, and mosquitto 2.0 closed that connection with
 * a protocol error each time (a device that both keeps a session and publishes never came back).
 */
final class RespondingDevices implements AutoCloseable {

    private final MqttClient client;
    private final MqttClient answering;
    private final ExecutorService answers = Executors.newSingleThreadExecutor();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private volatile boolean closed;

    RespondingDevices(String brokerUrl, String prefix) throws MqttException {
        client = new MqttClient(brokerUrl, "responding-devices-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(600L);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        options.setReceiveMaximum(1000);
        client.connect(options);
        answering = new MqttClient(brokerUrl, "responding-devices-answers-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectionOptions clean = new MqttConnectionOptions();
        clean.setCleanStart(true);
        clean.setAutomaticReconnect(true);
        clean.setAutomaticReconnectDelay(1, 2);
        answering.connect(clean);
        IMqttMessageListener onCommand = (topic, message) -> answers.execute(() -> answer(message));
        client.subscribe(new MqttSubscription[] {new MqttSubscription(prefix + "/+/cmd", 1)},
                new IMqttMessageListener[] {onCommand});
    }

    private void answer(MqttMessage command) {
        MqttProperties properties = command.getProperties();
        String id = new String(properties.getCorrelationData(), StandardCharsets.UTF_8);
        received.computeIfAbsent(id, i -> new AtomicInteger()).incrementAndGet();
        MqttProperties reply = new MqttProperties();
        reply.setCorrelationData(properties.getCorrelationData());
        MqttMessage answer = new MqttMessage(("{\"command_id\":\"" + id + "\",\"result\":\"ok\",\"received_at\":"
                + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8));
        answer.setQos(1);
        answer.setProperties(reply);
        while (!closed) {
            try {
                answering.publish(properties.getResponseTopic(), answer);
                return;
            } catch (MqttException e) {
                try {
                    TimeUnit.MILLISECONDS.sleep(100); // the broker is away: the client reconnects by itself
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Distinct command ids received. */
    int distinct() {
        return received.size();
    }

    /** Commands received, repeats included. */
    int deliveries() {
        return received.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    boolean receivedCommand(String id) {
        return received.containsKey(id);
    }

    @Override
    public void close() throws MqttException {
        closed = true;
        answers.shutdownNow();
        for (MqttClient connection : new MqttClient[] {client, answering}) {
            if (connection.isConnected()) {
                connection.disconnect();
            }
            connection.close();
        }
    }
}
