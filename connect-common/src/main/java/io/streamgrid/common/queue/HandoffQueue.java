package io.streamgrid.common.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The bounded queue between a client's callback thread (MQTT, CoAP) and {@code SourceTask.poll()}.
 * A full queue makes the producer wait (back-pressure) instead of growing; {@code poll} waits at most
 * its timeout and drains a batch; an error the producer reports is thrown to the caller of {@code poll}
 * once the items queued before it have been handed over, so none of them is lost, and without waiting for the
 * queue to empty, which under steady traffic it may never do.
 */
public final class HandoffQueue<T> {

    private final int capacity;
    private final long maxBytes;
    private final ToLongFunction<T> weigher;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private Throwable failure;
    /** After a failure: how many of the items queued before it are still to be taken. */
    private int beforeFailure;
    private boolean closed;
    private long bytes;

    public HandoffQueue(int capacity) {
        this(capacity, item -> 0);
    }

    /** {@code weigher}: an item's size in bytes (its payload), for {@link #bytes()}. */
    public HandoffQueue(int capacity, ToLongFunction<T> weigher) {
        this(capacity, Long.MAX_VALUE, weigher);
    }

    /**
     * A queue bounded by count and by bytes: it is full when it holds {@code capacity} items, or when the next
     * item would take its bytes over {@code maxBytes}. An item larger than {@code maxBytes} still goes into an
     * empty queue, so no message is too large to pass.
     */
    public HandoffQueue(int capacity, long maxBytes, ToLongFunction<T> weigher) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.weigher = weigher;
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    /** Waits for room and adds the item; false when the queue was closed first (the item is not added). */
    public boolean put(T item) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long weight = weigher.applyAsLong(item);
            while (isFullFor(weight) && !closed) {
                notFull.await();
            }
            return add(item, weight);
        } finally {
            lock.unlock();
        }
    }

    /** Waits at most {@code timeout} for room; false when there was none in time or the queue is closed. */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            long weight = weigher.applyAsLong(item);
            while (isFullFor(weight) && !closed) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            return add(item, weight);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds without waiting; when the queue is full the oldest items make room and are returned, so the
     * caller can count and log the drops. For sources whose newest value matters most (CoAP observe).
     */
    public List<T> offerDroppingOldest(T item) {
        lock.lock();
        try {
            if (closed) {
                return List.of(item);
            }
            long weight = weigher.applyAsLong(item);
            List<T> dropped = new ArrayList<>(1);
            while (isFullFor(weight)) {
                dropped.add(take());
            }
            add(item, weight);
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Whether an item of {@code weight} bytes must wait (or make room): the count or the bytes are at their bound. */
    private boolean isFullFor(long weight) {
        return !items.isEmpty() && (items.size() >= capacity || bytes + weight > maxBytes);
    }

    private boolean add(T item, long weight) {
        if (closed) {
            return false;
        }
        items.addLast(item);
        bytes += weight;
        notEmpty.signal();
        return true;
    }

    private T take() {
        T item = items.pollFirst();
        bytes -= weigher.applyAsLong(item);
        if (beforeFailure > 0) {
            beforeFailure--;
        }
        return item;
    }

    /**
     * Waits at most {@code timeout} for an item, then takes up to {@code maxItems}. Returns an empty list
     * when nothing came. Throws the producer's error once the items queued before it have been taken.
     */
    public List<T> poll(int maxItems, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (items.isEmpty() && failure == null && !closed && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            if (failure != null && beforeFailure == 0) {
                throwIfFailed();
            }
            if (items.isEmpty()) {
                return List.of();
            }
            int count = Math.min(maxItems, failure == null ? items.size() : beforeFailure);
            List<T> batch = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batch.add(take());
            }
            notFull.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Records an error from the producer's thread, for the next {@code poll} to throw. The first one wins. */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "the producer's error is kept to be thrown, as it is, "
            + "to the caller of poll")
    public void fail(Throwable error) {
        lock.lock();
        try {
            if (failure == null) {
                failure = error;
                beforeFailure = items.size();
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting producer (their items are not added) and stops accepting items. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void throwIfFailed() {
        if (failure != null) {
            Throwable error = failure;
            throw error instanceof ConnectException ce ? ce : new ConnectException(error.getMessage(), error);
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** The bytes of the queued items, as the weigher counts them. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }
}
