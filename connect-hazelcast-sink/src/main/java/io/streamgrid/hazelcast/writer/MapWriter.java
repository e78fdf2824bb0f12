package io.streamgrid.hazelcast.writer;

import com.hazelcast.map.IMap;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * IMap: {@code setAllAsync} for a batch without TTL (one call per member, not one per entry), pipelined
 * {@code setAsync(k, v, ttl)} with TTL, {@code deleteAsync} for tombstones. The last write of a key in a
 * batch wins, as it would have in Kafka order. A batch larger than the statement's BATCH goes out as several
 * {@code setAllAsync} calls of at most BATCH entries, all in flight together: after last-write-wins no two of them
 * hold the same key, so they cannot overtake each other on any key, and the pipe sends the next batch only once
 * all of them are acknowledged.
 */
public final class MapWriter implements StructureWriter {

    private final IMap<Object, Object> map;
    private final Duration ttl;
    private final int callSize;

    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public MapWriter(IMap<Object, Object> map, Duration ttl, int callSize) {
        this.map = map;
        this.ttl = ttl;
        this.callSize = callSize;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        if (ttl == null && batch.size() <= callSize && noDeletes(batch)) {
            return setAll(batch, fence);
        }
        Map<Object, Object> sets = new LinkedHashMap<>();
        CallsAtOnce calls = new CallsAtOnce(fence);
        for (WriteEntry entry : Chunks.lastPerKey(batch).values()) {
            if (entry.isDelete()) {
                calls.make(() -> map.deleteAsync(entry.key()));
            } else if (ttl != null) {
                calls.make(() -> map.setAsync(entry.key(), entry.value(), ttl.toMillis(), TimeUnit.MILLISECONDS));
            } else {
                sets.put(entry.key(), entry.value());
                if (sets.size() == callSize) {
                    Map<Object, Object> call = sets;
                    calls.make(() -> map.setAllAsync(call));
                    sets = new LinkedHashMap<>();
                }
            }
        }
        if (!sets.isEmpty()) {
            Map<Object, Object> call = sets;
            calls.make(() -> map.setAllAsync(call));
        }
        return calls.ended();
    }

    private static boolean noDeletes(List<WriteEntry> batch) {
        for (WriteEntry entry : batch) {
            if (entry.isDelete()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A batch of sets alone that fits one call: straight into the call's map, the last value of a key winning, with
     * no map of the last entry per key first (that map, an entry per record, showed in case 2b's allocation profile:
     * issue #31).
     */
    private CompletionStage<Void> setAll(List<WriteEntry> batch, Fence fence) {
        Map<Object, Object> sets = new HashMap<>(capacity(batch.size()));
        for (WriteEntry entry : batch) {
            sets.put(entry.key(), entry.value());
        }
        CallsAtOnce calls = new CallsAtOnce(fence);
        calls.make(() -> map.setAllAsync(sets));
        return calls.ended();
    }

    private static int capacity(int entries) {
        return (int) (entries / 0.75f) + 1;
    }
}
