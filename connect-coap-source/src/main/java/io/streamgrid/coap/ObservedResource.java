package io.streamgrid.coap;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes one resource and keeps observing: after an error, a refusal or a cancellation it registers again
 * with back-off (1 s doubling to 30 s); when the resource is silent for the silence timeout (a restarted
 * server forgets its observers) it registers again; a resource that turns out not to be observable is polled.
 */
final class ObservedResource implements ResourceWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ObservedResource.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Context context;
    private final CoapStatement statement;
    private final CoapUri resource;
    private final CoapClient client;
    private final AtomicLong sequence = new AtomicLong();
    private volatile CoapObserveRelation relation;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean stopped;
    private volatile int failures;
    private ScheduledFuture<?> watchdog;
    private PolledResource fallback;

    ObservedResource(Context context, CoapStatement statement, CoapUri resource) {
        this.context = context;
        this.statement = statement;
        this.resource = resource;
        this.client = context.client(resource);
    }

    @Override
    public synchronized void start() {
        observe();
        long period = Math.max(100, Math.min(1000, context.silenceTimeout().toMillis() / 2));
        watchdog = context.scheduler().scheduleWithFixedDelay(this::checkSilence, period, period, TimeUnit.MILLISECONDS);
    }

    private synchronized void observe() {
        if (stopped || fallback != null) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        relation = client.observe(new Handler());
    }

    private void checkSilence() {
        if (stopped || fallback != null) {
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
        if (silentMs >= context.silenceTimeout().toMillis()) {
            LOG.info("No notification from {} for {} ms; registering the observation again", resource, silentMs);
            context.retried().run();
            CoapObserveRelation old = relation;
            if (old != null) {
                old.reactiveCancel();
            }
            observe();
        }
    }

    private void retryLater(String why) {
        if (stopped) {
            return;
        }
        long delay = Math.min(MAX_BACKOFF_MS, 1000L << Math.min(failures, 5));
        failures++;
        context.retried().run();
        if (context.warnings().allow(resource.toString())) {
            LOG.warn("Observing {} failed ({}); trying again in {} ms", resource, why, delay);
        }
        CoapObserveRelation old = relation;
        if (old != null) {
            old.reactiveCancel();
        }
        context.scheduler().schedule(this::observe, delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void pollInstead() {
        if (fallback == null && !stopped) {
            LOG.warn("{} is not observable (its response has no Observe option); polling it every {} ms instead "
                    + "(PROPERTIES('mode' = 'poll') says so explicitly)", resource, statement.interval().toMillis());
            CoapObserveRelation old = relation;
            if (old != null) {
                old.reactiveCancel();
            }
            fallback = new PolledResource(context, statement, resource, statement.interval());
            fallback.start();
        }
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (fallback != null) {
            fallback.stop();
        }
        CoapObserveRelation current = relation;
        if (current != null) {
            current.reactiveCancel();
        }
        client.shutdown();
    }

    private final class Handler implements CoapHandler {

        @Override
        public void onLoad(CoapResponse response) {
            if (stopped) {
                return;
            }
            lastHeardNanos = System.nanoTime();
            if (!response.isSuccess()) {
                retryLater("it answered " + response.getCode() + " " + response.getCode().name());
                return;
            }
            failures = 0;
            Response advanced = response.advanced();
            long number = advanced.getOptions().hasObserve() ? advanced.getOptions().getObserve() : sequence.get();
            sequence.incrementAndGet();
            context.sink().accept(new CoapEvent(statement, resource,
                    CoapRecords.value(advanced, resource, System.currentTimeMillis()), number));
            if (!advanced.getOptions().hasObserve()) {
                context.scheduler().execute(ObservedResource.this::pollInstead);
            }
        }

        @Override
        public void onError() {
            retryLater("no answer, or the request was refused");
        }
    }
}
