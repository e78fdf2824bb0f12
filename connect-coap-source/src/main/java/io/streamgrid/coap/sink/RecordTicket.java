package io.streamgrid.coap.sink;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A record taken by {@code put} until everything it started is finished: each of its requests answered and handled
 * (delivered, dead-lettered, dropped) and, with a reporter, each outcome written to Kafka. Only then may its offset
 * be committed. The parts finish on Californium's, the reporter's and the task's threads.
 */
final class RecordTicket {

    private final long offset;
    private final AtomicInteger open;
    private final Runnable onDone;

    /** @param onDone runs once, on the thread that finishes the last part (or abandons the ticket) */
    RecordTicket(long offset, int parts, Runnable onDone) {
        this.offset = offset;
        this.open = new AtomicInteger(parts);
        this.onDone = onDone;
    }

    long offset() {
        return offset;
    }

    void partDone() {
        if (open.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 1) {
            onDone.run();
        }
    }

    /** Its partition was taken from the task: what is still open no longer holds anything back. */
    void abandon() {
        if (open.getAndSet(0) > 0) {
            onDone.run();
        }
    }

    boolean done() {
        return open.get() == 0;
    }
}
