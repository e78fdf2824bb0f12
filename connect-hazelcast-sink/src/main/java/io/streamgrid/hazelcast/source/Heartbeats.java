package io.streamgrid.hazelcast.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeat records, as Debezium's: Kafka Connect commits a source offset only with a record, so a sequence whose
 * items make no record (a reliable topic nobody published to since the task started, items a WHERE keeps out) would
 * leave its offset behind. A restarted task would then start it again at {@code latest} and miss what was published
 * meanwhile, or find its old offset overwritten and report a gap. So every interval, for each sequence whose position
 * (the last item poll() took, or the item before a 'latest' start) is ahead of what its last record carried, the task
 * hands over a small record to the heartbeat topic with that position as its offset; it commits like any record,
 * after the records before it (and in their transaction with exactly-once). A sequence whose records carry its
 * position costs none. The first are due at the first poll, so an idle topic's start position is kept at once.
 */
final class Heartbeats {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    /** How long heartbeats may wait for Kafka before the task says why (a topic the worker cannot write). */
    static final long WAIT_WARNING_MS = 60_000;

    static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name("io.streamgrid.hazelcast.SourceHeartbeat")
            .field("structure", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
            .field("partition", Schema.INT32_SCHEMA).field("sequence", Schema.INT64_SCHEMA)
            .field("cluster", Schema.OPTIONAL_STRING_SCHEMA).build();

    private final String topic;
    private final long intervalMs;
    private long dueMs;
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private volatile long waitingSinceMs = -1;
    private long lastWarningMs = -1;

    /** @param intervalMs how often, 0 for never */
    Heartbeats(String topic, long intervalMs) {
        this.topic = topic;
        this.intervalMs = intervalMs;
    }

    /** The heartbeats due now (poll()'s thread), after the batch's records; empty when none. */
    List<SourceRecord> due(Map<ReadLoop.Structure, List<Cursor>> cursors, long nowMs) {
        if (intervalMs == 0 || cursors.isEmpty() || nowMs < dueMs) {
            return List.of();
        }
        dueMs = nowMs + intervalMs;
        List<SourceRecord> beats = new ArrayList<>(0);
        for (List<Cursor> sequences : cursors.values()) {
            for (Cursor cursor : sequences) {
                Cursor.Position position = cursor.handedOver();
                if (position != null && !position.equals(cursor.offered())) {
                    beats.add(record(cursor, position, nowMs));
                    cursor.offered(position);
                }
            }
        }
        if (!beats.isEmpty() && unacknowledged.getAndAdd(beats.size()) == 0) {
            waitingSinceMs = nowMs;
        }
        return beats;
    }

    private SourceRecord record(Cursor cursor, Cursor.Position position, long nowMs) {
        StructureId structure = cursor.structure();
        Struct value = new Struct(VALUE_SCHEMA).put("structure", structure.name()).put("type", structure.type().name())
                .put("partition", cursor.partition()).put("sequence", position.sequence())
                .put("cluster", position.cluster());
        return new SourceRecord(cursor.sourcePartition(), StructureId.sourceOffset(position), topic, null,
                Schema.STRING_SCHEMA, structure.type() + ":" + structure.name() + ":" + cursor.partition(),
                VALUE_SCHEMA, value, nowMs);
    }

    static boolean isHeartbeat(SourceRecord record) {
        return record.valueSchema() == VALUE_SCHEMA;
    }

    /** Kafka has a heartbeat (commitRecord). */
    void acknowledged() {
        if (unacknowledged.decrementAndGet() <= 0) {
            waitingSinceMs = -1;
        }
    }

    /**
     * Says, at most once a minute, that heartbeats have waited long for Kafka (the lag probe's thread): the worker
     * blocks on a topic that does not exist where the brokers do not create topics on first use, and the task's
     * records wait behind them.
     */
    void check(long nowMs) {
        long since = waitingSinceMs;
        if (since < 0 || nowMs - since < WAIT_WARNING_MS
                || lastWarningMs >= 0 && nowMs - lastWarningMs < WAIT_WARNING_MS) {
            return;
        }
        lastWarningMs = nowMs;
        LOG.warn("{} heartbeat record(s) to the topic '{}' have waited {} s for Kafka, and the task's records wait "
                + "behind them: does the topic exist? Brokers create a topic on first use only with "
                + "auto.create.topics.enable. Create it, or set {} = 0 to send no heartbeats (then a sequence "
                + "without records keeps no offset)", unacknowledged.get(), topic, (nowMs - since) / 1000,
                HazelcastSourceConfig.HEARTBEAT_INTERVAL_CONFIG);
    }
}
