package io.streamgrid.hazelcast.state;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import io.streamgrid.hazelcast.member.KeyUpdate;
import io.streamgrid.hazelcast.member.StateFold;
import io.streamgrid.hazelcast.member.StateUpdate;
import io.streamgrid.hazelcast.writer.Fence;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

/**
 * Merges and version-guarded writes, atomic per key with client-side compare-and-set, so a plain member
 * needs nothing installed (with the member module on the members, {@link MemberStateWriter} does the same in one
 * call per key). A batch is applied per key in Kafka order: its updates are folded ({@link StateFold}, the rule the
 * members' entry processors follow too) over the value read with one {@code getAll}, and the result is written only if the stored value is still the one read
 * ({@code putIfAbsent} for a new key, {@code replace(key, old, new)} otherwise). A key another writer changed
 * in between is read and folded again, so no update is lost to a concurrent writer (another task, another
 * connector, an application). Tombstones delete unconditionally, then the updates behind them apply.
 * <p>
 * Every call to the structure is made only while the batch's {@link Fence} is open: a batch that timed out stops at
 * its next call, for a run that went on after its retry had begun could delete what a newer batch wrote, or fold
 * its old fields over newer ones.
 */
public final class StateWriter implements StructureWriter {

    /** Attempts per key before the batch fails (and is retried by the task): only a key rewritten constantly. */
    static final int MAX_ATTEMPTS = 100;

    /** The atomic operations of a map-like structure; they block. */
    public interface AtomicOps {
        Map<Object, Object> getAll(Set<Object> keys);

        /** Stores the value if the key is absent; true when it did. */
        boolean insert(Object key, Object value);

        /** Replaces the value if it is still {@code expected}; true when it did. */
        boolean replace(Object key, Object expected, Object value);

        void delete(Object key);

        default void close() {
        }
    }

    private final AtomicOps ops;
    private final StateFold fold;
    private final Executor executor;
    private final LongConsumer stale;
    private final int parallelism;
    private final Executor keyWriters;

    /**
     * @param executor    runs a batch (the task's write executor)
     * @param stale       counts updates the version guard skipped
     * @param keyWriters  compares-and-sets slices of a batch's keys at once (the task's pool, shared by its writers)
     * @param parallelism how many slices a batch is cut into
     */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the operations it is given")
    public StateWriter(AtomicOps ops, StateValues values, boolean merge, String versionField, Executor executor,
                       LongConsumer stale, Executor keyWriters, int parallelism) {
        this.ops = ops;
        this.fold = new StateFold(values.form(), merge, versionField);
        this.executor = executor;
        this.stale = stale;
        this.keyWriters = keyWriters;
        this.parallelism = parallelism;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        return CompletableFuture.runAsync(() -> apply(batch, fence), executor);
    }

    private void apply(List<WriteEntry> batch, Fence fence) {
        Map<Object, List<StateUpdate>> updates = new LinkedHashMap<>();
        Set<Object> deletes = new LinkedHashSet<>();
        for (WriteEntry entry : batch) {
            if (entry.isDelete()) {
                deletes.add(entry.key());
                updates.put(entry.key(), new ArrayList<>()); // what came before the tombstone is gone with it
            } else {
                updates.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add((StateUpdate) entry.value());
            }
        }
        for (Object key : deletes) {
            fence.check();
            ops.delete(key);
        }
        updates.values().removeIf(List::isEmpty);
        Map<Object, KeyUpdate> prepared = new LinkedHashMap<>();
        updates.forEach((key, keyUpdates) -> prepared.put(key, fold.prepare(keyUpdates, false)));
        for (int attempt = 1; !prepared.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException(prepared.size() + " keys changed under every one of " + MAX_ATTEMPTS
                        + " attempts to update them, e.g. '" + prepared.keySet().iterator().next() + "'");
            }
            fence.check();
            Map<Object, Object> stored = ops.getAll(prepared.keySet());
            Set<Object> changedMeanwhile = casAll(prepared, stored, fence);
            prepared.keySet().retainAll(changedMeanwhile);
        }
    }

    /** Writes every key's folded value; returns the keys another writer changed since {@code stored} was read. */
    private Set<Object> casAll(Map<Object, KeyUpdate> updates, Map<Object, Object> stored, Fence fence) {
        List<Object> keys = new ArrayList<>(updates.keySet());
        Set<Object> retry = ConcurrentHashMap.newKeySet();
        int slices = Math.min(parallelism, Math.max(1, keys.size() / 16));
        if (slices <= 1) {
            casSlice(keys, updates, stored, retry, fence);
            return retry;
        }
        List<CompletableFuture<Void>> running = new ArrayList<>(slices);
        int size = (keys.size() + slices - 1) / slices;
        for (int from = 0; from < keys.size(); from += size) {
            List<Object> slice = keys.subList(from, Math.min(keys.size(), from + size));
            running.add(CompletableFuture.runAsync(() -> casSlice(slice, updates, stored, retry, fence), keyWriters));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        return retry;
    }

    private void casSlice(List<Object> keys, Map<Object, KeyUpdate> updates, Map<Object, Object> stored,
                          Set<Object> retry, Fence fence) {
        for (Object key : keys) {
            Object old = stored.get(key);
            KeyUpdate.Outcome outcome = fold.apply(key, old, updates.get(key));
            boolean written;
            if (outcome.stored() == null) {
                written = true; // every update was older than the stored value: nothing to write
            } else if (old == null) {
                fence.check();
                written = ops.insert(key, outcome.stored());
            } else {
                fence.check();
                written = ops.replace(key, old, outcome.stored());
            }
            if (!written) {
                retry.add(key);
            } else if (outcome.stale() > 0) {
                stale.accept(outcome.stale());
            }
        }
    }

    @Override
    public void close() {
        ops.close();
    }
}
