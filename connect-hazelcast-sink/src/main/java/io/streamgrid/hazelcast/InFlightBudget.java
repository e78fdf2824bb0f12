package io.streamgrid.hazelcast;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The places for batches in flight that a task's pipes share: {@code connect.hazelcast.max.in.flight} of them. A
 * batch holds its place from its send until its result is taken. The task thread waits for a place
 * ({@link Pipes}); the follow-on thread never takes one: it sends the batch behind an acknowledged one in that
 * batch's place, and gives the place back instead while the task thread waits for one. Thread-safe.
 */
final class InFlightBudget {

    private final int places;
    private final AtomicInteger taken = new AtomicInteger();
    private volatile boolean taskWaits;

    InFlightBudget(int places) {
        this.places = places;
    }

    /** Takes a place if one is free. */
    boolean tryTake() {
        while (true) {
            int now = taken.get();
            if (now >= places) {
                return false;
            }
            if (taken.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void giveBack() {
        if (taken.decrementAndGet() < 0) {
            taken.incrementAndGet();
            throw new IllegalStateException("a place for a batch in flight was given back twice");
        }
    }

    /** Batches in flight now (the metric in-flight-batches). */
    int inUse() {
        return taken.get();
    }

    /** Whether the task thread waits for a place: the follow-on then leaves its place to it. */
    boolean taskWaits() {
        return taskWaits;
    }

    void taskWaits(boolean waits) {
        taskWaits = waits;
    }
}
