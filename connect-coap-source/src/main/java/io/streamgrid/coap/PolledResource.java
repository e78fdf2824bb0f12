package io.streamgrid.coap;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GETs one resource at a fixed interval; a timeout or an error response is logged and the next poll goes on. */
final class PolledResource implements ResourceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(PolledResource.class);

    private final Context context;
    private final CoapStatement statement;
    private final CoapUri resource;
    private final Duration interval;
    private final CoapClient client;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final AtomicLong sentAtNanos = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private ScheduledFuture<?> schedule;
    private volatile boolean stopped;

    PolledResource(Context context, CoapStatement statement, CoapUri resource, Duration interval) {
        this.context = context;
        this.statement = statement;
        this.resource = resource;
        this.interval = interval;
        this.client = context.client(resource);
    }

    @Override
    public void start() {
        schedule = context.scheduler().scheduleAtFixedRate(Guarded.guard("Polling " + resource, context.warnings(),
                this::get), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void get() {
        long now = System.nanoTime();
        if (inFlight.get() && now - sentAtNanos.get() < context.requestTimeout().toNanos()) {
            return; // the previous request is still on its way
        }
        inFlight.set(true);
        sentAtNanos.set(now);
        try {
            client.get(handler());
        } catch (RuntimeException e) {
            inFlight.set(false); // nothing is on its way: the next poll need not wait for the request timeout
            throw e;
        }
    }

    private CoapHandler handler() {
        return new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                inFlight.set(false);
                if (stopped) {
                    return;
                }
                if (!response.isSuccess()) {
                    warn("it answered " + response.getCode() + " " + response.getCode().name());
                    return;
                }
                context.sink().accept(new CoapEvent(statement, resource,
                        CoapRecords.value(response.advanced(), resource, System.currentTimeMillis()),
                        sequence.incrementAndGet()));
            }

            @Override
            public void onError() {
                inFlight.set(false);
                warn("no answer");
            }
        };
    }

    private void warn(String why) {
        if (!stopped && context.warnings().allow(resource.toString())) {
            LOG.warn("Polling {} failed ({}); polling goes on every {} ms", resource, why, interval.toMillis());
        }
    }

    @Override
    public void stop() {
        stopped = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
        client.shutdown();
    }
}
