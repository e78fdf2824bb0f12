package io.streamgrid.hazelcast.writer;

import com.hazelcast.topic.ITopic;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** {@code ITopic.publishAllAsync} on a reliable topic, at most 1000 messages per call. */
public final class ReliableTopicWriter implements StructureWriter {

    private final ITopic<Object> topic;
    private final int chunk;

@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public ReliableTopicWriter(ITopic<Object> topic, int batchSize) {
        this.topic = topic;
        this.chunk = Math.min(RingbufferWriter.MAX_PER_CALL, batchSize);
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch) {
        return Chunks.inOrder(Chunks.values(batch), chunk, topic::publishAllAsync);
    }
}
