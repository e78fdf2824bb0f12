package io.streamgrid.coap;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * server forgets its observers) it registers again; a resource whose answer to a registration has no Observe
 * option is not observable and is polled. A later response without it only ends that observation (RFC 7641
 * §3.2: a server that stops notifying, or the answer to Californium's own re-registration), so the watch
 * registers again rather than poll for good.
 *
 * <p>Every transition runs in this resource's own lane on the task's shared scheduler ({@link SerialLane}: one at a
 * time, no thread of its own); Californium's callbacks only hand it events, each tagged with the registration it
 * belongs to. So transitions cannot interleave, an event of a replaced registration changes nothing, the relation in
 * place is cancelled before the next registration, and at most one retry waits: the device never holds two relations
 * that would each deliver every reading. Readings go to the sink straight from Californium's thread, without the
 * hop. The task's silence sweep, not a timer of each resource, notices a resource gone quiet.
 */
final class ObservedResource implements ResourceWatch, Silences.Watched {

    private static final Logger LOG = LoggerFactory.getLogger(ObservedResource.class);
    private static final long FIRST_BACKOFF_MS = 1000;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long STOP_WAIT_MS = 5000;

    private enum State { OBSERVING, BACKING_OFF, POLLING, STOPPED }

    private final Context context;
    private final CoapStatement statement;
    private final CoapUri resource;
    private final CoapClient client;
    private final SerialLane events;
    private final AtomicLong sequence = new AtomicLong();
    /** Written by every response, read by the watchdog. */
    private volatile long lastHeardNanos = System.nanoTime();
    /** Set by {@link #stop} at once, so that nothing arriving while the last transition waits is delivered. */
    private volatile boolean stopped;

    // Only the events thread touches these.
    /** Written in the lane only; volatile for the silence sweep, which skips resources not observing. */
    private volatile State state = State.OBSERVING;
    private int registration;
    private CoapObserveRelation relation;
    private ScheduledFuture<?> retry;
    private int failures;
    private PolledResource fallback;

    ObservedResource(Context context, CoapStatement statement, CoapUri resource) {
        this.context = context;
        this.statement = statement;
        this.resource = resource;
        this.client = context.client(resource);
        this.events = context.lane();
    }

    @Override
    public void start() {
        post(this::register);
        context.silences().add(this);
    }

    /** Replaces whatever relation or retry is in place with a new registration. */
    private void register() {
        if (state == State.STOPPED || state == State.POLLING) {
            return;
        }
        cancelRetry();
        cancelRelation();
        state = State.OBSERVING;
        lastHeardNanos = System.nanoTime();
        int current = ++registration;
        try {
            relation = client.observe(new Handler(current));
        } catch (RuntimeException e) { // e.g. the host name does not resolve for now
            failed(current, e.toString());
        }
    }

    /** The sweep's question, on its thread: the answer, when silent, is a transition in the lane. */
    @Override
    public void checkSilence() {
        if (!stopped && state == State.OBSERVING && System.nanoTime() - lastHeardNanos >= context.silenceTimeout().toNanos()) {
            post(this::registerIfSilent);
        }
    }

    private void registerIfSilent() {
        if (state != State.OBSERVING) {
            return; // a back-off is not silence: its retry registers anyway
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
        if (silentMs >= context.silenceTimeout().toMillis()) {
            LOG.info("No notification from {} for {} ms; registering the observation again", resource, silentMs);
            context.retried().run();
            register();
        }
    }

    private void failed(int which, String why) {
        if (state != State.OBSERVING || which != registration) {
            return;
        }
        cancelRelation();
        long delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failures, 5));
        failures++;
        context.retried().run();
        if (context.warnings().allow(resource.toString())) {
            LOG.warn("Observing {} failed ({}); trying again in {} ms", resource, why, delay);
        }
        state = State.BACKING_OFF;
        retry = events.schedule(guarded(this::register), delay, TimeUnit.MILLISECONDS);
    }

    private void answered(int which, boolean observable) {
        if (state != State.OBSERVING || which != registration) {
            return;
        }
        if (observable) {
            failures = 0;
            return;
        }
        LOG.warn("{} is not observable (its response has no Observe option); polling it every {} ms instead "
                + "(PROPERTIES('mode' = 'poll') says so explicitly)", resource, statement.interval().toMillis());
        cancelRelation();
        state = State.POLLING;
        fallback = new PolledResource(context, statement, resource, statement.interval());
        fallback.start();
    }

    private void halt() {
        state = State.STOPPED;
        cancelRetry();
        cancelRelation();
        if (fallback != null) {
            fallback.stop();
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private void cancelRelation() {
        if (relation != null) {
            relation.reactiveCancel();
            relation = null;
        }
    }

    /**
     * Stops without waiting for the last transition (which runs in the lane, after those already waiting): for a
     * resource a discovery no longer lists, while the task goes on.
     */
    void stopLater() {
        stopped = true;
        context.silences().remove(this);
        post(() -> {
            halt();
            events.shutdown();
            client.shutdown();
        });
    }

    /** Runs the last transition and waits for it, so that nothing of this watch outlives the task's endpoint. */
    @Override
    public void stop() {
        stopped = true;
        context.silences().remove(this);
        try {
            events.submit(guarded(this::halt)).get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopped before
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Stopping the observation of {} did not finish: {}", resource, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.shutdown();
        client.shutdown();
    }

    private void post(Runnable event) {
        try {
            events.execute(guarded(event));
        } catch (RejectedExecutionException e) {
            // stopped: there is no transition left to make
        }
    }

    private Runnable guarded(Runnable body) {
        return Guarded.guard("Observing " + resource, context.warnings(), body);
    }

    /** Californium's callbacks for one registration. */
    private final class Handler implements CoapHandler {

        private final int registration;
        private final AtomicBoolean first = new AtomicBoolean(true);

        Handler(int registration) {
            this.registration = registration;
        }

        @Override
        public void onLoad(CoapResponse response) {
            if (stopped) {
                return;
            }
            lastHeardNanos = System.nanoTime();
            if (!response.isSuccess()) {
                String why = "it answered " + response.getCode() + " " + response.getCode().name();
                post(() -> failed(registration, why));
                return;
            }
            Response advanced = response.advanced();
            boolean observable = advanced.getOptions().hasObserve();
            long number = observable ? advanced.getOptions().getObserve() : sequence.get();
            sequence.incrementAndGet();
            context.sink().accept(new CoapEvent(statement, resource,
                    CoapRecords.value(advanced, resource, System.currentTimeMillis()), number));
            if (first.compareAndSet(true, false)) {
                post(() -> answered(registration, observable));
            } else if (!observable) {
                post(() -> failed(registration, "the server ended the observation: a response without the Observe "
                        + "option"));
            }
        }

        @Override
        public void onError() {
            if (!stopped) {
                post(() -> failed(registration, "no answer, or the request was refused"));
            }
        }
    }
}
