package io.streamgrid.coap;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One sweep for the whole task over its observed resources, about twice per silence timeout (between 100 ms and
 * 1 s): each silent one registers its observation again. A timer per resource would be ten thousand wake-ups a
 * second for ten thousand resources; the sweep is one.
 */
final class Silences {

    /** What the sweep asks of each observed resource. */
    interface Watched {
        /** Registers again if silent for the timeout; cheap when not. */
        void checkSilence();
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweep;

    Silences(ScheduledExecutorService scheduler, Duration timeout, RateLimitedLog warnings) {
        long period = Math.max(100, Math.min(1000, timeout.toMillis() / 2));
        sweep = scheduler.scheduleWithFixedDelay(Guarded.guard("The silence sweep", warnings,
                () -> watched.forEach(Watched::checkSilence)), period, period, TimeUnit.MILLISECONDS);
    }

    void add(Watched resource) {
        watched.add(resource);
    }

    void remove(Watched resource) {
        watched.remove(resource);
    }

    void stop() {
        sweep.cancel(false);
        watched.clear();
    }
}
