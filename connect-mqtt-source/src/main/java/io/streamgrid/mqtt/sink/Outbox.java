package io.streamgrid.mqtt.sink;

import io.streamgrid.mqtt.transport.MqttTransport;
import io.streamgrid.mqtt.transport.MqttTransport.Outgoing;
import io.streamgrid.mqtt.transport.TransportException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of a sink task between {@code put} and the broker's acknowledgement, in the order the records came:
 * at most {@code window} are published and unacknowledged at once; the rest wait. Messages are published in order
 * on one connection, so each MQTT topic gets its messages in the order of the records.
 * <p>
 * When the connection is lost, the client fails every message in flight (the broker may or may not have it). Those
 * go back to the head of the line, in their order, once nothing of the old connection is in flight, and are
 * published again after the client reconnected: a message is never given up because a connection failed, and one
 * the broker had already may arrive twice (at least once).
 * <p>
 * Whoever finds room in the window publishes what waits: while {@code put} waits for room, the task's thread, as the
 * broker's answers make room (the client's callback thread then only takes the answers); otherwise the callback
 * thread, after each answer. One of them at a time (see {@link #send}), so the order holds.
 * <p>
 * A message after which the broker closes the connection (more than a 3.1.1 broker's packet limit, a publish it
 * disconnects for) would fail with every connection: when losses follow each other with nothing answered and the
 * same message first among those that failed, what failed is published again one at a time, and a message the
 * connection is lost for, alone, {@link #LONE_LOSSES_FOR_A_BAD_RECORD} times in a row is refused as bad data.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Paho's reason code for a publish beyond its window (the same in both clients). */
    private static final int CLIENT_WINDOW_FULL = 32202;
    private static final long OTHER_SENDER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Losses in a row, nothing answered between them and the same message first to fail: one at a time then. */
    static final int LOSSES_BEFORE_ISOLATION = 2;
    /**
     * Losses in a row with one message alone in flight before it counts as the cause; a broker that merely restarts
     * twice within one message's round trip is not taken for a refusal.
     */
    static final int LONE_LOSSES_FOR_A_BAD_RECORD = 3;

    /** A message of a record, on its way. */
    record Pending(long sequence, Outgoing message, RecordDelivery delivery, SendBatch batch) {
    }

    /** What the outbox tells the task; called on the client's threads, outside the outbox's lock. */
    interface Events {
        /** The broker acknowledged the message (QoS 0: it was written to the connection). */
        void acknowledged(Pending message);

        /**
         * The message was refused (by the broker with an MQTT 5 reason code of 0x80 or above, or by the client): bad
         * data, never sent again.
         */
        void refused(Pending message, String why);

        /** The connection failed with the message in flight; it is published again after the reconnection. */
        void failed(Pending message, Throwable cause);

        /** The message's partition moved to another task, and it failed in flight: not published here again. */
        void dropped(Pending message);
    }

    private final Object lock = new Object();
    /**
     * Publishers hold it (read) from taking a message until the client has it, and a lost connection takes it
     * (write) to close the outbox: a message taken before a loss is handed to the old connection (and fails with
     * it), never to the next one ahead of what failed. Paho fails the old connection's messages, then calls
     * connectionLost, holding none of its locks, and its publish never blocks: no deadlock.
     */
    private final ReentrantReadWriteLock connection = new ReentrantReadWriteLock();
    private final Events events;
    /** Not yet published, or to be published again, in order. */
    private final Deque<Pending> waiting = new ArrayDeque<>();
    private final Map<Long, Pending> inFlight = new HashMap<>();
    /** Failed in flight; back to the head of {@link #waiting} once nothing of the old connection is in flight. */
    private final List<Pending> failed = new ArrayList<>();
    private long waitingBytes;
    private long nextSequence;
    private int window;
    /** Set once the client connected; read by whichever thread publishes, without the lock. */
    private volatile MqttTransport transport;
    /** Whether the connection takes messages; false from a lost connection until the client reconnected. */
    private boolean open;
    /** One thread publishes at a time; another that finds it busy leaves it a note to look again. */
    private boolean sending;
    private boolean lookAgain;
    /** Acknowledgements and refusals so far: a sign of progress for a task that waits for room. */
    private long answers;
    /** Whether the task's thread waits for nothing left at all; the client's threads wake it only then. */
    private boolean wakeWhenEmpty;
    /**
     * While the task's thread waits for room it publishes what the answers make room for, so the client's callback
     * thread only takes the answers (as with a plain publisher, whose own thread publishes while the client's threads
     * take the acknowledgements), and the answers are not held up behind the client's publish work.
     */
    private boolean taskPublishes;
    /**
     * Finding the message the connection is lost for: a QoS 2 message the broker refuses (Paho's mqttv5 client drops
     * the connection at such a PUBREC, and every message in flight fails with the broker's reason code), or one after
     * which the broker closes the connection. What failed is published again one at a time until the message that
     * makes the connection drop alone is found and refused as bad data, or the last of them ({@link #isolateThrough})
     * is answered; otherwise it would be published again for ever.
     */
    private boolean isolating;
    private long isolateThrough = -1;
    /** The last loss: the answers counted then, the first message that failed, and how many such losses in a row. */
    private long answersAtLoss = -1;
    private long firstAtLoss = -1;
    private int lossesInARow;
    private int loneLossesInARow;
    /** Whether a message failed in this loss with the broker's reason code (a refused QoS 2 PUBREC). */
    private boolean refusedInThisLoss;

    Outbox(Events events) {
        this.events = events;
    }

    /** The connection to publish on (after it connected), and how many messages may be in flight on it. */
    void open(MqttTransport transport, int window) {
        synchronized (lock) {
            this.transport = transport;
            this.window = Math.max(1, window);
            this.open = true;
        }
        send();
    }

    /**
     * The connection was lost: nothing is published until {@link #reopened}. Waits for a publisher handing a message
     * to the client (unless called from within that publish).
     */
    void closed() {
        if (connection.getReadHoldCount() > 0) { // called from within a publish: it holds the read lock
            markClosed();
            return;
        }
        connection.writeLock().lock();
        try {
            markClosed();
        } finally {
            connection.writeLock().unlock();
        }
    }

    private void markClosed() {
        synchronized (lock) {
            open = false;
            lock.notifyAll(); // a task waiting for the outbox to empty stops waiting
        }
    }

    /** The client reconnected: what failed, and what waits, is published now. */
    void reopened(int newWindow) {
        synchronized (lock) {
            window = Math.max(1, newWindow);
            open = true;
        }
        send();
    }

    /** Appends messages, in order, behind those that wait; {@link #send} publishes them. */
    void add(List<Outgoing> messages, RecordDelivery delivery, SendBatch batch) {
        synchronized (lock) {
            for (Outgoing message : messages) {
                waiting.addLast(new Pending(nextSequence++, message, delivery, batch));
                waitingBytes += message.payload().length;
            }
        }
    }

    /** Publishes what waits, as far as the window allows; returns at once if another thread is at it. */
    void send() {
        synchronized (lock) {
            if (sending) {
                lookAgain = true;
                return;
            }
            sending = true;
        }
        while (true) {
            connection.readLock().lock();
            try {
                Pending next;
                synchronized (lock) {
                    next = next();
                    if (next == null) {
                        if (lookAgain) {
                            lookAgain = false;
                            continue;
                        }
                        sending = false;
                        return;
                    }
                }
                if (!publish(next)) {
                    return;
                }
            } finally {
                connection.readLock().unlock();
            }
        }
    }

    /** The next message to publish, moved in flight; null when none may go now. Holds the lock. */
    private Pending next() {
        if (!failed.isEmpty() && inFlight.isEmpty()) {
            failed.sort(Comparator.comparingLong(Pending::sequence));
            for (int i = failed.size() - 1; i >= 0; i--) {
                Pending again = failed.get(i);
                waiting.addFirst(again);
                waitingBytes += again.message().payload().length;
            }
            failed.clear();
        }
        if (!open || !failed.isEmpty() || inFlight.size() >= room() || waiting.isEmpty()) {
            return null;
        }
        Pending next = waiting.pollFirst();
        waitingBytes -= next.message().payload().length;
        inFlight.put(next.sequence(), next);
        return next;
    }

    /** How many messages may be in flight now: one while finding the message the connection is lost for. */
    private int room() {
        return isolating ? 1 : window;
    }

    /**
     * Hands a message to the client; false when it did not take it. A message the client refuses as it is (a
     * RuntimeException: a topic Paho finds malformed) is refused like one the broker refuses; one it cannot take
     * now (not connected, its own window full) is first in line again, until the connection is back or an answer
     * makes room.
     */
    private boolean publish(Pending pending) {
        try {
            transport.publish(pending.message(), new Outcome(pending));
            return true;
        } catch (RuntimeException e) {
            events.refused(pending, "the MQTT client refused it: " + e.getMessage());
            synchronized (lock) {
                inFlight.remove(pending.sequence());
                answers++;
                wakeWaiterIfDue();
            }
            return true;
        } catch (TransportException e) {
            synchronized (lock) {
                inFlight.remove(pending.sequence());
                waiting.addFirst(pending);
                waitingBytes += pending.message().payload().length;
                if (e.reasonCode() == CLIENT_WINDOW_FULL && !inFlight.isEmpty()) {
                    window = inFlight.size(); // the broker lowered its Receive Maximum when the client reconnected
                } else {
                    open = false; // not connected: the reconnection sends it
                }
                sending = false;
                lookAgain = false;
            }
            LOG.debug("The MQTT client did not take a message for {} now: {}", pending.message().topic(),
                    e.toString());
            return false;
        }
    }

    /** What became of one message; the client calls one of its methods once. */
    private final class Outcome implements MqttTransport.Outcome {
        private final Pending pending;

        Outcome(Pending pending) {
            this.pending = pending;
        }

        @Override
        public void acknowledged() {
            events.acknowledged(pending); // first: whoever waits for the outbox to empty finds the record done
            if (!answered()) {
                send();
            }
        }

        @Override
        public void refused(int reasonCode) {
            events.refused(pending, ReasonCodes.describe(reasonCode));
            if (!answered()) {
                send();
            }
        }

        @Override
        public void failed(Throwable cause) {
            int refusal = pending.message().qos() == 2 ? MqttTransport.brokerReasonCode(cause) : -1;
            boolean dropped = pending.delivery().revoked();
            Pending bad = null;
            synchronized (lock) {
                if (inFlight.remove(pending.sequence()) == null) {
                    return;
                }
                if (!dropped) {
                    failed.add(pending);
                    refusedInThisLoss |= refusal >= 0;
                }
                if (inFlight.isEmpty() && !failed.isEmpty()) {
                    bad = lossOver(refusal);
                }
            }
            if (dropped) {
                events.dropped(pending);
            } else if (bad == null) {
                events.failed(pending, cause);
            } else {
                events.refused(bad, refusal >= 0 ? ReasonCodes.describe(refusal) + " (at QoS 2; Paho's mqttv5 client "
                        + "dropped the connection at the broker's PUBREC)" : "the broker closes the connection "
                        + "whenever this message is published (" + LONE_LOSSES_FOR_A_BAD_RECORD + " times in a row, "
                        + "alone in flight: larger than a 3.1.1 broker takes, or a publish it disconnects for)");
            }
            send();
        }

        /** Counts the answer; true when the task's thread publishes what it makes room for (it is woken for it). */
        private boolean answered() {
            synchronized (lock) {
                inFlight.remove(pending.sequence());
                answers++;
                endIsolationAfter(pending);
                if (taskPublishes) {
                    lock.notifyAll();
                    return true;
                }
                wakeWaiterIfDue();
                return false;
            }
        }
    }

    /**
     * Every message of the lost connection has failed (holds the lock): counts the loss, starts publishing one at a
     * time when losses repeat with nothing answered (or the broker refused a QoS 2 message), and returns the message
     * to refuse when it was alone in flight for the loss that shows it the cause, else null.
     *
     * @param refusal the broker's reason code the last message failed with, or -1
     */
    private Pending lossOver(int refusal) {
        long first = Long.MAX_VALUE;
        long last = -1;
        for (Pending pending : failed) {
            first = Math.min(first, pending.sequence());
            last = Math.max(last, pending.sequence());
        }
        boolean again = answers == answersAtLoss && first == firstAtLoss;
        boolean alone = failed.size() == 1;
        lossesInARow = again ? lossesInARow + 1 : 1;
        loneLossesInARow = alone ? (again ? loneLossesInARow + 1 : 1) : 0;
        answersAtLoss = answers;
        firstAtLoss = first;
        boolean refused = refusedInThisLoss;
        refusedInThisLoss = false;
        if (isolating && alone && (refusal >= 0 || loneLossesInARow >= LONE_LOSSES_FOR_A_BAD_RECORD)) {
            Pending bad = failed.remove(0);
            answers++;
            endIsolationAfter(bad);
            wakeWaiterIfDue();
            return bad;
        }
        if (!isolating && (refused || lossesInARow >= LOSSES_BEFORE_ISOLATION)) {
            isolating = true;
            LOG.warn("{}; publishing the {} messages that were in flight one at a time to find the one it is lost for",
                    refused ? "The MQTT broker refused a QoS 2 message and the client dropped the connection"
                            : "The connection to the MQTT broker was lost " + lossesInARow + " times in a row with "
                            + "nothing answered", failed.size());
        }
        if (isolating) {
            isolateThrough = Math.max(isolateThrough, last);
        }
        return null;
    }

    /** Ends the one-at-a-time publishing once the last message that failed so is answered (holds the lock). */
    private void endIsolationAfter(Pending answered) {
        if (isolating && answered.sequence() >= isolateThrough) {
            isolating = false;
            isolateThrough = -1;
        }
    }

    /** Wakes the task's thread when the outbox it waits on has emptied (holds the lock); not at every answer. */
    private void wakeWaiterIfDue() {
        if (wakeWhenEmpty && waiting.isEmpty() && failed.isEmpty() && inFlight.isEmpty()) {
            lock.notifyAll();
        }
    }

    /**
     * Publishes on the calling (task's) thread as answers make room, until at most {@code count} messages wait to be
     * published, or {@code timeoutMs} passed; true when they do.
     */
    boolean awaitWaitingAtMost(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            taskPublishes = true;
        }
        try {
            while (true) {
                send();
                synchronized (lock) {
                    if (waiting.size() + failed.size() <= count) {
                        return true;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    if (sending) {
                        // the callback thread is publishing (it was at it before this thread took over): look again soon
                        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, OTHER_SENDER_WAIT_NANOS));
                    } else if (inFlight.size() >= room() || !open || !failed.isEmpty()) {
                        TimeUnit.NANOSECONDS.timedWait(lock, left); // until an answer, or the connection, makes room
                    }
                }
            }
        } finally {
            synchronized (lock) {
                taskPublishes = false;
            }
            send(); // answers that came while this thread was leaving
        }
    }

    /** Waits until nothing waits or is in flight, or {@code timeoutMs} passed; true when all is acknowledged. */
    boolean awaitEmpty(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lock) {
            try {
                wakeWhenEmpty = true;
                while (!waiting.isEmpty() || !inFlight.isEmpty() || !failed.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !open) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
                return true;
            } finally {
                wakeWhenEmpty = false;
            }
        }
    }

    /** Whether the outbox publishes: connected, as far as it knows. */
    boolean isOpen() {
        synchronized (lock) {
            return open;
        }
    }

    /** Answers of the broker so far. */
    long answers() {
        synchronized (lock) {
            return answers;
        }
    }

    /**
     * Takes out the waiting messages {@code which} picks (records of partitions the task no longer owns, or every
     * message when the error policy drops them), so they are never published; returns them. Messages in flight
     * cannot be called back.
     */
    List<Pending> remove(Predicate<Pending> which) {
        List<Pending> removed = new ArrayList<>();
        synchronized (lock) {
            for (Collection<Pending> place : List.of(waiting, failed)) {
                for (Iterator<Pending> it = place.iterator(); it.hasNext(); ) {
                    Pending pending = it.next();
                    if (which.test(pending)) {
                        it.remove();
                        removed.add(pending);
                        if (place == waiting) {
                            waitingBytes -= pending.message().payload().length;
                        }
                    }
                }
            }
            wakeWaiterIfDue();
        }
        return removed;
    }

    /** Messages published and not yet answered. */
    int inFlight() {
        synchronized (lock) {
            return inFlight.size();
        }
    }

    /** Messages waiting to be published (again). */
    int waiting() {
        synchronized (lock) {
            return waiting.size() + failed.size();
        }
    }

    long waitingBytes() {
        synchronized (lock) {
            return waitingBytes;
        }
    }

    int window() {
        synchronized (lock) {
            return window;
        }
    }
}
