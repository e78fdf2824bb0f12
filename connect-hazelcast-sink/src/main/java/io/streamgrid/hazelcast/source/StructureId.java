package io.streamgrid.hazelcast.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A structure a task reads: its type and name. With a partition it names the source partition a record's offset
 * belongs to, {@code {structure, type, partition}} (partition 0 for a ringbuffer or reliable topic, which has one
 * sequence; the map partition for a journal), so a restarted task finds the sequence to go on from.
 */
record StructureId(StructureType type, String name) {

    static final String STRUCTURE_KEY = "structure";
    static final String TYPE_KEY = "type";
    static final String PARTITION_KEY = "partition";
    static final String SEQUENCE_KEY = "sequence";
    static final String CLUSTER_KEY = "cluster";

    /**
     * The source partition of one of the structure's sequences. Its keys always come in this order: Connect stores
     * an offset under the partition's serialized form, which follows the map's order (Map.of's order changes from
     * one JVM to the next, and a restarted task would not find its offsets).
     */
    Map<String, Object> sourcePartition(int partition) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(STRUCTURE_KEY, name);
        map.put(TYPE_KEY, type.name());
        map.put(PARTITION_KEY, partition);
        return Collections.unmodifiableMap(map);
    }

    /**
     * The offset of {@code position}: a restarted task reads on from the next sequence if the cluster is still the
     * one whose id the offset holds; an offset of another cluster (every member restarted since) is of structures
     * that are gone. The id is left out while unknown; offsets committed before it was added have none, and are
     * taken to be the cluster's there is.
     */
    static Map<String, Object> sourceOffset(Cursor.Position position) {
        return position.cluster() == null ? Map.of(SEQUENCE_KEY, position.sequence())
                : Map.of(SEQUENCE_KEY, position.sequence(), CLUSTER_KEY, position.cluster());
    }

    /** The ringbuffer the task reads: a reliable topic's is {@code _hz_rb_<name>}. */
    String ringbuffer() {
        return type == StructureType.RELIABLE_TOPIC ? StructureType.TOPIC_RINGBUFFER_PREFIX + name : name;
    }

    @Override
    public String toString() {
        return type + " '" + name + "'";
    }
}
