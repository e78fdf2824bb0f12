package io.streamgrid.coap;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An executor that runs each task at once on the calling thread. Californium's client hands its callbacks to the
 * executor it is given; given this one, a notification is handled on Californium's thread, in the order notifications
 * come, as when the client has no executor, and the client starts no thread of its own.
 */
final class CallerRuns extends AbstractExecutorService {

    static final CallerRuns INSTANCE = new CallerRuns();

    private CallerRuns() {
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    /** Shared by every client of every task: never shut down. */
    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }
}
