package io.streamgrid.hazelcast.source;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.ReadResultSet;
import java.util.concurrent.CompletionStage;

/**
 * How one kind of structure is read. Reads are asynchronous and wait on the member until there is an item, so one
 * read per sequence is always in flight and an item reaches the task as soon as it is added.
 */
interface StructureReads {

    /** The reads for a structure of this type. */
    static StructureReads of(StructureType type) {
        return type == StructureType.MAP_JOURNAL ? new JournalReads() : new RingbufferReads(type);
    }

    /** Reads from the cursor's next sequence on: at least one item, at most {@code max}. */
    CompletionStage<? extends ReadResultSet<?>> read(HazelcastInstance client, Cursor cursor, int max);

    /**
     * The oldest sequence still there and the newest one, now; asynchronous where the client allows, so the bounds
     * of a journal's many partitions are asked for together.
     */
    CompletionStage<Bounds> bounds(HazelcastInstance client, Cursor cursor);

    /**
     * Item {@code i} of a read, deserialized; what cannot be deserialized is kept as unreadable. {@code cluster} is
     * the id of the cluster the read was made in (null when unknown).
     */
    SourceItem item(HazelcastInstance client, Cursor cursor, ReadResultSet<?> read, int i, long readAtMs,
                    String cluster);

    /** A sequence's range: items oldest..newest are there; newest is oldest - 1 when there are none. */
    record Bounds(long oldest, long newest) {
    }
}
