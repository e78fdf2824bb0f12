package io.streamgrid.demo;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread that reads for the views (a ringbuffer, a queue, the dead-letter topics) step by step until its
 * owner closes: a step that fails is logged and tried again a second later, so a reader never dies silently.
 */
final class ReaderThread {

    /** One step of the loop, e.g. one blocking read. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReaderThread.class);

    private ReaderThread() {
    }

    /** Starts {@code step} in a loop on a thread named {@code demo-<name>}; it ends once {@code closed} is true. */
    static Thread start(String name, Step step, BooleanSupplier closed) {
        Thread thread = new Thread(() -> {
            while (!closed.getAsBoolean()) {
                try {
                    step.run();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (closed.getAsBoolean()) {
                        return; // what the owner's close interrupted
                    }
                    LOG.warn("Reader {} failed, retrying in a second: {}", name, e.toString());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }, "demo-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
