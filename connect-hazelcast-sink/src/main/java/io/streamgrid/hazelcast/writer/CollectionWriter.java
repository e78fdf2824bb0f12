package io.streamgrid.hazelcast.writer;

import com.hazelcast.collection.IQueue;
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

    public CollectionWriter(Collection<Object> collection, String description, Executor executor, int batchSize) {
        this.collection = collection;
        this.description = description;
        this.executor = executor;
        this.chunk = batchSize;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch) {
        List<Object> values = Chunks.values(batch);
        return CompletableFuture.runAsync(() -> {
            int written = 0;
            while (written < values.size()) {
                int size = Math.min(chunk, values.size() - written);
                if (collection instanceof IQueue<Object> queue) {
                    int room = queue.remainingCapacity();
                    if (room == 0) {
                        throw new FullStructureException(description + " is full; " + written + " of the batch's "
                                + values.size() + " items went in, the rest waits for room", written);
                    }
                    size = Math.min(size, room);
                }
                try {
                    collection.addAll(values.subList(written, written + size));
                } catch (IllegalStateException e) {
                    throw new FullStructureException(description + " is full: " + e.getMessage(), written);
                }
                written += size;
            }
        }, executor);
    }
}
