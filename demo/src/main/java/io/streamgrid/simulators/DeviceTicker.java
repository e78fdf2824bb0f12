package io.streamgrid.simulators;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Takes each simulated device's readings at its own interval, all on one thread (a device's readings and its
 * answers never overlap); a device given a new interval by a command takes its next reading one new interval later.
 */
final class DeviceTicker implements AutoCloseable {

    private final ScheduledExecutorService executor;
    private final Map<String, ScheduledFuture<?>> schedules = new ConcurrentHashMap<>();
    private final Consumer<String> reading;

    /** {@code reading}: takes and sends one reading of the device it is given; must not throw. */
    DeviceTicker(String name, Consumer<String> reading) {
        this.reading = reading;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Readings of {@code device} every {@code intervalMs}, the first after {@code firstDelayMs}. */
    void schedule(String device, long intervalMs, long firstDelayMs) {
        if (executor.isShutdown()) {
            return; // closing: a command that arrives now changes nothing more
        }
        ScheduledFuture<?> previous = schedules.put(device, executor.scheduleAtFixedRate(() -> reading.accept(device),
                firstDelayMs, intervalMs, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** A new interval for a device that is ticking (a device not started yet keeps waiting for {@link #schedule}). */
    void reschedule(String device, long intervalMs) {
        if (schedules.containsKey(device)) {
            schedule(device, intervalMs, intervalMs);
        }
    }

    /** Runs {@code task} on the ticker's thread, between readings. */
    void execute(Runnable task) {
        if (!executor.isShutdown()) {
            executor.execute(task);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
