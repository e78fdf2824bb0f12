package io.streamgrid.hazelcast.source;

import com.hazelcast.core.EntryEventType;
import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.queue.SourcePoller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns an item into the records of the statements that read its structure (poll() runs this through the shared
 * {@link SourcePoller}, which applies the bad-message policy to an item that cannot become records). Every record
 * carries the item's exact sequence as its offset and the hazelcast.* headers.
 *
 * <p>A map change (MAP_JOURNAL) writes the entry's new value keyed by the entry's key, and a tombstone for a
 * REMOVED, EVICTED or EXPIRED entry, so a compacted topic mirrors the map. With a WHERE it mirrors the entries the
 * condition keeps: a change whose new value it does not keep writes a tombstone if the old value was kept (the entry
 * left the view), and nothing otherwise. With {@code envelope = true} the value is {event, key, old_value,
 * new_value} instead, written for every change the WHERE keeps.
 */
final class ItemRecords implements SourcePoller.Items<SourceItem> {

    static final String STRUCTURE_HEADER = "hazelcast.structure";
    static final String TYPE_HEADER = "hazelcast.type";
    static final String SEQUENCE_HEADER = "hazelcast.sequence";
    static final String PARTITION_HEADER = "hazelcast.partition";
    static final String EVENT_HEADER = "hazelcast.event";
    static final String PUBLISH_TIME_HEADER = "hazelcast.publish.time";
    static final String PUBLISHER_HEADER = "hazelcast.publisher";

    private final Map<StructureId, List<SourceStatement>> statements;
    private final ConnectorMetrics metrics;
    private final ReadBudget budget;
    private final Envelopes envelopes = new Envelopes();

    /** @param budget what the reads may bring in; each item gives its share back as poll() takes it */
    ItemRecords(Map<StructureId, List<SourceStatement>> statements, ConnectorMetrics metrics, ReadBudget budget) {
        this.statements = Map.copyOf(statements);
        this.metrics = metrics;
        this.budget = budget;
    }

    /**
     * The item's records, one per statement that keeps it. Whether it makes records or not, its position is where
     * the task is now in its sequence (the heartbeats carry it when no record does).
     */
    @Override
    public List<SourceRecord> records(SourceItem item) {
        budget.taken(1, item.bytes());
        if (item.unreadable() != null) {
            throw new DataException("it cannot be read: " + item.unreadable().getMessage(), item.unreadable());
        }
        List<SourceStatement> readers = statements.getOrDefault(item.structure(), List.of());
        List<SourceRecord> records = new ArrayList<>(readers.size());
        Cursor.Position position = item.position();
        Map<String, Object> offset = StructureId.sourceOffset(position);
        for (SourceStatement statement : readers) {
            SourceRecord record = item.event() != null ? change(statement, item, offset) : item(statement, item,
                    offset);
            if (record == null) {
                metrics.filtered(statement.number(), 1);
            } else {
                records.add(record);
            }
        }
        item.cursor().handedOver(position);
        if (!records.isEmpty()) {
            item.cursor().offered(position);
        }
        return records;
    }

    /** A skipped item is passed over: the task is past it. */
    @Override
    public void skipped(SourceItem item) {
        item.cursor().handedOver(item.position());
    }

    /** A ringbuffer item or reliable topic message: its value, keyed by the WITHKEY fields if any. */
    private SourceRecord item(SourceStatement statement, SourceItem item, Map<String, Object> offset) {
        SchemaAndValue value = HazelcastValues.of(item.value(), statement.format());
        ConnectHeaders headers = statement.needsHeaders() ? headers(item) : null;
        RecordView view = view(item, null, value, headers);
        if (!statement.keeps(view)) {
            return null;
        }
        if (!statement.keyed()) {
            return record(statement, item, offset, statement.kafkaTopic(view), SchemaAndValue.NULL,
                    statement.project(view), headers);
        }
        SchemaAndValue keyed = new SchemaAndValue(Schema.STRING_SCHEMA, statement.key(view));
        RecordView named = view(item, keyed, value, headers);
        return record(statement, item, offset, statement.kafkaTopic(named), keyed, statement.project(view), headers);
    }

    /**
     * A map change: the new value or a tombstone, or the envelope. WITHFORMAT says how the values are written; the
     * key is converted by the default rules (a plain string key stays text whatever the values are).
     */
    private SourceRecord change(SourceStatement statement, SourceItem item, Map<String, Object> offset) {
        SchemaAndValue key = HazelcastValues.of(item.key(), null);
        ConnectHeaders headers = statement.needsHeaders() ? headers(item) : null;
        if (statement.envelope()) {
            SchemaAndValue envelope = envelopes.of(item.event(), key,
                    HazelcastValues.of(item.oldValue(), statement.format()),
                    HazelcastValues.of(item.value(), statement.format()));
            RecordView view = view(item, key, envelope, headers);
            return statement.keeps(view) ? record(statement, item, offset, statement.kafkaTopic(view), key,
                    statement.project(view), headers) : null;
        }
        if (!removes(item)) {
            SchemaAndValue value = HazelcastValues.of(item.value(), statement.format());
            RecordView view = view(item, key, value, headers);
            if (statement.keeps(view)) {
                return record(statement, item, offset, statement.kafkaTopic(view), key, statement.project(view),
                        headers);
            }
            if (item.oldValue() == null) {
                return null;
            }
        }
        RecordView old = view(item, key, HazelcastValues.of(item.oldValue(), statement.format()), headers);
        if (item.oldValue() != null && !statement.keeps(old)) {
            return null; // the entry was not in the view before either
        }
        return record(statement, item, offset, statement.kafkaTopic(old), key, SchemaAndValue.NULL, headers);
    }

