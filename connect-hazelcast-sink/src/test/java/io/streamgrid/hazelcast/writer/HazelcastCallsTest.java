package io.streamgrid.hazelcast.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.spi.impl.DelegatingCompletableFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The future of a Hazelcast client call (a {@link DelegatingCompletableFuture} around the invocation) completes
 * its dependents on a thread of Hazelcast's default async executor; {@link HazelcastCalls#answered} completes on
 * the thread that received the answer.
 */
class HazelcastCallsTest {

    private final ExecutorService responses = Executors.newSingleThreadExecutor(r -> new Thread(r, "hz-response"));

    @AfterEach
    void stop() {
        responses.shutdownNow();
    }

    @Test
    void anAnsweredCallCompletesOnTheThreadThatReceivedTheAnswer() throws Exception {
        CompletableFuture<Object> invocation = new CompletableFuture<>();
        DelegatingCompletableFuture<Long> call = clientFuture(invocation);
        AtomicReference<String> rawDependent = new AtomicReference<>();
        AtomicReference<String> answeredDependent = new AtomicReference<>();
        CompletableFuture<Void> rawDone = CompletableFuture.completedFuture(null)
                .thenCompose(ignored -> call).thenRun(() -> rawDependent.set(Thread.currentThread().getName()));
        CompletableFuture<Void> answeredDone = HazelcastCalls.answered(call)
                .thenRun(() -> answeredDependent.set(Thread.currentThread().getName()));

        responses.submit(() -> invocation.complete(7L)).get();
        rawDone.join();
        answeredDone.join();

        assertThat(rawDependent.get()).as("Hazelcast's own completion").isNotEqualTo("hz-response");
        assertThat(answeredDependent.get()).isEqualTo("hz-response");
        assertThat(HazelcastCalls.answered(call).join()).isEqualTo(7L);
    }

    @Test
    void aFailedCallFailsTheAnsweredFutureWithItsCause() throws Exception {
        CompletableFuture<Object> invocation = new CompletableFuture<>();
        CompletableFuture<Long> answered = HazelcastCalls.answered(clientFuture(invocation));

        responses.submit(() -> invocation.completeExceptionally(new IllegalStateException("member gone"))).get();

        assertThatThrownBy(answered::join).isInstanceOf(CompletionException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("member gone");
    }

    private static DelegatingCompletableFuture<Long> clientFuture(CompletableFuture<Object> invocation) {
        return new DelegatingCompletableFuture<>(new DefaultSerializationServiceBuilder().build(), invocation);
    }
}
