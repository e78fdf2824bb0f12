package io.streamgrid.hazelcast.writer;

import com.hazelcast.multimap.MultiMap;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
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
    private final int callSize;

    /** {@code callSize}: about the most values one putAllAsync takes (a key's values always go in one call). */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public MultiMapWriter(MultiMap<Object, Object> multiMap, Executor executor, int callSize) {
        this.multiMap = multiMap;
        this.executor = executor;
        this.callSize = callSize;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        Map<Object, List<Object>> puts = new LinkedHashMap<>();
        for (WriteEntry entry : batch) {
            if (entry.isDelete()) {
                chain = putAll(chain, puts, fence).thenCompose(ignored -> CompletableFuture.runAsync(() -> {
                    fence.check();
                    multiMap.delete(entry.key());
                }, executor));
                puts = new LinkedHashMap<>();
            } else {
                puts.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry.value());
            }
        }
        return putAll(chain, puts, fence);
    }

    /**
     * After {@code chain}, the values in calls of about {@code callSize} values, all in flight together: each key's
     * values are in one call, so no two calls hold the same key.
     */
    private CompletionStage<Void> putAll(CompletionStage<Void> chain, Map<Object, List<Object>> puts, Fence fence) {
        if (puts.isEmpty()) {
            return chain;
        }
        List<Map<Object, Collection<?>>> calls = new ArrayList<>();
        Map<Object, Collection<?>> call = new LinkedHashMap<>();
        int values = 0;
        for (Map.Entry<Object, List<Object>> key : puts.entrySet()) {
            call.put(key.getKey(), key.getValue());
            values += key.getValue().size();
            if (values >= callSize) {
                calls.add(call);
                call = new LinkedHashMap<>();
                values = 0;
            }
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return chain.thenCompose(ignored -> {
            CallsAtOnce made = new CallsAtOnce(fence);
            calls.forEach(keyValues -> made.make(() -> multiMap.putAllAsync(keyValues)));
            return made.ended();
        });
    }
}
