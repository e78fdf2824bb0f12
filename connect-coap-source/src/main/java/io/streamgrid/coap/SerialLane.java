package io.streamgrid.coap;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one owner's tasks one at a time and in order on the task's shared scheduler: a state machine (an observed
 * resource) whose transitions must not interleave, without a thread of its own, so ten thousand of them cost memory,
 * not threads. A delayed task waits on the shared scheduler and joins the lane when due; cancelling it before then
 * takes it off.
 */
final class SerialLane {

    /** Most tasks run in one turn before the lane makes way for the others on the shared threads. */
    private static final int TURN = 32;

    private final ScheduledExecutorService shared;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while a turn is scheduled or running, so that at most one runs. */
    private final AtomicBoolean turn = new AtomicBoolean();
    private volatile boolean shutdown;

    SerialLane(ScheduledExecutorService shared) {
        this.shared = shared;
    }

    /** Runs {@code task} after those before it; RejectedExecutionException once shut down. */
    void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("the lane is shut down");
        }
        tasks.add(task);
        takeTurn();
    }

    private void takeTurn() {
        if (turn.compareAndSet(false, true)) {
            try {
                shared.execute(this::run);
            } catch (RejectedExecutionException e) {
                turn.set(false);
                tasks.clear();
                throw e;
            }
        }
    }

    private void run() {
        try {
            Runnable task;
            for (int i = 0; i < TURN && !shutdown && (task = tasks.poll()) != null; i++) {
                task.run();
            }
        } finally {
            turn.set(false);
        }
        if (!tasks.isEmpty() && !shutdown) {
            try {
                takeTurn();
            } catch (RejectedExecutionException e) {
                // the task is stopping: nothing is left to run
            }
        }
    }

    /** Runs {@code task} in the lane after {@code delay}; cancel the future to take it off. */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return shared.schedule(() -> {
            try {
                execute(task);
            } catch (RejectedExecutionException e) {
                // shut down meanwhile
            }
        }, delay, unit);
    }

    /** Runs {@code task} in the lane; the future tells when it ran. */
    Future<?> submit(Runnable task) {
        FutureTask<Void> future = new FutureTask<>(task, null);
        execute(future);
        return future;
    }

    /** Takes no more tasks; those waiting are dropped. */
    void shutdown() {
        shutdown = true;
        tasks.clear();
    }
}
