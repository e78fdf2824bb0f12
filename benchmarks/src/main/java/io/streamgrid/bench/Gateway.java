package io.streamgrid.bench;

import java.util.ArrayDeque;
import java.util.function.IntFunction;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Publishes a batch of device messages at QoS 1 the way a busy gateway does: 500 awaiting the broker's ack. */
final class Gateway {

    private static final int WINDOW = 500;

    private Gateway() {
    }

    /** A message: its MQTT topic and payload. */
    record Message(String topic, byte[] payload) {
    }

    /** Returns once the broker has acknowledged every message, so it holds all of them. */
    static void publish(String brokerUrl, int count, IntFunction<Message> message) throws MqttException {
        MqttAsyncClient publisher = new MqttAsyncClient(brokerUrl, "gateway-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(65_535); // the window limits; Paho frees a slot a little after the token completes
        publisher.connect(options).waitForCompletion();
        ArrayDeque<IMqttDeliveryToken> unacknowledged = new ArrayDeque<>();
        try {
            for (int i = 0; i < count; i++) {
                Message next = message.apply(i);
                unacknowledged.add(publisher.publish(next.topic(), next.payload(), 1, false));
                while (unacknowledged.size() >= WINDOW) {
                    unacknowledged.poll().waitForCompletion();
                }
            }
            while (!unacknowledged.isEmpty()) {
                unacknowledged.poll().waitForCompletion();
            }
        } finally {
            publisher.disconnect().waitForCompletion();
            publisher.close();
        }
    }
}
