package io.streamgrid.coap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the body of every task we schedule. A {@code ScheduledExecutorService} keeps what a task threw in a future
 * nobody reads and never runs that task again, so one unexpected exception (a host name that does not resolve
 * for a moment, say) would end a poll or a watchdog for good and in silence; here it is logged and the
 * schedule goes on.
 */
public final class Guarded {

    private static final Logger LOG = LoggerFactory.getLogger(Guarded.class);

    private Guarded() {
    }

    /** {@code body}, logging what it throws at WARN, at most once per interval of {@code warnings} per {@code what}. */
    public static Runnable guard(String what, RateLimitedLog warnings, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                if (warnings.allow(what + " threw")) {
                    LOG.warn("{} failed; it goes on as scheduled", what, e);
                }
            } catch (Error e) {
                LOG.error("{} failed and stops", what, e);
                throw e;
            }
        };
    }
}
