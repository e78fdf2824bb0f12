package io.streamgrid.coap.sink;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * The open records of one partition, in offset order, so that an offset is committed only up to the first record
 * not yet finished; requests to different devices finish in any order. Used on the task's thread only.
 */
final class PartitionProgress {

    private final ArrayDeque<RecordTicket> open = new ArrayDeque<>();
    /** The highest offset taken: a redelivery after a retry is not taken twice. */
    private long highestTaken = -1;

    /** Whether the record at {@code offset} is new (and now taken). */
    boolean take(long offset) {
        if (offset <= highestTaken) {
            return false;
        }
        highestTaken = offset;
        return true;
    }

    void add(RecordTicket ticket) {
        open.add(ticket);
    }

    /** The offset of the first record not yet finished, if any. */
    OptionalLong lowestOpen() {
        while (!open.isEmpty() && open.peek().done()) {
            open.poll();
        }
        return open.isEmpty() ? OptionalLong.empty() : OptionalLong.of(open.peek().offset());
    }

    /** The partition was taken from the task. */
    void abandon() {
        open.forEach(RecordTicket::abandon);
        open.clear();
    }
}
