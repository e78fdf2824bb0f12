package io.streamgrid.hazelcast.writer;

import com.hazelcast.multimap.MultiMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * MultiMap: every value of a key is kept, so a batch becomes one {@code putAllAsync} of key to values.
 * A tombstone deletes all values of its key; values after it in the same batch are added again.
 */
public final class MultiMapWriter implements StructureWriter {

    private final MultiMap<Object, Object> multiMap;
    private final Executor executor;

@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public MultiMapWriter(MultiMap<Object, Object> multiMap, Executor executor) {
        this.multiMap = multiMap;
        this.executor = executor;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        Map<Object, List<Object>> puts = new LinkedHashMap<>();
        for (WriteEntry entry : batch) {
            if (entry.isDelete()) {
                chain = putAll(chain, puts).thenCompose(ignored -> CompletableFuture.runAsync(
                        () -> multiMap.delete(entry.key()), executor));
                puts = new LinkedHashMap<>();
            } else {
                puts.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry.value());
            }
        }
        return putAll(chain, puts);
    }

    private CompletionStage<Void> putAll(CompletionStage<Void> chain, Map<Object, List<Object>> puts) {
        if (puts.isEmpty()) {
            return chain;
        }
        Map<Object, Collection<?>> values = new LinkedHashMap<>(puts);
        return chain.thenCompose(ignored -> multiMap.putAllAsync(values));
    }
}
