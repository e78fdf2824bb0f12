package io.streamgrid.mqtt.sink;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record whose messages (one per statement that publishes it) are on their way. It is done once the broker has
 * acknowledged each, or each refused one went to the error policy: only then may its offset be committed.
 */
final class RecordDelivery {

    private final SinkRecord record;
    private final AtomicInteger remaining;
    private volatile boolean done;
    /** Its partition moved to another task: what of it fails in flight is not published again here. */
    private volatile boolean revoked;

    RecordDelivery(SinkRecord record, int messages) {
        this.record = record;
        this.remaining = new AtomicInteger(messages);
    }

    SinkRecord record() {
        return record;
    }

    long offset() {
        return record.kafkaOffset();
    }

    /** One message is settled; true when it was the last. */
    boolean messageDone() {
        if (remaining.decrementAndGet() == 0) {
            done = true;
            return true;
        }
        return false;
    }

    boolean done() {
        return done;
    }

    void revoke() {
        revoked = true;
    }

    boolean revoked() {
        return revoked;
    }
}
