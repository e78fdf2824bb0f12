package io.streamgrid.hazelcast.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.map.IMap;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A map batch larger than the statement's BATCH goes out as several setAllAsync calls of at most BATCH entries,
 * all in flight together: after last-write-wins per key no two of them hold the same key, so Kafka order per key
 * is kept while the calls overlap.
 */
class MapWriterTest {

    private final List<Map<?, ?>> calls = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();

    @SuppressWarnings("unchecked")
    private IMap<Object, Object> recordingMap() {
        return (IMap<Object, Object>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {IMap.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setAllAsync")) {
                        calls.add(Map.copyOf((Map<?, ?>) args[0]));
                        CompletableFuture<Void> result = new CompletableFuture<>();
                        pending.add(result);
                        return result;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aBatchLargerThanTheCallSizeGoesOutInOverlappingCallsOfDistinctKeys() {
        MapWriter writer = new MapWriter(recordingMap(), null, 10);
        List<WriteEntry> batch = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            batch.add(new WriteEntry("device-" + (i % 30), "reading-" + i)); // devices 0-4 twice: the later wins
        }
        CompletableFuture<Void> written = writer.write(batch, Fence.open()).toCompletableFuture();

        assertThat(calls).as("30 keys in calls of at most 10, all sent before any is acknowledged").hasSize(3)
                .allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(10));
        assertThat(calls.stream().flatMap(call -> call.keySet().stream()).distinct().count()).isEqualTo(30);
        Map<?, ?> withDevice3 = calls.stream().filter(call -> call.containsKey("device-3")).findFirst().orElseThrow();
        assertThat(withDevice3.get("device-3")).as("the later write of a key wins").isEqualTo("reading-33");
        assertThat(written).isNotDone();
        pending.forEach(result -> result.complete(null));
        assertThat(written).isCompleted();
    }

    /**
     * The batch timed out while its writer was still making calls: it makes no further call, and it has ended only
     * when the calls it made have ended (the pipe sends nothing else before that).
     */
    @Test
    void aBatchWhoseFenceClosedMakesNoFurtherCallAndEndsWithTheCallsItMade() {
        Fence fence = Fence.open();
        MapWriter writer = new MapWriter(closingAfterFirstCall(fence), null, 2);
        CompletableFuture<Void> written = writer.write(List.of(new WriteEntry("a", 1), new WriteEntry("b", 2),
                new WriteEntry("c", 3), new WriteEntry("d", 4), new WriteEntry("e", 5)), fence).toCompletableFuture();

        assertThat(calls).as("the first call only").hasSize(1);
        assertThat(written).as("its call is still on its way").isNotDone();
        pending.get(0).complete(null);
        assertThat(written).isCompletedExceptionally();
        assertThatThrownBy(written::join).hasCauseInstanceOf(Fence.FencedOffException.class);
    }

    /** A map like {@link #recordingMap()} whose first call closes the fence, as the write timeout would. */
    private IMap<Object, Object> closingAfterFirstCall(Fence fence) {
        IMap<Object, Object> map = recordingMap();
        @SuppressWarnings("unchecked")
        IMap<Object, Object> closing = (IMap<Object, Object>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {IMap.class}, (proxy, method, args) -> {
                    Object result = method.invoke(map, args);
                    fence.close();
                    return result;
                });
        return closing;
    }

    @Test
    void theBatchFailsWhenOneOfItsCallsFails() {
        MapWriter writer = new MapWriter(recordingMap(), null, 2);
        CompletableFuture<Void> written = writer.write(List.of(new WriteEntry("a", 1), new WriteEntry("b", 2),
                new WriteEntry("c", 3)), Fence.open()).toCompletableFuture();
        pending.get(0).complete(null);
        pending.get(1).completeExceptionally(new IllegalStateException("member gone"));
        assertThat(written).isCompletedExceptionally();
    }
}
