package io.streamgrid.hazelcast.writer;

import com.hazelcast.topic.ITopic;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code ITopic.publishAllAsync} on a reliable topic, at most 1000 messages per call, each call made on the sink's
 * writer threads. Made from the thread that completed the call before it (the Hazelcast client's response
 * thread), a call sometimes stayed unfinished for 2 to 9 seconds with no thread at work, although the topic's
 * ringbuffer already held its messages; the raw client calling from its own thread never does (issue #18).
 */
public final class ReliableTopicWriter implements StructureWriter {

    private final ITopic<Object> topic;
    private final int chunk;
    private final Executor executor;

    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public ReliableTopicWriter(ITopic<Object> topic, int batchSize, Executor executor) {
        this.topic = topic;
        this.chunk = Math.min(RingbufferWriter.MAX_PER_CALL, batchSize);
        this.executor = executor;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        return Chunks.inOrder(Chunks.values(batch), chunk,
                (before, part) -> HazelcastCalls.answered(topic.publishAllAsync(part)), executor, fence);
    }
}
