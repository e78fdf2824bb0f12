package io.streamgrid.mqtt.sink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The messages of one {@code put} call: the sink's batch, whose latency runs from put to its last answer. */
final class SendBatch {

    private final long startNanos = System.nanoTime();
    private final AtomicInteger remaining = new AtomicInteger();

    void added(int messages) {
        remaining.addAndGet(messages);
    }

    /** One message is answered; the batch's latency in ms when it was the last, else -1. */
    long messageDone() {
        return remaining.decrementAndGet() == 0
                ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) : -1;
    }
}
