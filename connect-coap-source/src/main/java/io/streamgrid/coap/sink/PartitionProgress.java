package io.streamgrid.coap.sink;

import java.util.ArrayDeque;
import java.util.OptionalLong;

/**
 * The open records of one partition, in offset order, so that an offset is committed only up to the first record
 * not yet finished; requests to different devices finish in any order. Records finished behind one still open (a
 * device away for its rounds of retries, while the others answer) are dropped from time to time, so that what it
 * holds stays within twice the records open, not all that came since. Used on the task's thread only.
 */
final class PartitionProgress {

    /** The fewest tickets held before finished ones are looked for behind the first open one. */
    private static final int COMPACT_FROM = 1024;

    private final ArrayDeque<RecordTicket> open = new ArrayDeque<>();
    private int compactAt = COMPACT_FROM;
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
        if (open.size() >= compactAt) {
            open.removeIf(RecordTicket::done);
            compactAt = Math.max(COMPACT_FROM, 2 * open.size());
        }
    }

    /** The offset of the first record not yet finished, if any. */
    OptionalLong lowestOpen() {
        while (!open.isEmpty() && open.peek().done()) {
            open.poll();
        }
        return open.isEmpty() ? OptionalLong.empty() : OptionalLong.of(open.peek().offset());
    }

    /** How many tickets it holds, finished ones not yet dropped included. */
    int held() {
        return open.size();
    }

    /** The partition was taken from the task. */
    void abandon() {
        open.forEach(RecordTicket::abandon);
        open.clear();
    }
}
