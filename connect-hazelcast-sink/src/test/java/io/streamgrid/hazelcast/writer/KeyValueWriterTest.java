package io.streamgrid.hazelcast.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ICache and ReplicatedMap: a batch larger than BATCH takes several putAll calls of at most BATCH entries. */
class KeyValueWriterTest {

    @Test
    void putAllCallsHoldAtMostTheCallSize() {
        List<Map<Object, Object>> calls = new ArrayList<>();
        KeyValueWriter writer = new KeyValueWriter(new KeyValueWriter.Operations() {
            @Override
            public void putAll(Map<Object, Object> entries, Duration ttl) {
                calls.add(Map.copyOf(entries));
            }

            @Override
            public void remove(Object key) {
            }
        }, null, Runnable::run, 4);
        List<WriteEntry> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(new WriteEntry("k" + i, i));
        }
        writer.write(batch, Fence.open()).toCompletableFuture().join();
        assertThat(calls).extracting(Map::size).containsExactly(4, 4, 2);
    }
}
