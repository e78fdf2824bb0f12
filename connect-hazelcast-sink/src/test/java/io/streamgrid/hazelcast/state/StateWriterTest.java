package io.streamgrid.hazelcast.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgrid.hazelcast.member.StateUpdate;
import io.streamgrid.hazelcast.writer.Fence;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The state writer's own contract, with stand-in operations: a batch given up by its pipe makes no further call. */
class StateWriterTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aBatchTheTimeoutGaveUpOnStopsBeforeItsNextWrite() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        StateWriter.AtomicOps slowCluster = new StateWriter.AtomicOps() {
            @Override
            public Map<Object, Object> getAll(Set<Object> keys) {
                reading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of();
            }

            @Override
            public boolean insert(Object key, Object value) {
                writes.incrementAndGet();
                return true;
            }

            @Override
            public boolean replace(Object key, Object expected, Object value) {
                writes.incrementAndGet();
                return true;
            }

            @Override
            public void delete(Object key) {
                writes.incrementAndGet();
            }
        };
        JsonStateValues values = new JsonStateValues(false);
        StateWriter writer = new StateWriter(slowCluster, values, true, null, threads, n -> { }, threads, 8);
        Object document = values.document(new SchemaAndValue(Schema.STRING_SCHEMA, "{\"a\":1}"));
        Fence fence = Fence.open();
        CompletableFuture<Void> result = writer.write(List.of(new WriteEntry("k", new StateUpdate(document, null))),
                fence).toCompletableFuture();

        reading.await();
        fence.close(); // as the pipe does when the batch times out
        release.countDown();
        assertThatThrownBy(result::join).hasCauseInstanceOf(Fence.FencedOffException.class);
        assertThat(writes.get()).as("nothing written after the pipe gave the batch up").isZero();
    }

    /**
     * Tombstones are deleted first, one call each: a batch given up while one delete is held up makes no further
     * one (it went on, and could delete what a newer batch had written meanwhile).
     */
    @Test
    void aBatchTheTimeoutGaveUpOnDeletesNothingMore() throws Exception {
        CountDownLatch deleting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Object> deleted = new CopyOnWriteArrayList<>();
        StateWriter.AtomicOps slowDeletes = new StateWriter.AtomicOps() {
            @Override
            public Map<Object, Object> getAll(Set<Object> keys) {
                return Map.of();
            }

            @Override
            public boolean insert(Object key, Object value) {
                return true;
            }

            @Override
            public boolean replace(Object key, Object expected, Object value) {
                return true;
            }

            @Override
            public void delete(Object key) {
                deleted.add(key);
                deleting.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        StateWriter writer = new StateWriter(slowDeletes, new JsonStateValues(false), true, null, threads, n -> { },
                threads, 8);
        Fence fence = Fence.open();
        CompletableFuture<Void> result = writer.write(List.of(new WriteEntry("a", null), new WriteEntry("b", null)),
                fence).toCompletableFuture();

        deleting.await();
        fence.close();
        release.countDown();
        assertThatThrownBy(result::join).hasCauseInstanceOf(Fence.FencedOffException.class);
        assertThat(deleted).containsExactly("a");
    }

    @Test
    void aBatchFoldsEachKeysUpdatesInOrderAndWritesEachKeyOnce() throws Exception {
        Map<Object, Object> stored = new ConcurrentHashMap<>();
        AtomicInteger writes = new AtomicInteger();
        StateWriter.AtomicOps cluster = new StateWriter.AtomicOps() {
            @Override
            public Map<Object, Object> getAll(Set<Object> keys) {
                Map<Object, Object> found = new HashMap<>();
                keys.forEach(k -> {
                    if (stored.containsKey(k)) {
                        found.put(k, stored.get(k));
                    }
                });
                return found;
            }

            @Override
            public boolean insert(Object key, Object value) {
                writes.incrementAndGet();
                return stored.putIfAbsent(key, value) == null;
            }

            @Override
            public boolean replace(Object key, Object expected, Object value) {
                writes.incrementAndGet();
                return stored.replace(key, expected, value);
            }

            @Override
            public void delete(Object key) {
                stored.remove(key);
            }
        };
        JsonStateValues values = new JsonStateValues(false);
        StateWriter writer = new StateWriter(cluster, values, true, "ts", threads, n -> { }, threads, 8);
        List<WriteEntry> batch = List.of(
                update(values, "k", "{\"a\":1,\"ts\":1}", 1), update(values, "k", "{\"b\":2,\"ts\":3}", 3),
                update(values, "k", "{\"a\":9,\"ts\":2}", 2), update(values, "k", "{\"c\":3,\"ts\":3}", 3));
        writer.write(batch, Fence.open()).toCompletableFuture().join();
        assertThat(stored.get("k")).isEqualTo("{\"a\":1,\"ts\":3,\"b\":2,\"c\":3}");
        assertThat(writes.get()).as("one write for four updates of one key").isEqualTo(1);
    }

    private static WriteEntry update(JsonStateValues values, String key, String json, long version) {
        return new WriteEntry(key, new StateUpdate(values.document(new SchemaAndValue(Schema.STRING_SCHEMA, json)),
                BigDecimal.valueOf(version)));
    }
}
