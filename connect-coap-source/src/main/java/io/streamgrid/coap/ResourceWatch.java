package io.streamgrid.coap;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.network.Endpoint;

/** Reads one resource (or, for discovery, a set of them) for as long as the task runs. */
interface ResourceWatch {

    void start();

    void stop();

    /**
     * What every watch needs: the endpoint, where responses go, a shared scheduler, the timeouts, what to tell
     * when a watch tries again (for the retries metric), and where a watch gets a thread of its own.
     */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP", justification = "every watch of a task sends through "
            + "the task's one endpoint, on purpose")
    record Context(Endpoint endpoint, Consumer<CoapEvent> sink, ScheduledExecutorService scheduler,
                   Duration silenceTimeout, Duration requestTimeout, RateLimitedLog warnings, Runnable retried,
                   TaskThreads threads) {

        CoapClient client(CoapUri resource) {
            CoapClient client = new CoapClient(resource.toString());
            client.setEndpoint(endpoint);
            client.setTimeout(requestTimeout.toMillis());
            return client;
        }
    }
}
