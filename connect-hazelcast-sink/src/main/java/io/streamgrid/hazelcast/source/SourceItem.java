package io.streamgrid.hazelcast.source;

import com.hazelcast.core.EntryEventType;

/**
 * One item read from Hazelcast, on its way from the reading thread to {@code poll()}: where it came from, what it
 * holds (deserialized on the reading thread), and its serialized form for a dead letter.
 *
 * @param cursor         the sequence it was read from (only its structure and partition are used here)
 * @param cluster        the id of the cluster it was read from, for its offset (null when unknown)
 * @param event          the map change (MAP_JOURNAL), else null
 * @param key            the map entry's key (MAP_JOURNAL), else null
 * @param value          the item, the topic message's payload, or the entry's new value
 * @param oldValue       the entry's value before the change (MAP_JOURNAL), else null
 * @param publishTime    when the reliable topic message was published (epoch ms), else null
 * @param publisher      the member that published the reliable topic message ("host:port"), else null
 * @param unreadable     why the item could not be deserialized (a class the worker lacks), else null
 * @param serializedKey   the key as Hazelcast serialized it (opaque; {@link HazelcastInternals#bytes}), else null
 * @param serializedValue the value as Hazelcast serialized it (opaque), else null
 * @param bytes          the item's serialized size, for the queue's byte bound
 */
record SourceItem(Cursor cursor, long sequence, String cluster, long readAtMs, EntryEventType event,
                  Object key, Object value, Object oldValue, Long publishTime, String publisher,
                  RuntimeException unreadable, Object serializedKey, Object serializedValue, int bytes) {

    StructureId structure() {
        return cursor.structure();
    }

    int partition() {
        return cursor.partition();
    }

    /** Where the item is: the position a record of it carries as its offset. */
    Cursor.Position position() {
        return new Cursor.Position(sequence, cluster);
    }

    /** "item 42 of RING_BUFFER 'orders'", "event 7 (UPDATED) in partition 3 of MAP_JOURNAL 'state'". */
    String describe() {
        if (event != null) {
            return "event " + sequence + " (" + event + ") in partition " + partition() + " of " + structure();
        }
        return (structure().type() == StructureType.RELIABLE_TOPIC ? "message " : "item ") + sequence + " of "
                + structure();
    }
}
