package io.streamgrid.hazelcast.writer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a batch may still call Hazelcast. Every batch a pipe sends has a generation number; the pipe moves its
 * generation on when the batch times out and when it sends the next batch. A writer checks the fence before each
 * call it makes: a batch that timed out may still be running on a writer thread or in a chain of calls, and a call
 * it made after its retry or a newer batch had begun could write an older value over a newer one.
 * <p>
 * A call already made cannot be taken back: the pipe therefore also waits until every call of a timed-out batch
 * has ended before it sends anything else to the structure.
 */
public final class Fence {

    private final AtomicLong current;
    private final long generation;

    private Fence(AtomicLong current, long generation) {
        this.current = current;
        this.generation = generation;
    }

    /** The fence of the next batch of the structure whose generation {@code current} counts. */
    public static Fence next(AtomicLong current) {
        return new Fence(current, current.incrementAndGet());
    }

    /** A fence of its own, for a writer used without a pipe (until {@link #close()}). */
    public static Fence open() {
        return next(new AtomicLong());
    }

    public boolean isOpen() {
        return current.get() == generation;
    }

    /** Throws {@link FencedOffException} once the batch's generation is past; call it before each call to Hazelcast. */
    public void check() {
        if (!isOpen()) {
            throw new FencedOffException("batch " + generation + " was given up (its write timed out) and makes no "
                    + "more calls to Hazelcast; generation " + current.get() + " writes in its place");
        }
    }

    /** Ends this batch's generation (its write timed out), unless a newer batch has already done so. */
    public void close() {
        current.compareAndSet(generation, generation + 1);
    }

    /** A call a batch did not make because its fence was closed. */
    public static final class FencedOffException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        FencedOffException(String message) {
            super(message);
        }
    }
}
