package io.streamgrid.hazelcast.writer;

/**
 * One thing to write: a value (String, byte[] or HazelcastJsonValue) and, for map-like structures, its
 * key. A null value on a map-like structure deletes the key (a Kafka tombstone).
 */
public record WriteEntry(Object key, Object value) {

    public boolean isDelete() {
        return value == null;
    }
}