    /** Whether the change takes the entry out of the map (a tombstone mirrors it). */
    private static boolean removes(SourceItem item) {
        EntryEventType event = item.event();
        return event == EntryEventType.REMOVED || event == EntryEventType.EVICTED || event == EntryEventType.EXPIRED
                || item.value() == null;
    }

    private static RecordView view(SourceItem item, SchemaAndValue key, SchemaAndValue value, ConnectHeaders headers) {
        return new RecordView(item.structure().name(), null, item.sequence(), timestamp(item),
                key == null ? null : key.schema(), key == null ? null : key.value(), value.schema(), value.value(),
                headers);
    }

    /** The record, with the headers unless the statement leaves them out. */
    private static SourceRecord record(SourceStatement statement, SourceItem item, Map<String, Object> offset,
                                       String topic, SchemaAndValue key, SchemaAndValue value,
                                       ConnectHeaders headers) {
        return new SourceRecord(item.cursor().sourcePartition(), offset, topic, null, key.schema(), key.value(),
                value.schema(), value.value(), timestamp(item), statement.headers() ? headers : null);
    }

    /** When the item came to be: a reliable topic message's publish time, else when the task read it. */
    private static long timestamp(SourceItem item) {
        return item.publishTime() != null ? item.publishTime() : item.readAtMs();
    }

    /** The hazelcast.* headers: where the item came from, which WHERE can read too. */
    private static ConnectHeaders headers(SourceItem item) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(STRUCTURE_HEADER, item.structure().name());
        headers.addString(TYPE_HEADER, item.structure().type().name());
        headers.addLong(SEQUENCE_HEADER, item.sequence());
        if (item.structure().type().partitioned()) {
            headers.addInt(PARTITION_HEADER, item.partition());
        }
        if (item.event() != null) {
            headers.addString(EVENT_HEADER, item.event().name());
        }
        if (item.publishTime() != null) {
            headers.addLong(PUBLISH_TIME_HEADER, item.publishTime());
        }
        if (item.publisher() != null) {
            headers.addString(PUBLISHER_HEADER, item.publisher());
        }
        return headers;
    }

    @Override
    public String describe(SourceItem item) {
        return item.describe();
    }

    @Override
    public long arrivalMs(SourceItem item) {
        return item.readAtMs();
    }

    /** The item as Hazelcast serialized it: its key and value bytes, with its headers and offset. */
    @Override
    public SourceRecord deadLetter(SourceItem item, String topic, ConnectHeaders errorHeaders) {
        ConnectHeaders headers = headers(item);
        errorHeaders.forEach(headers::add);
        byte[] key = HazelcastInternals.bytes(item.serializedKey());
        byte[] value = HazelcastInternals.bytes(item.serializedValue());
        Cursor.Position position = item.position();
        item.cursor().handedOver(position);
        item.cursor().offered(position);
        return new SourceRecord(item.cursor().sourcePartition(), StructureId.sourceOffset(position), topic,
                null, key == null ? null : Schema.BYTES_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA, value,
                timestamp(item), headers);
    }

    /** The envelope's schema, made once for each combination of key, old and new value schemas in a row. */
    private static final class Envelopes {
        private Schema key;
        private Schema old;
        private Schema value;
        private Schema envelope;

        SchemaAndValue of(EntryEventType event, SchemaAndValue keyed, SchemaAndValue before, SchemaAndValue after) {
            Schema oldSchema = before.schema() != null ? before.schema() : after.schema();
            Schema newSchema = after.schema() != null ? after.schema() : oldSchema;
            Schema keySchema = keyed.schema() == null ? Schema.OPTIONAL_STRING_SCHEMA : keyed.schema();
            oldSchema = oldSchema == null ? Schema.OPTIONAL_STRING_SCHEMA : oldSchema;
            newSchema = newSchema == null ? Schema.OPTIONAL_STRING_SCHEMA : newSchema;
            if (envelope == null || !Objects.equals(key, keySchema) || !Objects.equals(old, oldSchema)
                    || !Objects.equals(value, newSchema)) {
                key = keySchema;
                old = oldSchema;
                value = newSchema;
                envelope = SchemaBuilder.struct().name("io.streamgrid.hazelcast.MapChange")
                        .field("event", Schema.STRING_SCHEMA).field("key", keySchema)
                        .field("old_value", oldSchema).field("new_value", newSchema).build();
            }
            Struct struct = new Struct(envelope).put("event", event.name()).put("key", keyed.value())
                    .put("old_value", before.value()).put("new_value", after.value());
            return new SchemaAndValue(envelope, struct);
        }
    }
}
