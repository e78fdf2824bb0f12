package io.streamgrid.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts what each connector set aside in its dead-letter topic and keeps the reason of the latest, as an operator
 * reading those topics would: the sources' dead letters carry {@code streamgrid.error.reason}, the sink's (Kafka
 * Connect's own dead-letter queue, with context headers) {@code __connect.errors.exception.message}.
 */
final class DeadLetters implements AutoCloseable {

    /** A connector and the topic its bad input goes to. */
    record Topic(String connector, String name) {
    }

    private static final List<String> REASON_HEADERS = List.of("streamgrid.error.reason",
            "__connect.errors.exception.message");
    private static final int REASON_CHARS = 300;

    private final Map<String, Snapshot.DeadLetterTopic> byTopic = new LinkedHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private volatile boolean closed;

    DeadLetters(String bootstrapServers, List<Topic> topics) {
        for (Topic topic : topics) {
            byTopic.put(topic.name(), new Snapshot.DeadLetterTopic(topic.connector(), topic.name(), 0, null, 0));
        }
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.CLIENT_ID_CONFIG, "demo-dead-letters"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = topics.stream().map(topic -> new TopicPartition(topic.name(), 0)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = ReaderThread.start("dead-letters", this::read, () -> closed);
    }

    /** Counts what one poll brings ({@link #close()} wakes a poll up, which ends the reader). */
    private void read() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
            count(record);
        }
    }

    private void count(ConsumerRecord<byte[], byte[]> record) {
        String reason = null;
        for (String name : REASON_HEADERS) {
            Header header = record.headers().lastHeader(name);
            if (header != null && header.value() != null) {
                reason = new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        if (reason != null && reason.length() > REASON_CHARS) {
            reason = reason.substring(0, REASON_CHARS) + "...";
        }
        String why = reason == null ? "(no reason given)" : reason;
        synchronized (byTopic) {
            byTopic.computeIfPresent(record.topic(), (name, seen) -> new Snapshot.DeadLetterTopic(seen.connector(),
                    name, seen.count() + 1, why, record.timestamp()));
        }
    }

    /** Every dead-letter topic, in the order given, with what arrived in it so far. */
    List<Snapshot.DeadLetterTopic> snapshot() {
        synchronized (byTopic) {
            return new ArrayList<>(byTopic.values());
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        reader.join(5000);
        if (!reader.isAlive()) {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
