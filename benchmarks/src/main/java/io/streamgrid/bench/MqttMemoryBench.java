package io.streamgrid.bench;

import io.streamgrid.mqtt.MqttSourceTask;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Case 6: the MQTT source while Kafka is unreachable. When the worker cannot produce it stops calling
 * {@code poll()}; the harness plays that worker (a started task that nobody polls) while 100k messages of 1 KiB
 * arrive at the broker, then measures the heap after a full GC against the heap before. The task must hold no more
 * than its queue ({@code connect.mqtt.queue.size}) and leave the rest with the broker; once "Kafka is back" (the
 * harness polls and commits) every QoS 1 message must still arrive.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "DM_GC", justification = "a benchmark: it collects garbage between runs so that one run "
        + "does not pay for the last, and to read the heap a run holds")
final class MqttMemoryBench {

    private static final int PAYLOAD = 1024;
    private static final int QUEUE = 1000;

    private final Mosquitto broker;
    private final int messages;

    MqttMemoryBench(Mosquitto broker, int messages) {
        this.broker = broker;
        this.messages = messages;
    }

    List<Result> run() throws Exception {
        List<Result> results = new ArrayList<>();
        for (int qos : new int[] {1, 0}) {
            results.add(measure(qos));
        }
        return results;
    }

    private Result measure(int qos) throws Exception {
        String topic = "memory" + qos;
        Map<String, String> props = Map.of(
                "name", "memory-bench",
                "connect.mqtt.hosts", broker.url(),
                "connect.mqtt.client.id", "memory-bench-" + qos,
                "connect.mqtt.clean", "true",
                "connect.mqtt.service.quality", String.valueOf(qos),
                "connect.mqtt.queue.size", String.valueOf(QUEUE),
                "connect.mqtt.kcql", "INSERT INTO " + topic + " SELECT * FROM " + topic + "/+/data");
        MqttSourceTask task = new MqttSourceTask();
        task.initialize(new Unpolled(props));
        task.start(props);
        try {
            long before = usedHeapAfterGc(); // the connected task, its client and an empty queue
            publish(topic);
            Sleep.millis(3000); // the client takes what it can
            long during = usedHeapAfterGc();
            double growthMiB = (during - before) / 1048576.0;
            double queueMiB = (double) QUEUE * PAYLOAD / 1048576.0;
            double allMiB = (double) messages * PAYLOAD / 1048576.0;
            long delivered = drain(task);
            System.out.printf("  MQTT QoS %d, nobody polling: heap grew %.1f MiB for %,d messages of %d bytes"
                    + " (queue %d = %.1f MiB of payload); %,d delivered once polled%n", qos, growthMiB, messages,
                    PAYLOAD, QUEUE, queueMiB, delivered);
            if (qos == 1 && delivered != messages) {
                throw new IllegalStateException("QoS 1: " + delivered + " of " + messages + " messages delivered");
            }
            // the limit: the queue's payload twice over, for the objects around each message
            return Result.atMost("6. MQTT QoS " + qos + ", Kafka unreachable, " + messages / 1000 + "k messages",
                    "heap growth", growthMiB, "MiB", 2 * queueMiB, String.format(
                            "(queue.size %d x %d B = %.1f MiB; holding all would take %.0f MiB; %,d of %,d delivered"
                                    + " once polled)", QUEUE, PAYLOAD, queueMiB, allMiB, delivered, messages));
        } finally {
            task.stop();
        }
    }

    /** "Kafka is back": polls and commits until nothing has come for 5 seconds. */
    private long drain(MqttSourceTask task) throws InterruptedException {
        long delivered = 0;
        long quietSince = System.nanoTime();
        while (delivered < messages && System.nanoTime() - quietSince < 5_000_000_000L) {
            List<SourceRecord> records = task.poll();
            if (records == null || records.isEmpty()) {
                continue;
            }
            quietSince = System.nanoTime();
            for (SourceRecord record : records) {
                task.commitRecord(record, null);
                delivered++;
            }
        }
        return delivered;
    }

    private void publish(String topic) throws MqttException {
        byte[] payload = new byte[PAYLOAD];
        byte[] json = "{\"device\":\"dev-1\",\"padding\":\"".getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(payload, (byte) 'x');
        System.arraycopy(json, 0, payload, 0, json.length);
        payload[PAYLOAD - 2] = '"';
        payload[PAYLOAD - 1] = '}';
        Gateway.publish(broker.url(), messages, i -> new Gateway.Message(topic + "/dev-" + (i % 100) + "/data",
                payload));
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Sleep.millis(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A worker that never polls: no stored offsets, no metrics. */
    private record Unpolled(Map<String, String> configs) implements SourceTaskContext {
        @Override
        public OffsetStorageReader offsetStorageReader() {
            return null;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
