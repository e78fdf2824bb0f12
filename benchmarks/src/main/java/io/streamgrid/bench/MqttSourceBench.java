package io.streamgrid.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Case 3: how fast a subscriber drains a backlog that mosquitto holds for its persistent session — the MQTT source
 * in a real Connect worker (messages counted in Kafka; at QoS 1 each is acknowledged to the broker only after Kafka
 * has it) against a raw Paho subscriber (counted in its callback, acknowledged by Paho on receipt). A backlog, not
 * live publishing, so the publisher's speed is not what is measured.
 */
final class MqttSourceBench {

    private static final String FILTER = "bench/+/data";
    private static final int DEVICES = 1000;
    /** mosquitto's max_inflight_messages when its configuration does not set it. */
    private static final int DEFAULT_BROKER_WINDOW = 20;
    /** Enough for a whole tuned producer batch of these messages to await Kafka's acknowledgement. */
    private static final int RECEIVE_MAXIMUM = 5000;

    /**
     * The worker sends a source task's records with one produce request in flight; the default 16 KiB batch (about
     * 100 of these records) per request is what bounds a fast source, not the source. Users set these per connector.
     */
    static final Map<String, String> PRODUCER_TUNING = Map.of("producer.override.batch.size", "262144",
            "producer.override.linger.ms", "5");

    private final BenchCluster cluster;
    private final Mosquitto broker;
    private final int messages;
    private final int rounds;

    /** {@code broker}: in-flight window 1000. */
    MqttSourceBench(BenchCluster cluster, Mosquitto broker, int messages, int rounds) {
        this.cluster = cluster;
        this.broker = broker;
        this.messages = messages;
        this.rounds = rounds;
    }

    List<Result> run() throws MqttException {
        List<Result> results = new ArrayList<>();
        for (int qos = 0; qos <= 1; qos++) {
            double ours = 0;
            double raw = 0;
            for (int round = 1; round <= rounds; round++) {
                raw = Math.max(raw, rawSubscriber(broker, qos, "r" + round));
                ours = Math.max(ours, sourceConnector(broker, qos, "r" + round, PRODUCER_TUNING));
                System.out.printf("  MQTT QoS %d round %d: source %,.0f/s, raw Paho %,.0f/s%n", qos, round, ours, raw);
            }
            String mode = qos == 1 ? " (ack after commit)" : "";
            results.add(new Result("3. MQTT QoS " + qos + " into Kafka vs raw Paho subscriber",
                    "MQTT source QoS " + qos + mode, ours, "Paho subscriber", raw, "messages/s", 0.8,
                    "(producer.override.batch.size=262144, linger.ms=5; mosquitto max_inflight_messages 1000)"));
            double untuned = sourceConnector(broker, qos, "default", Map.of());
            System.out.printf("  MQTT QoS %d, the worker's default producer: source %,.0f/s%n", qos, untuned);
            results.add(new Result("3. MQTT QoS " + qos + ", the worker's default producer settings",
                    "MQTT source QoS " + qos + mode, untuned, "Paho subscriber", raw, "messages/s", 0,
                    "(batch.size 16 KiB, one request in flight)"));
        }
        results.add(receiveMaximum());
        return results;
    }

    /**
     * Case 3b: ack-after-commit at QoS 1 against a broker left at mosquitto's default window (20 messages awaiting
     * PUBACK per client). At MQTT 3.1.1 only the broker sets that window; at MQTT 5 the client's Receive Maximum
     * does, so the source can keep a whole producer batch in flight while Kafka commits the previous one.
     */
    private Result receiveMaximum() throws MqttException {
        double v311 = 0;
        double v5 = 0;
        try (Mosquitto defaultWindow = new Mosquitto(DEFAULT_BROKER_WINDOW)) {
            for (int round = 1; round <= rounds; round++) {
                Map<String, String> v3config = new HashMap<>(PRODUCER_TUNING);
                v311 = Math.max(v311, sourceConnector(defaultWindow, 1, "w20v3r" + round, v3config));
                Map<String, String> v5config = new HashMap<>(PRODUCER_TUNING);
                v5config.put("connect.mqtt.version", "5");
                v5config.put("connect.mqtt.receive.maximum", String.valueOf(RECEIVE_MAXIMUM));
                v5 = Math.max(v5, sourceConnector(defaultWindow, 1, "w20v5r" + round, v5config));
                System.out.printf("  MQTT QoS 1, broker window %d, round %d: MQTT 5 (Receive Maximum %d) %,.0f/s, "
                        + "MQTT 3.1.1 %,.0f/s%n", DEFAULT_BROKER_WINDOW, round, RECEIVE_MAXIMUM, v5, v311);
            }
        }
        return new Result("3b. MQTT QoS 1 (ack after commit), MQTT 5 vs 3.1.1, broker's default window",
                "MQTT 5, receive.maximum " + RECEIVE_MAXIMUM, v5, "MQTT 3.1.1", v311, "messages/s", 1.0,
                "(mosquitto max_inflight_messages " + DEFAULT_BROKER_WINDOW + " = its default; producer as in 3)");
    }

