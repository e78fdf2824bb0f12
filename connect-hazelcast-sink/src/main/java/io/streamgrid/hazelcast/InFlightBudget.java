package io.streamgrid.hazelcast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The places for batches in flight that a task's pipes share: {@code connect.hazelcast.max.in.flight} of them. A
 * batch holds its place from its send until its result is taken and its calls have ended (a batch that timed out
 * keeps it while its calls still run: they hold a writer thread, and a batch sent in their place would queue behind
 * them with its own timeout running). Only the task thread takes places; the follow-on thread sends the batch behind
 * an acknowledged one in that batch's place. The task waits for a place ({@link Pipes}) until something changes:
 * a place given back, or any batch's result arriving (a failed batch's place is the task's to free). Thread-safe.
 */
final class InFlightBudget {

    private final int places;
    private final AtomicInteger taken = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Counts changes, so that a waiter misses none that came between its look and its wait. Guarded by lock. */
    private long changes;

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
        changed();
    }

    /** Whether a place is free now (only the task thread takes places, so it stays free for the task). */
    boolean hasFree() {
        return taken.get() < places;
    }

    /** Batches in flight now, with timed-out ones whose calls still run (the metric in-flight-batches). */
    int inUse() {
        return taken.get();
    }

    /** The number of changes so far: read it before looking, then {@link #awaitChange} after it. */
    long changes() {
        lock.lock();
        try {
            return changes;
        } finally {
            lock.unlock();
        }
    }

    /** Something a waiting task may act on happened: a place was given back, or a batch's result arrived. */
    void changed() {
        lock.lock();
        try {
            changes++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until there were changes after {@code seen}, or until {@code deadlineNanos}; true on a change. */
    boolean awaitChange(long seen, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = deadlineNanos - System.nanoTime();
            while (changes == seen) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
