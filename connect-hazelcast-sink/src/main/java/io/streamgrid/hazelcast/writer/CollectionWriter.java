package io.streamgrid.hazelcast.writer;

import com.hazelcast.collection.IQueue;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code addAll} on an IQueue, IList or ISet. These calls block, so they run on the task's write executor.
 * A bounded queue takes what fits; the rest fails as full, to be retried, never dropped.
 */
public final class CollectionWriter implements StructureWriter {

    private final Collection<Object> collection;
    private final String description;
    private final Executor executor;
    private final int chunk;

    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public CollectionWriter(Collection<Object> collection, String description, Executor executor, int batchSize) {
        this.collection = collection;
        this.description = description;
        this.executor = executor;
        this.chunk = batchSize;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        List<Object> values = Chunks.values(batch);
        return CompletableFuture.runAsync(() -> {
            int written = 0;
            while (written < values.size()) {
                int size = Math.min(chunk, values.size() - written);
                fence.check();
                written += add(values.subList(written, written + size), written, values.size(), fence);
            }
        }, executor);
    }

    /**
     * Adds a chunk in one call. A bounded queue's addAll takes all or nothing, so only when it refuses is the
     * remaining capacity asked for (a second round trip) and what fits added; returns how many went in.
     */
    private int add(List<Object> chunkValues, int writtenBefore, int batchSize, Fence fence) {
        boolean refused;
        try {
            refused = !collection.addAll(chunkValues) && collection instanceof IQueue;
        } catch (IllegalStateException e) {
            if (!(collection instanceof IQueue)) {
                throw new FullStructureException(description + " is full: " + e.getMessage(), writtenBefore);
            }
            refused = true;
        }
        return refused ? addWhatFits((IQueue<Object>) collection, chunkValues, writtenBefore, batchSize, fence)
                : chunkValues.size();
    }

    private int addWhatFits(IQueue<Object> queue, List<Object> chunkValues, int writtenBefore, int batchSize,
                            Fence fence) {
        int fits = Math.min(queue.remainingCapacity(), chunkValues.size());
        fence.check();
        try {
            if (fits > 0 && queue.addAll(chunkValues.subList(0, fits))) {
                return fits;
            }
        } catch (IllegalStateException e) {
            // taken by another producer meanwhile: full after all
        }
        throw new FullStructureException(description + " is full; " + writtenBefore + " of the batch's " + batchSize
                + " items went in, the rest waits for room", writtenBefore);
    }
}
