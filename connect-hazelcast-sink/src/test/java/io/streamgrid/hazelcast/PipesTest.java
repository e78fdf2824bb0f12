package io.streamgrid.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgrid.common.metrics.ConnectorMetrics;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.hazelcast.writer.WriteEntry;
import io.streamgrid.kcql.Format;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The task's structures together: the places for batches in flight they share, and how long the task waits. */
class PipesTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);

    private final ConnectorMetrics metrics = ConnectorMetrics.register(null,
            Map.of("name", "pipes-test-" + System.nanoTime(), TaskIds.TASK_ID_CONFIG, "0"),
            new ConnectorMetrics.Gauges(() -> 0, () -> 0, () -> 0, () -> true));
    private final ExecutorService followOn = Executors.newSingleThreadExecutor();
    private final Map<String, ControlledWriter> writers = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        writers.values().forEach(writer -> writer.results.forEach(result -> result.complete(null)));
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        followOn.shutdownNow();
        metrics.close();
    }

    private Pipes pipes(InFlightBudget budget, Duration timeout) {
        return new Pipes(100, (target, ttl, batchSize) -> writer(target.name()),
                new Pipe.Shared(metrics, new AtomicLong(), budget, followOn, Duration.ZERO, timeout));
    }

    private ControlledWriter writer(String structure) {
        return writers.computeIfAbsent(structure, name -> new ControlledWriter());
    }

    private static Pipe open(Pipes pipes, String structure, int batchSize) {
        return pipes.open(new StoreTarget(StoreType.IMAP, structure, Format.JSON, null, false, false, null, null,
                false), null, batchSize, false);
    }

    private static void add(Pipe pipe, long offset, String value) {
        pipe.add(new Pipe.Pending(new WriteEntry("k" + offset, value), P0, offset, -1, null));
    }

    private Thread start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        threads.add(thread);
        thread.start();
        return thread;
    }

    /**
     * The task waits for a place while every place is taken: any batch that ends frees it, not only the one the task
     * happened to pick. Structure a never answers; when b's batch ends (written, or failed), c goes at once. The task
     * waited for a's batch alone, so c and the commit waited for a's write timeout.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aWaitingTaskTakesThePlaceOfWhicheverBatchEndsFirst(boolean written) throws Exception {
        InFlightBudget budget = new InFlightBudget(2);
        Pipes pipes = pipes(budget, Duration.ofSeconds(60));
        Pipe a = open(pipes, "a", 10);
        Pipe b = open(pipes, "b", 10);
        Pipe c = open(pipes, "c", 10);
        add(a, 0, "a");
        add(b, 1, "b");
        pipes.sendDue(pipes.deadline());
        assertThat(budget.inUse()).as("a and b take both places").isEqualTo(2);
        add(c, 2, "c");
        Thread task = start("task", () -> pipes.sendDue(pipes.deadline()));
        await().atMost(Duration.ofSeconds(10)).until(() -> task.getState() == Thread.State.TIMED_WAITING
                || task.getState() == Thread.State.WAITING);

        if (written) {
            writer("b").results.get(0).complete(null);
        } else {
            writer("b").results.get(0).completeExceptionally(new IllegalStateException("member gone"));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> writer("c").calls.size() == 1);
        task.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(task.isAlive()).as("the task's put goes on while a has not answered").isFalse();
        assertThat(budget.inUse()).as("a and c").isEqualTo(2);
        assertThat(b.hasFailed()).isEqualTo(!written);
    }

    /**
     * Structures whose timed-out batches' calls still run: the task's retry pass (as in put()) does not wait for each
     * in turn, a write timeout apiece (4 structures took 4 write timeouts, so 10 stuck structures at 30 s took one
     * put() past max.poll.interval.ms); the error policy's back-off brings the next try. The failures say why.
     */
    @Test
    void aRetryPassDoesNotWaitAWriteTimeoutForEachStructureWhoseCallsStillRun() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        Pipes pipes = pipes(new InFlightBudget(16), timeout);
        for (String structure : List.of("a", "b", "c", "d")) {
            add(open(pipes, structure, 10), 0, structure);
        }
        pipes.sendDue(pipes.deadline());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            pipes.all().forEach(Pipe::collect);
            return pipes.failed().size() == 4; // every batch timed out; none of their calls has ended
        });

        long start = System.nanoTime();
        long deadline = pipes.deadline();
        for (Pipe pipe : pipes.failed()) { // as HazelcastSinkTask.retryFailedBatches
            pipes.awaitInFlight(pipe);
            assertThat(pipes.retry(pipe, deadline)).isFalse();
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(tookMs).as("the retry pass over 4 structures, write timeout %s ms", timeout.toMillis())
                .isLessThan(timeout.toMillis());
        assertThat(pipes.failed()).hasSize(4).allSatisfy(pipe ->
                assertThat(pipe.failure()).hasMessageContaining("still running at Hazelcast"));
        writers.values().forEach(writer -> assertThat(writer.calls).as("nothing sent again").hasSize(1));
    }

    /**
     * Error policy NOOP gave timed-out batches up, their calls still run and records pile up behind them: the task's
     * back-pressure waits for those calls at most one write timeout per put(), over all structures together.
     */
    @Test
    void backPressureBehindCallsStillRunningWaitsOneWriteTimeoutForAllStructuresTogether() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        Pipes pipes = pipes(new InFlightBudget(16), timeout);
        List<Pipe> stuck = new ArrayList<>();
        for (String structure : List.of("a", "b", "c", "d")) {
            Pipe pipe = open(pipes, structure, 2);
            add(pipe, 0, structure);
            stuck.add(pipe);
        }
        pipes.sendDue(pipes.deadline());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            pipes.all().forEach(Pipe::collect);
            return pipes.failed().size() == 4;
        });
        long offset = 1;
        for (Pipe pipe : stuck) {
            pipe.dropFailed(); // NOOP
            for (int i = 0; i < Pipes.BACKLOG_BATCHES * 2; i++) {
                add(pipe, offset++, "behind");
            }
        }

        long start = System.nanoTime();
        pipes.sendDue(pipes.deadline());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(tookMs).as("put()'s back-pressure over 4 structures, write timeout %s ms", timeout.toMillis())
                .isLessThan(2 * timeout.toMillis());
        writers.values().forEach(writer -> assertThat(writer.calls).as("nothing overtakes running calls").hasSize(1));
    }
}
