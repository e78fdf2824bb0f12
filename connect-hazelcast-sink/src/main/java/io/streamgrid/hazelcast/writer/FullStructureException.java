package io.streamgrid.hazelcast.writer;

/**
 * A bounded structure (queue, ringbuffer with overflow FAIL) had no room: back-pressure, retried, never a
 * drop. {@link #written()} entries at the head of the batch did go in, so only the rest is retried.
 */
public final class FullStructureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int written;

    public FullStructureException(String message, int written) {
        super(message);
        this.written = written;
    }

    public int written() {
        return written;
    }
}
