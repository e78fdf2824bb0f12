package io.streamgrid.hazelcast.writer;

import static io.streamgrid.hazelcast.writer.TestBatches.entries;
import static io.streamgrid.hazelcast.writer.TestBatches.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.topic.ITopic;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reliable topics: a batch goes in order, in calls of at most 1,000 messages, and every call is made on the
 * sink's own writer threads. Made from the thread that completed the call before it (Hazelcast's response
 * thread), a {@code publishAllAsync} call sometimes stayed unfinished for seconds although the ringbuffer
 * already held its messages (issue #18, docs/benchmarks.md).
 */
class ReliableTopicWriterTest {

    private final ExecutorService responses = Executors.newSingleThreadExecutor(r -> new Thread(r, "hz-response"));
    private final ExecutorService writers = Executors.newSingleThreadExecutor(r -> new Thread(r, "sink-writer"));

    @AfterEach
    void stop() {
        responses.shutdownNow();
        writers.shutdownNow();
    }

    /** Records every publishAllAsync call and answers it from another thread, as the Hazelcast client does. */
    private final class RecordingTopic {
        final List<Object> published = new ArrayList<>();
        final List<Integer> calls = new ArrayList<>();
        final List<String> callingThreads = new ArrayList<>();
        Runnable afterCall = () -> { };

        @SuppressWarnings("unchecked")
        ITopic<Object> proxy() {
            return (ITopic<Object>) Proxy.newProxyInstance(ITopic.class.getClassLoader(), new Class<?>[] {ITopic.class},
                    (self, method, args) -> switch (method.getName()) {
                        case "publishAllAsync" -> publish((Collection<?>) args[0]);
                        case "getName" -> "readings";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private synchronized CompletableFuture<Void> publish(Collection<?> messages) {
            calls.add(messages.size());
            callingThreads.add(Thread.currentThread().getName());
            published.addAll(messages);
            afterCall.run();
            return CompletableFuture.runAsync(() -> { }, responses);
        }
    }

    @Test
    void aBatchGoesInOrderInCallsOfAtMostOneThousandEachMadeOnTheWriterThreads() {
        RecordingTopic topic = new RecordingTopic();
        new ReliableTopicWriter(topic.proxy(), 10_000, writers).write(entries(3_500), Fence.open()).toCompletableFuture().join();
        assertThat(topic.calls).containsExactly(1_000, 1_000, 1_000, 500);
        assertThat(topic.published).containsExactlyElementsOf(values(3_500));
        assertThat(topic.callingThreads).containsOnly("sink-writer");
    }

    /** The batch timed out after its first call: the calls behind it are never made. */
    @Test
    void aBatchWhoseFenceClosedMakesNoFurtherCall() {
        RecordingTopic topic = new RecordingTopic();
        Fence fence = Fence.open();
        topic.afterCall = fence::close;
        CompletableFuture<Void> written = new ReliableTopicWriter(topic.proxy(), 300, writers).write(entries(700), fence)
                .toCompletableFuture();
        assertThatThrownBy(written::join).hasCauseInstanceOf(Fence.FencedOffException.class);
        assertThat(topic.calls).containsExactly(300);
        assertThat(topic.published).containsExactlyElementsOf(values(300));
    }

    @Test
    void aSmallerBatchSizeBoundsEveryCall() {
        RecordingTopic topic = new RecordingTopic();
        new ReliableTopicWriter(topic.proxy(), 300, writers).write(entries(700), Fence.open()).toCompletableFuture().join();
        assertThat(topic.calls).containsExactly(300, 300, 100);
        assertThat(topic.published).containsExactlyElementsOf(values(700));
    }
}
