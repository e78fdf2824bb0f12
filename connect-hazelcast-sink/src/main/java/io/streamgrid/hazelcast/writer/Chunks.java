package io.streamgrid.hazelcast.writer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/** Helpers shared by the writers: calls in order over chunks, and last-write-wins per key. */
final class Chunks {

    private Chunks() {
    }

    /**
     * Runs {@code call} on consecutive chunks of at most {@code size} values, each on {@code executor} after the
     * previous one finished (never on the thread that completed it: see {@link HazelcastCalls}) and only while the
     * batch's fence is open. The call is given how many values went before its chunk, and the chunk.
     */
    static CompletionStage<Void> inOrder(List<Object> values, int size,
                                         BiFunction<Integer, List<Object>, CompletionStage<?>> call, Executor executor,
                                         Fence fence) {
        CompletionStage<?> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < values.size(); from += size) {
            int before = from;
            List<Object> chunk = values.subList(from, Math.min(values.size(), from + size));
            chain = chain.thenComposeAsync(ignored -> {
                fence.check();
                return call.apply(before, chunk);
            }, executor);
        }
        return chain.thenApply(ignored -> null);
    }

    static List<Object> values(List<WriteEntry> batch) {
        List<Object> values = new ArrayList<>(batch.size());
        for (WriteEntry entry : batch) {
            if (!entry.isDelete()) {
                values.add(entry.value());
            }
        }
        return values;
    }

    /**
     * The last entry for each key, in the order keys were last written. Within a batch only the last write of
     * a key matters, and it makes sets and deletes of the same key never race.
     */
    static Map<Object, WriteEntry> lastPerKey(List<WriteEntry> batch) {
        Map<Object, WriteEntry> last = new LinkedHashMap<>();
        for (WriteEntry entry : batch) {
            last.remove(entry.key());
            last.put(entry.key(), entry);
        }
        return last;
    }
}
