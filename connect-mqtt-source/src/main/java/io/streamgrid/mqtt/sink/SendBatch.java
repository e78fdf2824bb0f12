package io.streamgrid.mqtt.sink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The messages of one {@code put} call: the sink's batch, whose latency runs from put to its last answer. The broker
 * may answer the first messages while put still adds the next (the client's thread publishes what waits), so the
 * batch counts put itself as one more answer to wait for, given by {@link #allAdded}: it ends once, with its last
 * answer, however the answers and the adding interleave.
 */
final class SendBatch {

    private final long startNanos = System.nanoTime();
    /** Messages not yet answered, and one for the put that is still adding. */
    private final AtomicInteger remaining = new AtomicInteger(1);
    /** Whether put added any message: a put that added none is no batch. */
    private volatile boolean hasMessages;

    void added(int messages) {
        if (messages > 0) {
            hasMessages = true;
        }
        remaining.addAndGet(messages);
    }

    /** Put added its last message; the batch's latency in ms when every message was answered already, else -1. */
    long allAdded() {
        return remaining.decrementAndGet() == 0 && hasMessages ? latencyMs() : -1;
    }

    /** One message is answered; the batch's latency in ms when it was the last and put added everything, else -1. */
    long messageDone() {
        return remaining.decrementAndGet() == 0 ? latencyMs() : -1;
    }

    private long latencyMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
