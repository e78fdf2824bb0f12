package io.streamgrid.hazelcast;

import io.streamgrid.hazelcast.writer.Fence;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A writer that records every call and its fence; the test completes each call's result. */
final class ControlledWriter implements StructureWriter {
    final List<List<WriteEntry>> calls = new CopyOnWriteArrayList<>();
    final List<Fence> fences = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> results = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        calls.add(List.copyOf(batch));
        fences.add(fence);
        CompletableFuture<Void> result = new CompletableFuture<>();
        results.add(result);
        return result;
    }
}
