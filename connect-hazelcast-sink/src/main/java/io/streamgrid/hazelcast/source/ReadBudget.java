package io.streamgrid.hazelcast.source;

/**
 * How much the task's reads may bring in before {@code poll()} takes it: the handoff queue's bounds, items
 * ({@code queue.size}) and bytes ({@code queue.max.bytes}), shared by every sequence the task reads (a journal task
 * reads a share of 271 partitions, each with a read of up to BATCH items in flight, and answers wait outside the
 * queue until it has room). What is held counts once read (items and their serialized bytes) until poll() takes
 * it; a read in flight counts what it asked for: its items, and in bytes as many items of the average size read so
 * far (before any was read, {@code queue.max.bytes / queue.size}, the average the bounds allow).
 *
 * <p>A read waits on the member until its sequence has an item, so the reads of quiet sequences may hold the whole
 * budget asked for: then a read may still ask for one item, from a reserve of one item per sequence, so the busy
 * sequences go on being read (in bytes only while less than {@code queue.max.bytes} is held). What is held and asked
 * for never exceeds the size plus the reserve in items, nor, in bytes, {@code queue.max.bytes} plus the reserve's
 * items, as far as the average size foretells an answer's (an item larger than the whole bound is read all the same,
 * as the queue takes it). When nothing may be asked for, no read is made until poll() takes items, and the reading
 * thread is woken then.
 */
final class ReadBudget {

    /** How much the latest answer weighs in the average item size (1/8: a few answers move it). */
    private static final int AVERAGE_OVER = 8;

    private final int size;
    private final long maxBytes;
    private final Runnable room;
    private int reserve;
    /** What the reads in flight asked for. */
    private long asked;
    /** Items read and not yet taken by poll(), and their bytes. */
    private long held;
    private long heldBytes;
    /** The average serialized size of an item read, 0 until one was read. */
    private long averageBytes;
    /** Whether a read was refused since (the reading thread waits for room). */
    private boolean waiting;

    /** @param room what to do when items were taken after a read was refused for want of room */
    ReadBudget(int size, long maxBytes, Runnable room) {
        this.size = size;
        this.maxBytes = maxBytes;
        this.room = room;
    }

    int size() {
        return size;
    }

    /** The reserve of single items: one per sequence the task reads. */
    synchronized void reserve(int items) {
        reserve = items;
    }

    /**
     * The items a read that wants {@code wanted} may ask for: at most what neither the items nor the bytes held and
     * asked for leave out; one from the reserve when that is nothing; none when the reserve is used up too.
     */
    synchronized int take(int wanted) {
        // before any item was read, an item is taken to be as large as the queue's bounds allow on average
        long itemBytes = averageBytes > 0 ? averageBytes : Math.max(1, maxBytes / size);
        long free = Math.min(size - held - asked, (maxBytes - heldBytes) / itemBytes - asked);
        // the reserve: counted in items; in bytes only while some are held, which poll() will take and free
        boolean reserved = held + asked < (long) size + reserve && (held == 0 || heldBytes < maxBytes);
        int granted = free >= 1 ? (int) Math.min(wanted, free) : reserved ? 1 : 0;
        if (granted == 0) {
            waiting = true;
        }
        asked += granted;
        return granted;
    }

    /** A read that asked for {@code share} brought {@code items} of {@code bytes} serialized bytes in all. */
    synchronized void answered(int share, int items, long bytes) {
        asked -= share;
        held += items;
        heldBytes += bytes;
        if (items > 0) {
            long average = Math.max(1, bytes / items);
            averageBytes = averageBytes == 0 ? average
                    : Math.max(1, averageBytes + (average - averageBytes) / AVERAGE_OVER);
        }
    }

    /** A read that asked for {@code share} brought nothing the task keeps (failed, or answered in vain). */
    void dropped(int share) {
        release(share, 0, 0);
    }

    /** poll() took {@code items} of {@code bytes} serialized bytes in all (or the task lets them go). */
    void taken(int items, long bytes) {
        release(0, items, bytes);
    }

    private void release(int share, int items, long bytes) {
        boolean wake;
        synchronized (this) {
            asked -= share;
            held -= items;
            heldBytes -= bytes;
            wake = waiting;
            waiting = false;
        }
        if (wake) {
            room.run();
        }
    }

    /** Items read and not taken, and asked for: what the reads hold or may still bring. */
    synchronized long inUse() {
        return held + asked;
    }

    /** The bytes of the items read and not taken. */
    synchronized long heldBytes() {
        return heldBytes;
    }
}
