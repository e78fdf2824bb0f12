package io.streamgrid.hazelcast.writer;

import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code Ringbuffer.addAllAsync}, at most 1000 items per call, each made on the sink's writer threads (see
 * {@link HazelcastCalls}). With overflow OVERWRITE (the default) a batch's calls are pipelined, several in flight,
 * and a failed call is sent again with everything after it, in order ({@link PipelinedChunks}): one round trip per
 * call held the sink at about half the raw client's rate (docs/benchmarks.md, case 1). With overflow FAIL a call
 * waits for the one before it, so that nothing goes in after a call the full ringbuffer refused, and a full
 * ringbuffer is a failure to retry.
 */
public final class RingbufferWriter implements StructureWriter {

    static final int MAX_PER_CALL = 1000;

    private final Ringbuffer<Object> ringbuffer;
    private final OverflowPolicy overflow;
    private final int chunk;
    private final Executor executor;

    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public RingbufferWriter(Ringbuffer<Object> ringbuffer, OverflowPolicy overflow, int batchSize, Executor executor) {
        this.ringbuffer = ringbuffer;
        this.overflow = overflow;
        this.chunk = Math.min(MAX_PER_CALL, batchSize);
        this.executor = executor;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        if (overflow == OverflowPolicy.OVERWRITE) {
            return PipelinedChunks.inOrder(Chunks.values(batch), chunk,
                    (before, part) -> ringbuffer.addAllAsync(part, overflow), executor, fence);
        }
        return Chunks.inOrder(Chunks.values(batch), chunk, (written, part) -> HazelcastCalls.answered(
                ringbuffer.addAllAsync(part, overflow)).thenCompose(sequence -> sequence == -1
                        ? CompletableFuture.failedFuture(new FullStructureException("ringbuffer '"
                        + ringbuffer.getName() + "' is full (capacity " + ringbuffer.capacity()
                        + ", overflow FAIL); " + written + " items of the batch went in", written))
                        : CompletableFuture.completedFuture(sequence)), executor, fence);
    }
}
