package io.streamgrid.common.config;

import io.streamgrid.common.queue.HandoffQueue;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Config fragment for a push source's handoff queue and poll: how many items and how many payload bytes may wait
 * between the client and Kafka, and how {@code poll()} drains them. The same keys in both sources.
 */
public record SourceQueueConfig(int size, long maxBytes, int pollBatchSize, Duration pollTimeout) {

    public static final String SIZE = "queue.size";
    public static final String MAX_BYTES = "queue.max.bytes";
    public static final String POLL_BATCH_SIZE = "poll.batch.size";
    public static final String POLL_TIMEOUT = "poll.timeout";
    public static final long MAX_BYTES_DEFAULT = 32L * 1024 * 1024;

    /**
     * Defines the four keys in {@code group} from 1 on.
     *
     * @param items    what waits ("MQTT messages", "CoAP responses"), for the docs
     * @param whenFull what happens when the queue is full, for the docs
     */
    public static void define(ConfigDef def, String prefix, String items, String whenFull, String group) {
        String p = prefix + ".";
        int order = 0;
        def.define(p + SIZE, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Most " + items + " waiting between the client and Kafka. " + whenFull,
                        group, ++order, Width.SHORT, "Queue size")
                .define(p + MAX_BYTES, Type.LONG, MAX_BYTES_DEFAULT, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Most payload bytes of the " + items + " waiting between the client and Kafka (32 MiB by "
                                + "default): the queue is full when either bound is reached, so large payloads cannot "
                                + "fill the worker's heap. One payload larger than this still passes, alone.",
                        group, ++order, Width.SHORT, "Queue bytes")
                .define(p + POLL_BATCH_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Most records handed to Kafka Connect in one poll.", group, ++order, Width.SHORT,
                        "Poll batch size")
                .define(p + POLL_TIMEOUT, Type.LONG, 1000L, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                        "Most milliseconds a poll waits for " + items + ".", group, ++order, Width.SHORT,
                        "Poll timeout (ms)");
    }

    public static SourceQueueConfig from(AbstractConfig config, String prefix) {
        String p = prefix + ".";
        return new SourceQueueConfig(config.getInt(p + SIZE), config.getLong(p + MAX_BYTES),
                config.getInt(p + POLL_BATCH_SIZE), Duration.ofMillis(config.getLong(p + POLL_TIMEOUT)));
    }

    /** The queue these settings describe; {@code weigher} gives an item's payload bytes. */
    public <T> HandoffQueue<T> newQueue(ToLongFunction<T> weigher) {
        return new HandoffQueue<>(size, maxBytes, weigher);
    }
}
