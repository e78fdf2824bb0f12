package io.streamgrid.coap.sink;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.sink.SinkRecord;
import org.eclipse.californium.core.coap.CoAP;

/**
 * One request a record makes of one device, for one statement; sent again in its lane after a 5.xx, a timeout, a
 * 4.29 or a 4.08.
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

    /** How often the request was sent, in how many rounds, and when first; touched by one attempt at a time. */
    static final class Attempts {
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger inRound = new AtomicInteger();
        private final AtomicInteger rounds = new AtomicInteger(1);
        private volatile long firstSentAtMs = -1;
        private volatile boolean cancelled;

        /** Counts an attempt about to be sent; returns its number within the round, from 1. */
        int next() {
            if (firstSentAtMs < 0) {
                firstSentAtMs = System.currentTimeMillis();
            }
            sent.incrementAndGet();
            return inRound.incrementAndGet();
        }

        /** How many times it was sent in all. */
        int sent() {
            return sent.get();
        }

        /** A new round of retries (error policy RETRY): the count within the round starts over. */
        void nextRound() {
            inRound.set(0);
            rounds.incrementAndGet();
        }

        /** The round it is in, from 1. */
        int rounds() {
            return rounds.get();
        }

        long firstSentAtMs() {
            return firstSentAtMs;
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