    private double rawSubscriber(Mosquitto broker, int qos, String run) throws MqttException {
        String clientId = "raw-" + qos + "-" + run;
        AtomicLong received = new AtomicLong();
        MqttClient subscriber = new MqttClient(broker.url(), clientId, new MemoryPersistence());
        subscriber.setCallback(new Counting(received));
        subscriber.connect(options(false));
        subscriber.subscribe(FILTER, qos);
        subscriber.disconnect();
        publishBacklog(broker);
        try {
            subscriber.connect(options(false));
            return Progress.rate("raw Paho subscriber QoS " + qos, received::get, 0, messages);
        } finally {
            subscriber.disconnect();
            subscriber.close();
            forgetSession(broker, clientId);
        }
    }

    /** {@code extra}: settings added to the connector's (producer overrides; for 3b also the MQTT version). */
    private double sourceConnector(Mosquitto broker, int qos, String run, Map<String, String> extra)
            throws MqttException {
        String name = "mqtt_qos" + qos + "_" + run;
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.streamgrid.mqtt.MqttSourceConnector");
        config.put("tasks.max", "1");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("connect.mqtt.hosts", broker.url());
        config.put("connect.mqtt.client.id", name);
        config.put("connect.mqtt.service.quality", String.valueOf(qos));
        config.put("connect.mqtt.kcql", "INSERT INTO " + name + " SELECT * FROM " + FILTER);
        config.putAll(extra);
        cluster.connect.kafka().createTopic(name, 1);
        cluster.start(name, config, 1);
        try {
            // one message through, so the subscription is in place before the connector is stopped
            publish(broker, 1);
            Progress.await(name + " subscribing", () -> cluster.recordsIn(name), 1);
            cluster.connect.stopConnector(name);
            cluster.connect.assertions().assertConnectorIsStopped(name, name + " did not stop");
            publishBacklog(broker);
            cluster.connect.resumeConnector(name);
            double rate = Progress.rate("MQTT source QoS " + qos, () -> cluster.recordsIn(name), 1, messages + 1L);
            long stored = cluster.recordsIn(name);
            if (stored != messages + 1L) {
                throw new IllegalStateException(name + ": " + stored + " records in Kafka, not " + (messages + 1));
            }
            return rate;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            cluster.delete(name);
            forgetSession(broker, name);
        }
    }

    /** The backlog: QoS 1 publishes, so mosquitto has every message before the subscriber comes back. */
    private void publishBacklog(Mosquitto broker) throws MqttException {
        publish(broker, messages);
    }

    private static void publish(Mosquitto broker, int count) throws MqttException {
        Gateway.publish(broker.url(), count, i -> {
            String value = Payloads.json100(i, DEVICES);
            return new Gateway.Message("bench/" + Payloads.device(value) + "/data",
                    value.getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Ends a persistent session so the broker frees what it kept for it. */
    private static void forgetSession(Mosquitto broker, String clientId) throws MqttException {
        MqttClient client = new MqttClient(broker.url(), clientId, new MemoryPersistence());
        client.connect(options(true));
        client.disconnect();
        client.close();
    }

    private static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setAutomaticReconnect(false);
        return options;
    }

    private record Counting(AtomicLong received) implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.incrementAndGet();
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
