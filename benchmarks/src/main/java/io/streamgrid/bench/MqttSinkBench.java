package io.streamgrid.bench;

import com.sun.management.OperatingSystemMXBean;
import io.streamgrid.mqtt.connection.NoDelaySocketFactories;
import io.streamgrid.mqtt.sink.MqttSinkTask;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Case 7: the MQTT sink at QoS 1 against a raw Paho publisher with the same window of messages in flight, both to
 * mosquitto over MQTT 3.1.1, each message to its device's topic. The sink task is fed in-memory records in the
 * worker's batches and counts as done when preCommit lets the worker commit the last record (every message
 * acknowledged by the broker); the publisher when the broker acknowledged its last message. Payloads are the same
 * 100-byte JSON readings; the sink takes each topic from the record ({@code bench/sink/${device}}).
 */
final class MqttSinkBench {

    private static final String TOPIC = "bench";
    private static final int DEVICES = 1000;
    /** The sink's default connect.mqtt.max.in.flight, and the publisher's window. */
    private static final int WINDOW = 100;
    private static final int PUT_SIZE = 500; // the worker's default max.poll.records

    private final Mosquitto broker;
    private final int records;
    private final int rounds;
    private final List<String> values = new ArrayList<>();

    MqttSinkBench(Mosquitto broker, int records, int rounds) {
        this.broker = broker;
        this.records = records;
        this.rounds = rounds;
        for (int i = 0; i < records; i++) {
            values.add(Payloads.json100(i, DEVICES));
        }
    }

    /**
     * The baseline publishes with the sink's own socket settings (TCP_NODELAY, as the plugin's client sets it); a
     * publisher with Paho's defaults is measured too, for reference. Each figure is the best of its rounds.
     */
    List<Result> run() throws Exception {
        double ours = 0;
        double raw = 0;
        double rawDefaults = 0;
        for (int round = 1; round <= rounds; round++) {
            Measured noDelay = measured(() -> rawPublisher(NoDelaySocketFactories.plain()));
            Measured plain = measured(() -> rawPublisher(SocketFactory.getDefault()));
            String name = "r" + round;
            Measured sink = measured(() -> sink(name));
            raw = Math.max(raw, noDelay.rate());
            rawDefaults = Math.max(rawDefaults, plain.rate());
            ours = Math.max(ours, sink.rate());
            System.out.printf("  MQTT sink round %d: sink %s; raw Paho with TCP_NODELAY %s, with Paho's defaults %s%n",
                    round, sink, noDelay, plain);
        }
        String setup = "(" + WINDOW + " in flight for both, MQTT 3.1.1, " + String.format("%,d", records)
                + " messages of 100 B to " + DEVICES + " topics)";
        return List.of(new Result("7. MQTT sink QoS 1 vs raw Paho publisher", "MQTT sink QoS 1 (commit after PUBACK)",
                        ours, "Paho publisher, TCP_NODELAY", raw, "messages/s", 0.8, setup),
                new Result("7. MQTT sink QoS 1 vs raw Paho publisher, Paho's socket defaults",
                        "MQTT sink QoS 1 (commit after PUBACK)", ours, "Paho publisher", rawDefaults, "messages/s", 0,
                        "(for reference: Nagle's algorithm on)"));
    }

    /** A run's messages/s, and the CPU this JVM spent per message on it (the broker's is not counted). */
    private record Measured(double rate, double cpuMicrosPerMessage) {
        @Override
        public String toString() {
            return String.format("%,.0f/s (%.1f µs CPU/message)", rate, cpuMicrosPerMessage);
        }
    }

    private interface Run {
        double rate() throws Exception;
    }

    private Measured measured(Run run) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        double rate = run.rate();
        return new Measured(rate, (os.getProcessCpuTime() - cpuBefore) / 1000.0 / records);
    }

    /** Messages/s from the first put to the commit of the last record. */
    private double sink(String round) throws Exception {
        List<List<SinkRecord>> batches = new ArrayList<>();
        for (int from = 0; from < records; from += PUT_SIZE) {
            List<SinkRecord> batch = new ArrayList<>(PUT_SIZE);
            for (int i = from; i < Math.min(records, from + PUT_SIZE); i++) {
                batch.add(new SinkRecord(TOPIC, 0, Schema.STRING_SCHEMA, null, Schema.STRING_SCHEMA, values.get(i), i));
            }
            batches.add(batch);
        }
        Map<String, String> props = new HashMap<>();
        props.put("name", "bench-mqtt-sink-" + round + "-" + System.nanoTime());
        props.put("topics", TOPIC);
        props.put("connect.mqtt.hosts", broker.url());
        props.put("connect.mqtt.service.quality", "1");
        props.put("connect.mqtt.max.in.flight", String.valueOf(WINDOW));
        props.put("connect.mqtt.kcql", "INSERT INTO bench/sink/${device} SELECT * FROM " + TOPIC);
        MqttSinkTask task = new MqttSinkTask();
        task.initialize(new BenchSinkContext());
        task.start(props);
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try {
            return Timer.rate(records, () -> {
                for (List<SinkRecord> batch : batches) {
                    task.put(batch);
                }
                long committed = 0;
                while (committed < records) {
                    committed = task.preCommit(Map.of(partition, new OffsetAndMetadata(records))).get(partition)
                            .offset();
                }
            });
        } finally {
            task.stop();
        }
    }

    /** Messages/s of a Paho publisher that keeps at most {@link #WINDOW} messages unacknowledged. */
    private double rawPublisher(SocketFactory sockets) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.url(), "bench-pub-" + System.nanoTime(),
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(WINDOW);
        options.setSocketFactory(sockets);
        client.connect(options).waitForCompletion(10_000);
        Semaphore window = new Semaphore(WINDOW);
        CountDownLatch acknowledged = new CountDownLatch(records);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        IMqttActionListener onAck = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
                acknowledged.countDown();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                failure.set(cause);
                window.release();
                acknowledged.countDown();
            }
        };
        try {
            double rate = Timer.rate(records, () -> {
                for (String value : values) {
                    window.acquire();
                    MqttMessage message = new MqttMessage(value.getBytes(StandardCharsets.UTF_8));
                    message.setQos(1);
                    client.publish("bench/raw/" + Payloads.device(value), message, null, onAck);
                }
                if (!acknowledged.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the broker did not acknowledge every message");
                }
            });
            if (failure.get() != null) {
                throw new IllegalStateException("a publish failed: " + failure.get(), failure.get());
            }
            return rate;
        } finally {
            client.disconnect().waitForCompletion(5000);
            client.close();
        }
    }
}
