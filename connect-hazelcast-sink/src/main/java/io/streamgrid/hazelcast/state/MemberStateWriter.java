package io.streamgrid.hazelcast.state;

import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import io.streamgrid.hazelcast.member.KeyUpdate;
import io.streamgrid.hazelcast.member.StateFold;
import io.streamgrid.hazelcast.member.StateProcessor;
import io.streamgrid.hazelcast.member.StateUpdate;
import io.streamgrid.hazelcast.writer.CallsAtOnce;
import io.streamgrid.hazelcast.writer.Fence;
import io.streamgrid.hazelcast.writer.HazelcastCalls;
import io.streamgrid.hazelcast.writer.StructureWriter;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

/**
 * Merges and version-guarded writes to an IMap made on the members, by the member module's entry processors
 * ({@link StateProcessor}), when they have it ({@link MemberModule}); else by the client's compare-and-set
 * ({@link StateWriter}), which stores the same values.
 * <p>
 * A batch's updates are folded per key on the task ({@link StateFold#prepare}: one update per key), grouped by
 * partition, and sent as one asynchronous {@code submitToKeys} per partition, all at once: a call's processor carries
 * its keys' updates only, and each key is in one call, so Kafka order per key is kept. A key whose
 * stored version turns out newer than its first update is sent again with its updates one by one. Every call is
 * made only while the batch's {@link Fence} is open, and the batch ends only once every call made has ended.
 */
public final class MemberStateWriter implements StructureWriter {

    private final IMap<Object, Object> map;
    private final PartitionService partitions;
    private final StateFold fold;
    private final boolean merge;
    private final String versionField;
    private final long ttlMillis;
    private final Executor executor;
    private final LongConsumer stale;
    private final MemberModule members;
    private final StructureWriter clientSide;

    /**
     * @param ttl        the entries' time to live, or null
     * @param executor   folds a batch and makes its calls (the task's write executor)
     * @param stale      counts updates the version guard skipped
     * @param clientSide writes a batch while the members lack the module
     */
    @SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "a writer writes through the proxy it is given")
    public MemberStateWriter(IMap<Object, Object> map, PartitionService partitions, StateValues values, boolean merge,
                             String versionField, Duration ttl, Executor executor, LongConsumer stale,
                             MemberModule members, StructureWriter clientSide) {
        this.map = map;
        this.partitions = partitions;
        this.fold = new StateFold(values.form(), merge, versionField);
        this.merge = merge;
        this.versionField = versionField;
        this.ttlMillis = ttl == null ? -1 : ttl.toMillis();
        this.executor = executor;
        this.stale = stale;
        this.members = members;
        this.clientSide = clientSide;
    }

    @Override
    public CompletionStage<Void> write(List<WriteEntry> batch, Fence fence) {
        return CompletableFuture.supplyAsync(members::inUse, executor).thenCompose(onMembers -> onMembers
                ? CompletableFuture.supplyAsync(() -> prepare(batch), executor)
                .thenCompose(updates -> send(updates, true, fence))
                .thenCompose(needChains -> needChains.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
                        : send(needChains, false, fence).thenApply(none -> null))
                .whenComplete((ok, failed) -> {
                    if (failed != null && MemberModule.unreadByAMember(failed)) {
                        members.forget(); // a member without the module joined: ask again before the retry
                    }
                })
                : clientSide.write(batch, fence));
    }

    /** Each key's updates in Kafka order, folded; a tombstone drops what came before it in the batch. */
    private Map<Object, KeyUpdate> prepare(List<WriteEntry> batch) {
        Map<Object, List<StateUpdate>> updates = new LinkedHashMap<>();
        Map<Object, Boolean> afterDelete = new HashMap<>();
        for (WriteEntry entry : batch) {
            if (entry.isDelete()) {
                updates.put(entry.key(), new ArrayList<>());
                afterDelete.put(entry.key(), Boolean.TRUE);
            } else {
                updates.computeIfAbsent(entry.key(), k -> new ArrayList<>(1)).add((StateUpdate) entry.value());
            }
        }
        Map<Object, KeyUpdate> prepared = new LinkedHashMap<>(updates.size() * 4 / 3 + 1);
        updates.forEach((key, keyUpdates) -> prepared.put(key, fold.prepare(keyUpdates,
                afterDelete.containsKey(key))));
        return prepared;
    }

    /**
     * One call per partition; completes with the keys whose chains the members asked for (to send again, with them),
     * once every call made has ended.
     * <p>
     * Why per partition: a member runs a {@code submitToKeys} call as one operation per partition of its keys, and
     * each operation is given every key of the call and the whole processor (Hazelcast 5.x's
     * MultipleEntryOperationFactory), so a call with the keys of many partitions costs partitions x keys. One call
     * for a whole batch of 10,000 new keys on one member ran at 8-16k records/s against 40-55k with a call per
     * partition (case 1b, issue #31).
     *
     * @param firstTry whether a key folded ahead is sent without its chain
     */
    private CompletableFuture<Map<Object, KeyUpdate>> send(Map<Object, KeyUpdate> updates, boolean firstTry,
                                                           Fence fence) {
        Map<Integer, Map<Object, KeyUpdate>> byPartition = new HashMap<>();
        for (Map.Entry<Object, KeyUpdate> keyed : updates.entrySet()) {
            int partition = partitions.getPartition(keyed.getKey()).getPartitionId();
            byPartition.computeIfAbsent(partition, p -> new HashMap<>()).put(keyed.getKey(),
                    firstTry ? keyed.getValue().firstTry() : keyed.getValue());
        }
        Collection<Map<Object, KeyUpdate>> groups = byPartition.values();
        Map<Object, KeyUpdate> needChains = new ConcurrentHashMap<>();
        CallsAtOnce calls = new CallsAtOnce(fence);
        for (Map<Object, KeyUpdate> group : groups) {
            StateProcessor processor = new StateProcessor(fold, merge, versionField, ttlMillis, group);
            calls.make(() -> HazelcastCalls.answered(map.submitToKeys(group.keySet(), processor))
                    .thenAccept(answers -> collect(answers, updates, needChains)));
        }
        return calls.ended().thenApply(done -> needChains);
    }

    private void collect(Map<Object, Integer> answers, Map<Object, KeyUpdate> updates,
                         Map<Object, KeyUpdate> needChains) {
        long skipped = 0;
        for (Map.Entry<Object, Integer> answer : answers.entrySet()) {
            Integer value = answer.getValue();
            if (value == null) {
                continue;
            }
            if (value == StateProcessor.NEEDS_CHAIN) {
                needChains.put(answer.getKey(), updates.get(answer.getKey()));
            } else {
                skipped += value;
            }
        }
        if (skipped > 0) {
            stale.accept(skipped);
        }
    }

    @Override
    public void close() {
        clientSide.close();
    }
}
