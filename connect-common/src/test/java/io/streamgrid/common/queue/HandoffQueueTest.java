package io.streamgrid.common.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HandoffQueueTest {

    @Test
    void fullQueueMakesTheProducerWaitUntilPollMakesRoom() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(2);
        assertThat(queue.put(1)).isTrue();
        assertThat(queue.put(2)).isTrue();
        AtomicBoolean third = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> producer = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                boolean added = queue.put(3);
                third.set(true);
                return added;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        started.await();
        Thread.sleep(200);
        assertThat(third).as("producer must block while the queue is full").isFalse();
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.poll(1, Duration.ofSeconds(1))).containsExactly(1);
        assertThat(producer.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.poll(10, Duration.ofSeconds(1))).containsExactly(2, 3);
    }

    @Test
    void pollWaitsAtMostItsTimeoutAndReturnsEmpty() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(4);
        long start = System.nanoTime();
        assertThat(queue.poll(10, Duration.ofMillis(150))).isEmpty();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMs).isBetween(100L, 5_000L);
    }

    @Test
    void pollDrainsAtMostTheBatchSizeInOrder() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(10);
        for (int i = 0; i < 7; i++) {
            queue.put(i);
        }
        assertThat(queue.poll(3, Duration.ZERO)).containsExactly(0, 1, 2);
        assertThat(queue.poll(10, Duration.ZERO)).containsExactly(3, 4, 5, 6);
    }

    @Test
    void producerErrorIsThrownAfterQueuedItemsAreHandedOver() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(10);
        queue.put("a");
        queue.fail(new IllegalStateException("connection refused"));
        queue.fail(new IllegalStateException("second error is ignored"));
        assertThat(queue.poll(10, Duration.ofSeconds(1))).containsExactly("a");
        assertThatThrownBy(() -> queue.poll(10, Duration.ofSeconds(1))).isInstanceOf(ConnectException.class)
                .hasMessage("connection refused").hasCauseInstanceOf(IllegalStateException.class);
    }

    /**
     * Under steady traffic the queue is never empty: the error must come once the items queued before it are
     * taken, not wait for a pause in the traffic. What came after the error stays in the queue.
     */
    @Test
    void producerErrorIsThrownOnceTheItemsQueuedBeforeItAreTakenThoughMoreKeepComing() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(10);
        queue.put("a");
        queue.put("b");
        queue.put("c");
        queue.fail(new IllegalStateException("subscription lost"));
        queue.put("d");
        assertThat(queue.poll(2, Duration.ZERO)).containsExactly("a", "b");
        queue.put("e");
        assertThat(queue.poll(10, Duration.ZERO)).as("only what was queued before the error").containsExactly("c");
        queue.put("f");
        assertThatThrownBy(() -> queue.poll(10, Duration.ZERO)).isInstanceOf(ConnectException.class)
                .hasMessage("subscription lost");
        assertThat(queue.size()).as("what came after the error is not handed over").isEqualTo(3);
    }

    @Test
    void itemsDroppedToMakeRoomCountAmongThoseBeforeTheError() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(2);
        queue.offerDroppingOldest(1);
        queue.offerDroppingOldest(2);
        queue.fail(new IllegalStateException("gone"));
        assertThat(queue.offerDroppingOldest(3)).containsExactly(1);
        assertThat(queue.poll(10, Duration.ZERO)).containsExactly(2);
        assertThatThrownBy(() -> queue.poll(10, Duration.ZERO)).hasMessage("gone");
    }

    @Test
    void errorWakesAWaitingPoll() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(1);
        CompletableFuture<List<String>> poller = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.poll(1, Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        ConnectException error = new ConnectException("broker gone");
        queue.fail(error);
        assertThatThrownBy(() -> poller.get(5, TimeUnit.SECONDS)).hasCause(error);
    }

    @Test
    void closeReleasesABlockedProducerWithoutAdding() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(1);
        queue.put(1);
        CompletableFuture<Boolean> producer = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.put(2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        queue.close();
        assertThat(producer.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void offerWithTimeoutGivesUp() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(1);
        assertThat(queue.offer(1, Duration.ZERO)).isTrue();
        assertThat(queue.offer(2, Duration.ofMillis(50))).isFalse();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void dropOldestKeepsTheNewest() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(2);
        assertThat(queue.offerDroppingOldest(1)).isEmpty();
        assertThat(queue.offerDroppingOldest(2)).isEmpty();
        assertThat(queue.offerDroppingOldest(3)).contains(1);
        assertThat(queue.poll(5, Duration.ZERO)).containsExactly(2, 3);
    }

    @Test
    void memoryIsBoundedByCapacity() throws Exception {
        HandoffQueue<Integer> queue = new HandoffQueue<>(100);
        for (int i = 0; i < 1000; i++) {
            queue.offerDroppingOldest(i);
        }
        assertThat(queue.size()).isEqualTo(100);
        assertThat(queue.poll(1, Duration.ZERO)).containsExactly(900);
    }

    @Test
    void countsTheBytesOfWhatIsQueued() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(2, String::length);
        queue.put("abc");
        queue.put("de");
        assertThat(queue.bytes()).isEqualTo(5);
        assertThat(queue.offerDroppingOldest("fghij")).contains("abc");
        assertThat(queue.bytes()).isEqualTo(7);
        assertThat(queue.poll(1, Duration.ZERO)).containsExactly("de");
        assertThat(queue.bytes()).isEqualTo(5);
        queue.poll(10, Duration.ZERO);
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aQueueFullByBytesMakesTheProducerWaitUntilPollMakesRoom() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(100, 10, String::length);
        assertThat(queue.put("123456")).isTrue();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> producer = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return queue.put("abcdef"); // 12 bytes would be over the bound of 10
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        started.await();
        assertThat(producer).as("waits while the bytes are over the bound").isNotDone();
        assertThat(queue.bytes()).isEqualTo(6);
        assertThat(queue.poll(1, Duration.ZERO)).containsExactly("123456");
        assertThat(producer.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.bytes()).isEqualTo(6);
    }

    @Test
    void anItemLargerThanTheByteBoundStillGoesIntoAnEmptyQueue() throws Exception {
        HandoffQueue<String> queue = new HandoffQueue<>(100, 4, String::length);
        assertThat(queue.offer("much too long", Duration.ZERO)).isTrue();
        assertThat(queue.offer("x", Duration.ZERO)).as("but nothing joins it").isFalse();
    }

    @Test
    void droppingTheOldestAlsoKeepsTheBytesWithinTheBound() {
        HandoffQueue<String> queue = new HandoffQueue<>(100, 10, String::length);
        queue.offerDroppingOldest("aaaa");
        queue.offerDroppingOldest("bbbb");
        assertThat(queue.offerDroppingOldest("cccccc")).contains("aaaa");
        assertThat(queue.bytes()).isEqualTo(10);
        assertThat(queue.offerDroppingOldest("dddddddddd")).contains("bbbb", "cccccc");
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> new HandoffQueue<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
