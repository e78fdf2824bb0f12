package io.streamgrid.hazelcast.writer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * Calls over consecutive chunks of a batch made back to back, several in flight, to one partition (a ringbuffer's):
 * the client sends them in order over one connection and the member runs them in order on the partition's thread, so
 * they land in Kafka order while the next is already on its way, instead of a round trip per chunk.
 * <p>
 * Order is kept when a call fails too: once every call after it has ended, the failed call and everything after it
 * are sent again, in order (those that had gone in are then there twice, the second time in order: at least once).
 * After {@link #ROUNDS} rounds that each failed the batch fails with the last failure. Every call is made only while
 * the batch's {@link Fence} is open, and the batch ends only once every call it made has ended.
 */
final class PipelinedChunks {

    /** Calls in flight at once for one batch. */
    static final int IN_FLIGHT = 8;
    /** Rounds of sending the rest of a batch from its first failed call, before the batch fails. */
    static final int ROUNDS = 3;

    private PipelinedChunks() {
    }

    /**
     * Runs {@code call} on the chunks of at most {@code size} values, on {@code executor}; the call is given how many
     * values went before its chunk, and the chunk.
     */
    static CompletionStage<Void> inOrder(List<Object> values, int size,
                                         BiFunction<Integer, List<Object>, CompletionStage<?>> call, Executor executor,
                                         Fence fence) {
        return CompletableFuture.runAsync(() -> {
            int from = 0;
            for (int round = 1; ; round++) {
                Failed failed = round(values, size, from, call, fence);
                if (failed == null) {
                    return;
                }
                if (round == ROUNDS || failed.cause() instanceof Fence.FencedOffException) {
                    throw failed.cause() instanceof RuntimeException e ? e : new CompletionException(failed.cause());
                }
                from = failed.from();
            }
        }, executor);
    }

    /** The first call of a round that failed: the values before its chunk, and why. */
    private record Failed(int from, Throwable cause) {
    }

    /** Makes the calls from value {@code from} on, waits for all it made; the first that failed, or null. */
    private static Failed round(List<Object> values, int size, int from,
                                BiFunction<Integer, List<Object>, CompletionStage<?>> call, Fence fence) {
        Deque<Made> inFlight = new ArrayDeque<>();
        Failed failed = null;
        for (int before = from; before < values.size(); before += size) {
            if (inFlight.size() == IN_FLIGHT) {
                failed = awaitOldest(inFlight);
                if (failed != null) {
                    break;
                }
            }
            try {
                fence.check();
                List<Object> chunk = values.subList(before, Math.min(values.size(), before + size));
                inFlight.add(new Made(before, HazelcastCalls.answered(call.apply(before, chunk))));
            } catch (RuntimeException e) {
                failed = new Failed(before, e);
                break;
            }
        }
        while (!inFlight.isEmpty()) {
            Failed next = awaitOldest(inFlight);
            if (next != null && (failed == null || next.from() < failed.from())) {
                failed = next;
            }
        }
        return failed;
    }

    private record Made(int before, CompletableFuture<?> answer) {
    }

    private static Failed awaitOldest(Deque<Made> inFlight) {
        Made oldest = inFlight.poll();
        try {
            oldest.answer().join();
            return null;
        } catch (CompletionException e) {
            return new Failed(oldest.before(), e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException e) {
            return new Failed(oldest.before(), e);
        }
    }
}
