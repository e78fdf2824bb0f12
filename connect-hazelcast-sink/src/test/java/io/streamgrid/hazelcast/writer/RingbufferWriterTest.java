package io.streamgrid.hazelcast.writer;

import static io.streamgrid.hazelcast.writer.TestBatches.entries;
import static io.streamgrid.hazelcast.writer.TestBatches.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ringbuffers: a batch's calls are pipelined, and Kafka order survives a failed call in the middle: it and every call
 * after it are sent again, in order, once the calls after it have ended.
 */
class RingbufferWriterTest {

    private final ExecutorService responses = Executors.newSingleThreadExecutor(r -> new Thread(r, "hz-response"));
    private final ExecutorService writers = Executors.newSingleThreadExecutor(r -> new Thread(r, "sink-writer"));

    @AfterEach
    void stop() {
        responses.shutdownNow();
        writers.shutdownNow();
    }

    /**
     * A partition's ringbuffer as the member runs it: calls in the order they come, answered in that order from
     * another thread; the calls numbered in {@code failing} fail without adding anything. The first call's answer
     * waits (up to 10 s) for a second call, as over a network a pipelining writer's next call leaves before the
     * answer comes back: without that wait a fast answer thread could answer each call before the next is made, and
     * whether the writer pipelines would depend on the scheduler (a one-call-at-a-time writer waits the 10 s out
     * and fails the in-flight assertion).
     */
    private final class PartitionRingbuffer {
        final List<Object> stored = new ArrayList<>();
        final List<Object> callsFirstItem = new ArrayList<>();
        final Set<Integer> failing;
        final CountDownLatch secondCall = new CountDownLatch(1);
        int unanswered;
        int mostUnanswered;

        PartitionRingbuffer(Set<Integer> failing) {
            this.failing = failing;
        }

        @SuppressWarnings("unchecked")
        Ringbuffer<Object> proxy() {
            return (Ringbuffer<Object>) Proxy.newProxyInstance(Ringbuffer.class.getClassLoader(),
                    new Class<?>[] {Ringbuffer.class}, (self, method, args) -> switch (method.getName()) {
                        case "addAllAsync" -> add((Collection<?>) args[0]);
                        case "getName" -> "readings";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private synchronized CompletableFuture<Long> add(Collection<?> items) {
            int number = callsFirstItem.size();
            callsFirstItem.add(items.iterator().next());
            mostUnanswered = Math.max(mostUnanswered, ++unanswered);
            if (number == 1) {
                secondCall.countDown();
            }
            return CompletableFuture.supplyAsync(() -> {
                if (number == 0) {
                    awaitSecondCall();
                }
                synchronized (this) {
                    unanswered--;
                    if (failing.contains(number)) {
                        throw new IllegalStateException("call " + number + " lost");
                    }
                    stored.addAll(items);
                    return (long) stored.size() - 1;
                }
            }, responses);
        }

        private void awaitSecondCall() {
            try {
                secondCall.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aFailedMiddleCallIsSentAgainWithEverythingAfterItInOrder() {
        PartitionRingbuffer ringbuffer = new PartitionRingbuffer(Set.of(2));
        RingbufferWriter writer = new RingbufferWriter(ringbuffer.proxy(), OverflowPolicy.OVERWRITE, 1000, writers);

        writer.write(entries(5000), Fence.open()).toCompletableFuture().join();

        assertThat(ringbuffer.callsFirstItem).as("calls 0-4 back to back; then 2, 3 and 4 again")
                .containsExactly("v0", "v1000", "v2000", "v3000", "v4000", "v2000", "v3000", "v4000");
        assertThat(ringbuffer.mostUnanswered).as("pipelined: not one round trip per call").isGreaterThan(1);
        List<Object> expected = new ArrayList<>(values(5000).subList(0, 2000));
        expected.addAll(values(5000).subList(3000, 5000)); // went in before call 2's failure was known
        expected.addAll(values(5000).subList(2000, 5000)); // sent again in order: the newest copy is in Kafka order
        assertThat(ringbuffer.stored).isEqualTo(expected);
    }

    @Test
    void aCallFailingEveryRoundFailsTheBatchAfterThreeRounds() {
        PartitionRingbuffer ringbuffer = new PartitionRingbuffer(Set.of(1, 3, 5));
        RingbufferWriter writer = new RingbufferWriter(ringbuffer.proxy(), OverflowPolicy.OVERWRITE, 1000, writers);

        assertThatThrownBy(() -> writer.write(entries(3000), Fence.open()).toCompletableFuture().join())
                .hasRootCauseMessage("call 5 lost");
        assertThat(ringbuffer.callsFirstItem).containsExactly("v0", "v1000", "v2000", "v1000", "v2000", "v1000",
                "v2000");
    }

    @Test
    void noCallIsMadeOnceTheBatchIsFencedOff() {
        PartitionRingbuffer ringbuffer = new PartitionRingbuffer(Set.of(0));
        Fence fence = Fence.open();
        fence.close();
        RingbufferWriter writer = new RingbufferWriter(ringbuffer.proxy(), OverflowPolicy.OVERWRITE, 1000, writers);

        assertThatThrownBy(() -> writer.write(entries(3000), fence).toCompletableFuture().join())
                .hasCauseInstanceOf(Fence.FencedOffException.class);
        assertThat(ringbuffer.callsFirstItem).isEmpty();
    }
}
