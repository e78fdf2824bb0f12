package io.streamgrid.coap;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;

/** Reads one resource (or, for discovery, a set of them) for as long as the task runs. */
interface ResourceWatch {

    void start();

    void stop();

    /**
     * What every watch needs: the task's endpoints, where responses go, the task's small shared scheduler (no watch
     * has a thread of its own), the timeouts, what to tell when a watch tries again (for the retries metric), and the
     * sweep that notices silent observations.
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP", justification = "every watch of a "
            + "task sends through the task's endpoints and runs on its scheduler, on purpose")
    record Context(ClientEndpoints endpoints, Consumer<CoapEvent> sink, ScheduledThreadPoolExecutor scheduler,
                   Duration silenceTimeout, Duration requestTimeout, RateLimitedLog warnings, Runnable retried,
                   Silences silences) {

        /**
         * A client for {@code resource} on the task's endpoint, handling responses on Californium's thread as they
         * come and timing its observation on the task's scheduler: left to itself, Californium's client starts a
         * thread of its own for each observation (its "secondary" executor).
         */
        CoapClient client(CoapUri resource) {
            CoapClient client = new CoapClient(resource.toString());
            client.setExecutors(CallerRuns.INSTANCE, scheduler, true);
            client.setEndpoint(endpoints.forUri(resource));
            client.setTimeout(requestTimeout.toMillis());
            return client;
        }

        /** A lane of its own on the shared scheduler, for a watch whose steps must not interleave. */
        SerialLane lane() {
            return new SerialLane(scheduler);
        }
    }
}
