package io.streamgrid.hazelcast.source;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a task is in one sequence of a structure: a ringbuffer or reliable topic (partition 0), or one partition of
 * a map's journal. Its next sequence is changed only by the reading thread; the lag probe and the metrics read it.
 */
final class Cursor {

    /** A sequence not known yet (the start position is resolved once the cluster answers). */
    static final long UNKNOWN = -1;

    private final StructureId structure;
    private final int partition;
    private final Map<String, Object> sourcePartition;
    private volatile long next = UNKNOWN;
    /** The newest sequence the structure held when last probed, or UNKNOWN. */
    private volatile long newest = UNKNOWN;
    /** Whether a read is in flight (the reading thread's; volatile only for the lag probe's reads of the rest). */
    private volatile boolean reading;
    /** When the next read may be made after a failed one. */
    private volatile long retryAtMs;
    /** Counts the times the cursor was moved by hand; a read made before that is answered in vain. */
    private final AtomicInteger epoch = new AtomicInteger();

    Cursor(StructureId structure, int partition) {
        this.structure = structure;
        this.partition = partition;
        this.sourcePartition = structure.sourcePartition(partition);
    }

    /** The source partition of this sequence's records. */
    Map<String, Object> sourcePartition() {
        return sourcePartition;
    }

    StructureId structure() {
        return structure;
    }

    int partition() {
        return partition;
    }

    long next() {
        return next;
    }

    void next(long sequence) {
        next = sequence;
    }

    void newest(long sequence) {
        newest = sequence;
    }

    /** Items still to read, as the last probe saw the structure; 0 while unknown. */
    long lag() {
        long n = next;
        long end = newest;
        return n == UNKNOWN || end == UNKNOWN ? 0 : Math.max(0, end + 1 - n);
    }

    boolean reading() {
        return reading;
    }

    void reading(boolean now) {
        reading = now;
    }

    boolean due(long nowMs) {
        return !reading && next != UNKNOWN && nowMs >= retryAtMs;
    }

    void retryAt(long ms) {
        retryAtMs = ms;
    }

    int epoch() {
        return epoch.get();
    }

    /** Moves the cursor to {@code sequence}, so that the answer of a read in flight is dropped. */
    void restartAt(long sequence) {
        epoch.incrementAndGet();
        next = sequence;
        reading = false;
    }

    @Override
    public String toString() {
        return structure.type().partitioned() ? structure + " partition " + partition : structure.toString();
    }
}
