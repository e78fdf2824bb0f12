package io.streamgrid.hazelcast.writer;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Writes batches to one Hazelcast structure with its batch API. A batch is written in order; the stage
 * completes when Hazelcast has acknowledged every entry, or exceptionally, and in either case only once every
 * call the batch made has ended. Before each call the writer checks the batch's {@link Fence}.
 */
public interface StructureWriter {

    CompletionStage<Void> write(List<WriteEntry> batch, Fence fence);

    /** Releases what the writer holds besides the client (the ICACHE writer's cache manager). */
    default void close() {
    }
}
