package io.streamgrid.hazelcast.writer;

import static io.streamgrid.hazelcast.writer.TestBatches.entries;
import static io.streamgrid.hazelcast.writer.TestBatches.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Collections: a batch goes in order, in addAll calls of at most BATCH items. */
class CollectionWriterTest {

    /** A list that remembers the size of every addAll call. */
    private static final class RecordingList extends ArrayList<Object> {
        final List<Integer> calls = new ArrayList<>();

        @Override
        public boolean addAll(Collection<?> items) {
            calls.add(items.size());
            return super.addAll(items);
        }
    }

    @Test
    void aBatchWithinTheBatchSizeIsOneCall() {
        RecordingList list = new RecordingList();
        new CollectionWriter(list, "IList 'l'", Runnable::run, 10_000).write(entries(2_500), Fence.open())
                .toCompletableFuture().join();
        assertThat(list.calls).containsExactly(2_500);
        assertThat(list).containsExactlyElementsOf(values(2_500));
    }

    @Test
    void aSmallerBatchSizeBoundsEveryCall() {
        RecordingList list = new RecordingList();
        new CollectionWriter(list, "IList 'l'", Runnable::run, 300).write(entries(700), Fence.open())
                .toCompletableFuture().join();
        assertThat(list.calls).containsExactly(300, 300, 100);
        assertThat(list).containsExactlyElementsOf(values(700));
    }
}
