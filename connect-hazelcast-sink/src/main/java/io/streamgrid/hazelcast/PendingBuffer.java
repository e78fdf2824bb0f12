package io.streamgrid.hazelcast;

import io.streamgrid.hazelcast.Pipe.Pending;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The entries waiting for a structure's next batch. It grows as entries come and is handed over whole when the
 * batch goes; the next one starts at the size the last batch had (at most the batch size). A structure that gets a
 * few entries at a time so keeps a small buffer (each used to take the whole batch size, 10,000 slots, at once and
 * again after every batch: 40 MB of empty buffers at 1,000 structures), and a busy one does not grow its buffer again
 * for every batch. Not thread-safe: its pipe guards it.
 */
final class PendingBuffer {

    static final int SMALLEST = 16;

    private final int largestStart;
    private Pending[] items = new Pending[SMALLEST];
    private int size;

    /** @param largestStart the most slots a new buffer starts with (the batch size) */
    PendingBuffer(int largestStart) {
        this.largestStart = Math.max(SMALLEST, largestStart);
    }

    void add(Pending pending) {
        if (size == items.length) {
            items = Arrays.copyOf(items, items.length + (items.length >> 1));
        }
        items[size++] = pending;
    }

    /** Hands every entry over, in order, and starts again with room for as many (at most the batch size). */
    List<Pending> takeAll() {
        List<Pending> taken = Collections.unmodifiableList(Arrays.asList(items).subList(0, size));
        items = new Pending[Math.min(largestStart, Math.max(SMALLEST, size))];
        size = 0;
        return taken;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The slots the buffer holds now, used or not. */
    int capacity() {
        return items.length;
    }

    /** The lowest offset of {@code partition} buffered, {@code Long.MAX_VALUE} when there is none. */
    long lowestOffset(TopicPartition partition) {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            if (items[i].offset() < lowest && items[i].partition().equals(partition)) {
                lowest = items[i].offset();
            }
        }
        return lowest;
    }

    /** Removes the entries that match, keeping the order of the rest; returns how many it removed. */
    int removeIf(Predicate<Pending> filter) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!filter.test(items[i])) {
                items[kept++] = items[i];
            }
        }
        Arrays.fill(items, kept, size, null);
        int removed = size - kept;
        size = kept;
        return removed;
    }
}
