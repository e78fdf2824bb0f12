package io.streamgrid.hazelcast.writer;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * ICache and ReplicatedMap: {@code putAll} of the batch (with the TTL where there is one) and removal of
 * tombstoned keys. These calls block, so they run on the task's write executor.
 */
public final class KeyValueWriter implements StructureWriter {

    /** The blocking operations of a key-value structure. */
    public interface Operations {
        void putAll(Map<Object, Object> entries, Duration ttl);

        void remove(Object key);

        default void close() {
        }
    }

    private final Operations operations;
    private final Duration ttl;
    private final Executor executor;
    private final int callSize;

    /** {@code callSize}: the most entries one putAll takes (the statement's BATCH); larger batches take several. */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the structure's proxy (or "
            + "operations) it is given")
    public KeyValueWriter(Operations operations, Duration ttl, Executor executor, int callSize) {
        this.operations = operations;
        this.ttl = ttl;
        this.executor = executor;
        this.callSize = callSize;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        return CompletableFuture.runAsync(() -> {
            Map<Object, Object> puts = new LinkedHashMap<>(); // replaced after each full call
            for (WriteEntry entry : Chunks.lastPerKey(batch).values()) {
                if (entry.isDelete()) {
                    fence.check();
                    operations.remove(entry.key());
                } else {
                    puts.put(entry.key(), entry.value());
                    if (puts.size() == callSize) {
                        fence.check();
                        operations.putAll(puts, ttl);
                        puts = new LinkedHashMap<>();
                    }
                }
            }
            if (!puts.isEmpty()) {
                fence.check();
                operations.putAll(puts, ttl);
            }
        }, executor);
    }

    @Override
    public void close() {
        operations.close();
    }
}
