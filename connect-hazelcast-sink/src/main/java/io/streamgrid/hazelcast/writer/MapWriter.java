package io.streamgrid.hazelcast.writer;

import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * IMap: {@code setAllAsync} for a batch without TTL (one call per member, not one per entry), pipelined
 * {@code setAsync(k, v, ttl)} with TTL, {@code deleteAsync} for tombstones. The last write of a key in a
 * batch wins, as it would have in Kafka order.
 */
public final class MapWriter implements StructureWriter {

    private final IMap<Object, Object> map;
    private final Duration ttl;

@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public MapWriter(IMap<Object, Object> map, Duration ttl) {
        this.map = map;
        this.ttl = ttl;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch) {
        Map<Object, Object> sets = new LinkedHashMap<>();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (WriteEntry entry : Chunks.lastPerKey(batch).values()) {
            if (entry.isDelete()) {
                calls.add(map.deleteAsync(entry.key()).toCompletableFuture());
            } else if (ttl != null) {
                calls.add(map.setAsync(entry.key(), entry.value(), ttl.toMillis(), TimeUnit.MILLISECONDS)
                        .toCompletableFuture());
            } else {
                sets.put(entry.key(), entry.value());
            }
        }
        if (!sets.isEmpty()) {
            calls.add(map.setAllAsync(sets).toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }
}
