package io.streamgrid.hazelcast.source;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a task is in one sequence of a structure: a ringbuffer or reliable topic (partition 0), or one partition of
 * a map's journal. Its next sequence and its read in flight are the reading thread's; the lag probe and the metrics
 * read the sequences; a read's answer comes in on Hazelcast's threads; {@code poll()} keeps the position of what it
 * has taken (for the heartbeats).
 */
final class Cursor {

    /** A sequence not known yet (the start position is resolved once the cluster answers). */
    static final long UNKNOWN = -1;

    /**
     * A position in a cluster's sequence: the task is done with the item at {@code sequence} and those before it (of
     * the cluster {@code cluster}, null when unknown), and goes on from the next after a restart.
     */
    record Position(long sequence, String cluster) {
    }

    private final StructureId structure;
    private final int partition;
    private final Map<String, Object> sourcePartition;
    private volatile long next = UNKNOWN;
    /** The newest sequence the structure held when last probed, or UNKNOWN. */
    private volatile long newest = UNKNOWN;
    /**
     * False while the next sequence is where the task chose to start (the oldest or the next item, as the cluster
     * said a moment before) rather than one it read up to: an item overwritten in between is no loss, so the first
     * answer's first sequence is the start.
     */
    private volatile boolean anchored;
    /** Whether a read is in flight (the reading thread's; volatile only for the lag probe's reads of the rest). */
    private volatile boolean reading;
    /** The read in flight, cancelled when the cursor moves (its answer would be of no use). */
    private CompletableFuture<?> inFlight;
    /** When the next read may be made after a failed one. */
    private volatile long retryAtMs;
    /** How many items the next read asks for: grows while reads come back full, shrinks while they do not. */
    private volatile int wanted;
    /** Counts the times the cursor was moved by hand; a read made before that is answered in vain. */
    private final AtomicInteger epoch = new AtomicInteger();
    /** The answer of the read in flight, from Hazelcast's thread to the reading thread. */
    private final AtomicReference<ReadLoop.Answer> answer = new AtomicReference<>();
    /** Whether the cursor waits in the reading thread's queue of answered cursors (it is there at most once). */
    private final AtomicBoolean queued = new AtomicBoolean();
    /**
     * The last item poll() took, for the heartbeats; before any, the item before a 'latest' start (so a restart goes
     * on from there rather than from the newest item then); null when unknown.
     */
    private volatile Position handedOver;
    /** The position the last record or heartbeat of this sequence carried (poll()'s only). */
    private Position offered;

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

    /** Starts at a sequence the task chose (from {@code start}, or a new cluster's oldest item): not anchored yet. */
    void startAt(long sequence) {
        next = sequence;
        anchored = false;
    }

    /** Goes on after a committed offset: anchored, so an item missing after it is a loss. */
    void resumeAt(long sequence) {
        next = sequence;
        anchored = true;
    }

    boolean anchored() {
        return anchored;
    }

    /** The first answer came: from now on a sequence that moves on by itself is a gap. */
    void anchor() {
        anchored = true;
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

    /** A read was made: {@code future} is its answer to come. */
    void reading(CompletableFuture<?> future) {
        reading = true;
        inFlight = future;
    }

    /** The read in flight was answered (or failed). */
    void answered() {
        reading = false;
        inFlight = null;
    }

    boolean due(long nowMs) {
        return !reading && next != UNKNOWN && nowMs >= retryAtMs;
    }

    void retryAt(long ms) {
        retryAtMs = ms;
    }

    int wanted() {
        return wanted;
    }

    void wanted(int items) {
        wanted = items;
    }

    int epoch() {
        return epoch.get();
    }

    /**
     * Moves the cursor to {@code sequence}, where the task chose to go on (not anchored): the read in flight is
     * cancelled and its answer, should it come all the same, dropped.
     */
    void restartAt(long sequence) {
        epoch.incrementAndGet();
        CompletableFuture<?> stale = inFlight;
        answered();
        startAt(sequence);
        if (stale != null) {
            stale.cancel(false);
        }
    }

    /**
     * Hands an answer over (Hazelcast's thread); true when the cursor is to be queued for the reading thread. An
     * answer older than the one waiting (made before the cursor moved, and past the loop's epoch check just before
     * the move) is dropped rather than kept: kept, it hid the new read's answer, and the cursor waited for good.
     */
    boolean answer(ReadLoop.Answer given) {
        while (true) {
            ReadLoop.Answer held = answer.get();
            if (held != null && held.epoch() > given.epoch()) {
                given.drop();
                return false; // the newer answer is queued already
            }
            if (answer.compareAndSet(held, given)) {
                if (held != null) {
                    held.drop();
                }
                return queued.compareAndSet(false, true);
            }
        }
    }

    /** Takes the answer handed over, if any (the reading thread, once it took the cursor from its queue). */
    ReadLoop.Answer takeAnswer() {
        queued.set(false);
        return answer.getAndSet(null);
    }

    Position handedOver() {
        return handedOver;
    }

    /** poll() took the item at {@code position}; before any, the item before a 'latest' start (StartPositions). */
    void handedOver(Position position) {
        handedOver = position;
    }

    Position offered() {
        return offered;
    }

    /** A record or heartbeat carries {@code position}. */
    void offered(Position position) {
        offered = position;
    }

    @Override
    public String toString() {
        return structure.type().partitioned() ? structure + " partition " + partition : structure.toString();
    }
}
