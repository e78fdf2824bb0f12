package io.streamgrid.coap;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * The threads a task starts: daemons, so they never hold a worker's JVM open; named {@code streamgrid-coap-...}, so
 * a thread dump tells them apart; and carrying the task's MDC logging context, which Connect sets only on its own
 * threads.
 */
public final class TaskThreads {

    private final Map<String, String> loggingContext;
    private final AtomicInteger count = new AtomicInteger();

    /** @param loggingContext the task's MDC, or null when it has none */
    public TaskThreads(Map<String, String> loggingContext) {
        this.loggingContext = loggingContext == null ? null : new HashMap<>(loggingContext);
    }

    public ThreadFactory named(String role) {
        return runnable -> {
            Thread thread = new Thread(() -> {
                if (loggingContext != null) {
                    MDC.setContextMap(loggingContext);
                }
                runnable.run();
            }, "streamgrid-coap-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * One thread, for a state machine whose transitions must not interleave; a cancelled timer leaves its queue
     * at once rather than when it would have run.
     */
    public ScheduledExecutorService serial(String role) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, named(role));
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
