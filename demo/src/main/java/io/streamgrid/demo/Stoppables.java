package io.streamgrid.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the demo started, stopped in the reverse order (the devices first, Hazelcast last) and each within a time
 * limit, so Ctrl-C gives the terminal back within seconds even when one part hangs.
 */
final class Stoppables {

    /** A stop that may throw. */
    @FunctionalInterface
    interface Stop {
        void run() throws Exception;
    }

    private record Named(String name, Stop stop, long limitMillis) {
    }

    private static final long LIMIT_MILLIS = 6000;

    private final List<Named> started = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    synchronized void add(String name, Stop stop) {
        add(name, stop, LIMIT_MILLIS);
    }

    /** A part that may take up to {@code limitMillis} to stop. */
    synchronized void add(String name, Stop stop, long limitMillis) {
        started.add(new Named(name, stop, limitMillis));
    }

    boolean stopping() {
        return stopping.get();
    }

    /** Runs {@code first}, then stops everything started so far; false when another thread already did. */
    boolean stopAll(Screen screen, Runnable first) {
        if (!stopping.compareAndSet(false, true)) {
            return false;
        }
        first.run();
        long began = System.nanoTime();
        List<Named> toStop;
        synchronized (this) {
            toStop = new ArrayList<>(started);
        }
        screen.line("Stopping ...");
        for (int i = toStop.size() - 1; i >= 0; i--) {
            Named part = toStop.get(i);
            Thread thread = new Thread(() -> {
                try {
                    part.stop().run();
                } catch (Exception e) {
                    screen.line("  " + part.name() + ": " + e);
                }
            }, "demo-stop-" + part.name());
            thread.setDaemon(true);
            thread.start();
            try {
                thread.join(part.limitMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            if (thread.isAlive()) {
                screen.line("  " + part.name() + " did not stop within " + part.limitMillis() / 1000
                        + " s; left to the JVM's exit");
            }
        }
        screen.line(String.format(java.util.Locale.ROOT, "  (stopped in %.1f s)",
                (System.nanoTime() - began) / 1e9));
        return true;
    }
}
