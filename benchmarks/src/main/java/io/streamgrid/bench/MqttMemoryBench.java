package io.streamgrid.bench;

import io.streamgrid.common.config.SourceQueueConfig;
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
 * {@code poll()}; the harness plays that worker (a started task that nobody polls) while messages arrive at the
 * broker, then measures the heap after a full GC against the heap before. The task must hold no more than its queue
 * and leave the rest with the broker; once "Kafka is back" (the harness polls and commits) every QoS 1 message must
 * still arrive. Two shapes: 100k messages of 1 KiB, where the queue's count ({@code connect.mqtt.queue.size}) is the
 * bound, and 1 MiB messages, where its bytes ({@code connect.mqtt.queue.max.bytes}) are.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "DM_GC", justification = "a benchmark: it collects garbage between runs so that one run "
        + "does not pay for the last, and to read the heap a run holds")
final class MqttMemoryBench {

    private static final int QUEUE = 1000;
    private static final int SMALL = 1024;
    private static final int LARGE = 1024 * 1024;
    /** The byte bound for the 1 MiB case: eight messages' worth, where the count (1,000) would allow 1,000 MiB. */
    /**
     * Payload-sized arrays the Paho client holds outside the task's queue while the queue is full: its inbound buffer
     * ({@code CommsCallback.INBOUND_QUEUE_SIZE}, a fixed 10), the message its callback thread is handing to the full
     * queue, and the one its receiver thread has read and waits to buffer, twice (the message's payload, and the wire
     * packet {@code MqttInputStream} keeps in its {@code packet} field until the next read).
     */
    private static final int HELD_BY_CLIENT = 13;
    /** The task's own objects besides the messages (the 1 KiB case grows by about 0.2 MiB besides its payload). */
    private static final double OTHER_MIB = 2;
    private static final long LARGE_QUEUE_BYTES = 8L * LARGE;

    private final Mosquitto broker;
    private final int messages;
    private final int largeMessages;

    MqttMemoryBench(Mosquitto broker, int messages, int largeMessages) {
        this.broker = broker;
        this.messages = messages;
        this.largeMessages = largeMessages;
    }

    List<Result> run() throws Exception {
        List<Result> results = new ArrayList<>();
        for (int qos : new int[] {1, 0}) {
            results.add(measure(qos, messages, SMALL, SourceQueueConfig.MAX_BYTES_DEFAULT));
        }
        if (largeMessages > 0) {
            for (int qos : new int[] {1, 0}) {
                results.add(measure(qos, largeMessages, LARGE, LARGE_QUEUE_BYTES));
            }
        }
        return results;
    }

    private Result measure(int qos, int messages, int payloadBytes, long queueBytes) throws Exception {
        String topic = "memory" + qos + "_" + payloadBytes;
        Map<String, String> props = Map.of(
                "name", "memory-bench",
                "connect.mqtt.hosts", broker.url(),
                "connect.mqtt.client.id", "memory-bench-" + qos + "-" + payloadBytes,
                "connect.mqtt.clean", "true",
                "connect.mqtt.service.quality", String.valueOf(qos),
                "connect.mqtt.queue.size", String.valueOf(QUEUE),
                "connect.mqtt.queue.max.bytes", String.valueOf(queueBytes),
                "connect.mqtt.kcql", "INSERT INTO " + topic + " SELECT * FROM " + topic + "/+/data");
        MqttSourceTask task = new MqttSourceTask();
        task.initialize(new Unpolled(props));
        task.start(props);
        try {
            long before = usedHeapAfterGc(); // the connected task, its client and an empty queue
            publish(topic, messages, payloadBytes);
            Sleep.millis(3000); // the client takes what it can
            long during = usedHeapAfterGc();
            double growthMiB = (during - before) / 1048576.0;
            boolean bytesBound = queueBytes < (long) QUEUE * payloadBytes;
            double queueMiB = Math.min((double) QUEUE * payloadBytes, queueBytes) / 1048576.0;
            double allMiB = (double) messages * payloadBytes / 1048576.0;
            long delivered = drain(task, messages);
            String bound = bytesBound ? String.format("queue.max.bytes %.0f MiB", queueBytes / 1048576.0)
                    : String.format("queue.size %d x %,d B = %.1f MiB", QUEUE, payloadBytes, queueMiB);
            System.out.printf("  MQTT QoS %d, nobody polling: heap grew %.1f MiB for %,d messages of %,d bytes"
                    + " (%s); %,d delivered once polled%n", qos, growthMiB, messages, payloadBytes, bound, delivered);
            if (qos == 1 && delivered != messages) {
                throw new IllegalStateException("QoS 1: " + delivered + " of " + messages + " messages delivered");
            }
            // the limit: the messages the queue may hold plus those the client holds, each at what it takes on the heap
            int queued = (int) Math.min(QUEUE, queueBytes / payloadBytes);
            double limitMiB = (queued + HELD_BY_CLIENT) * heapBytesPerMessage(payloadBytes) / 1048576.0 + OTHER_MIB;
            String size = payloadBytes >= LARGE ? payloadBytes / LARGE + " MiB" : payloadBytes / 1024 + " KiB";
            return Result.atMost("6. MQTT QoS " + qos + ", Kafka unreachable, " + String.format("%,d", messages)
                    + " messages of " + size, "heap growth", growthMiB, "MiB", limitMiB, String.format(
                            "(%s, + %d payload arrays in the client; holding all would take %.0f MiB; %,d of %,d delivered "
                                    + "once polled)", bound, HELD_BY_CLIENT, allMiB, delivered, messages));
        } finally {
            task.stop();
        }
    }

    /** "Kafka is back": polls and commits until nothing has come for 5 seconds. */
    private long drain(MqttSourceTask task, int messages) throws InterruptedException {
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

    private void publish(String topic, int messages, int payloadBytes) throws MqttException {
        byte[] payload = new byte[payloadBytes];
        byte[] json = "{\"device\":\"dev-1\",\"padding\":\"".getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(payload, (byte) 'x');
        System.arraycopy(json, 0, payload, 0, json.length);
        payload[payloadBytes - 2] = '"';
        payload[payloadBytes - 1] = '}';
        Gateway.publish(broker.url(), messages, i -> new Gateway.Message(topic + "/dev-" + (i % 100) + "/data",
                payload));
    }

    /**
     * What one message takes on the heap: twice its payload for a small one (the payload, the record around it); for
     * a payload of half a G1 region or more, the whole regions G1 gives it as a humongous object (a 1 MiB payload
     * takes a 2 MiB region on a 4 GiB heap).
     */
    private static double heapBytesPerMessage(int payloadBytes) {
        long region = g1RegionBytes();
        if (region > 0 && payloadBytes + 16 >= region / 2) {
            return Math.ceil((payloadBytes + 16) / (double) region) * region;
        }
        return 2.0 * payloadBytes;
    }

    private static long g1RegionBytes() {
        try {
            return Long.parseLong(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException e) {
            return 0; // not G1, or not HotSpot
        }
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
