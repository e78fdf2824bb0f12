package io.streamgrid.coap.sink;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.coap.CoAP;

/**
 * One request a record makes of one device, for one statement; sent again in its lane after a 5.xx or a timeout.
 *
 * @param statement the statement's place in the KCQL, from 1
 * @param lane      the key of the lane it waits in: requests of one lane go one at a time, in order
 */
record Delivery(SinkRecord record, RecordTicket ticket, DeviceStatement statement, int statementNumber, URI uri,
                String lane, DeviceStatement.Request request, Attempts attempts) {

    Delivery(SinkRecord record, RecordTicket ticket, DeviceStatement statement, int statementNumber,
             DeviceStatement.Request request, String lane) {
        this(record, ticket, statement, statementNumber, request.uri(), lane, request, new Attempts());
    }

    CoAP.Code method() {
        return statement.method();
    }

    boolean secure() {
        return "coaps".equalsIgnoreCase(uri.getScheme());
    }

    int payloadBytes() {
        return request.payload().bytes().length;
    }

    /** How often the request was sent, and when first; touched by one attempt at a time. */
    static final class Attempts {
        private final AtomicInteger count = new AtomicInteger();
        private volatile long firstSentAtMs = -1;
        private volatile boolean cancelled;
        private volatile boolean answered;

        /** Counts an attempt about to be sent; returns its number, from 1. */
        int next() {
            if (firstSentAtMs < 0) {
                firstSentAtMs = System.currentTimeMillis();
            }
            return count.incrementAndGet();
        }

        /** A new round of retries (error policy RETRY): the count starts over, the first send time stays. */
        void startOver() {
            count.set(0);
        }

        long firstSentAtMs() {
            return firstSentAtMs;
        }

        /** The device answered 2.xx or 4.xx: the request will not be sent again. */
        void answered() {
            answered = true;
        }

        boolean isAnswered() {
            return answered;
        }

        /** Its partition was taken from the task: it is not sent (again). */
        void cancel() {
            cancelled = true;
        }

        boolean cancelled() {
            return cancelled;
        }
    }
}
