package io.streamgrid.hazelcast.writer;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Writes batches to one Hazelcast structure with its batch API. A batch is written in order; the stage
 * completes when Hazelcast has acknowledged every entry, or exceptionally.
 */
public interface StructureWriter {

    CompletionStage<Void> write(List<WriteEntry> batch);

    /** Releases what the writer holds besides the client (the ICACHE writer's cache manager). */
    default void close() {
    }
}
