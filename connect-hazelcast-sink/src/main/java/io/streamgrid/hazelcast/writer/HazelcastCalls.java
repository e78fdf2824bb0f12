package io.streamgrid.hazelcast.writer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The result of an asynchronous Hazelcast client call as a plain future, completed on the thread that receives
 * the member's answer.
 * <p>
 * The future a client call returns completes its own dependents (a {@code thenCompose}, an {@code allOf}) from
 * Hazelcast's default async executor: the common ForkJoinPool, or, where that pool has a parallelism of 1 (a
 * machine of 2 cores or fewer), a new thread per completion. Writers that waited for that thread made their calls
 * at about half the rate of a raw client that joins the same calls (issue #18, docs/benchmarks.md). Only cheap
 * completions run on the answering thread: a writer that makes its next call from a completion hops to its own
 * executor first, since a call made from that thread sometimes stalled for seconds (see {@link ReliableTopicWriter}).
 */
public final class HazelcastCalls {

    private HazelcastCalls() {
    }

    public static <T> CompletableFuture<T> answered(CompletionStage<T> call) {
        CompletableFuture<T> answered = new CompletableFuture<>();
        call.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                answered.completeExceptionally(failure);
            } else {
                answered.complete(value);
            }
        }, Runnable::run);
        return answered;
    }
}
