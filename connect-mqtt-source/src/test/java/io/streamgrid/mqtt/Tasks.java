package io.streamgrid.mqtt;

import io.streamgrid.common.testing.SourceTasks;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Helpers to run source tasks as the worker does, and to publish as a device does. */
final class Tasks {

    private Tasks() {
    }

    static Map<String, String> props(String hosts, String kcql, String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connect.mqtt.hosts", hosts);
        props.put("connect.mqtt.kcql", kcql);
        props.put("connect.mqtt.client.id", "test-" + System.nanoTime());
        props.put("connect.mqtt.poll.timeout", "200");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    static MqttSourceTask start(Map<String, String> props) {
        return SourceTasks.start(new MqttSourceTask(), props);
    }

    /** Polls until {@code count} records came (or the time is up), committing each as Kafka would if asked. */
    static List<SourceRecord> poll(MqttSourceTask task, int count, long timeoutMs, boolean commit)
            throws InterruptedException {
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (all.size() < count && System.nanoTime() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                all.addAll(batch);
                if (commit) {
                    batch.forEach(r -> task.commitRecord(r, null));
                }
            }
        }
        return all;
    }

    /** Polls for a while and returns whatever came, to show that nothing more does. */
    static List<SourceRecord> drain(MqttSourceTask task, long forMs, boolean commit) throws InterruptedException {
        return poll(task, Integer.MAX_VALUE, forMs, commit);
    }

    static MqttClient publisher(String url) throws MqttException {
        MqttClient client = new MqttClient(url, "publisher-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        client.connect(options);
        return client;
    }

    static void publish(MqttClient client, String topic, String payload, int qos) throws MqttException {
        client.publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos, false);
    }

    static void assertAllDistinct(List<String> values) {
        assertThat(values).doesNotHaveDuplicates();
    }
}
