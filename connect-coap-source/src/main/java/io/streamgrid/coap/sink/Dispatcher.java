package io.streamgrid.coap.sink;

import io.streamgrid.coap.Guarded;
import io.streamgrid.coap.RateLimitedLog;
import io.streamgrid.common.metrics.ConnectorMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the requests. Each lane (a device's resource, or a device's address) sends one request at a time, in the
 * order the records came, and at most {@code maxParallel} requests are out at once over all lanes, handed to lanes in
 * the order they became ready. An answer 2.xx finishes a request as delivered and 4.xx as rejected; a 5.xx, no
 * answer within the request timeout (or after CoAP's retransmissions), a reset or a send error is tried again after
 * a back-off that doubles, holding its lane, up to {@code retries} more times; then it fails and its lane waits until
 * the task says what to do ({@link #release} or {@link #retry}).
 * <p>
 * Thread-safe: the task's thread submits, Californium's threads answer, the timer retries and times out. State
 * changes under one lock; requests are sent and listeners told outside it.
 */
final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** Where requests end. Called on Californium's or the timer's threads: must not block. */
    interface Listener {
        /** Delivered, rejected, or failed after every retry (then the lane waits for release or retry). */
        void finished(Delivery delivery, Outcome outcome);
    }

    /** How requests go out. */
    record Settings(int maxParallel, int retries, Duration backoff, Duration maxBackoff, Duration requestTimeout) {
    }

    private enum State { READY, SENDING, BACKOFF, BLOCKED }

    private static final class Lane {
        final String key;
        final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        State state;

        Lane(String key) {
            this.key = key;
        }
    }

    private final Object lock = new Object();
    private final Map<String, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();
    private final Settings settings;
    private final Endpoint plain;
    private final Endpoint secure;
    private final ScheduledExecutorService timer;
    private final Listener listener;
    private final ConnectorMetrics metrics;
    private int inFlight;
    private int queued;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** The attempts out, for the sweep that times them out (cheaper than a timer per request). */
    private final Set<Attempt> outstanding = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweep;
    private boolean closed;

    /** {@code plain} and {@code secure}: the endpoints for coap:// and coaps:// (null when no statement needs one). */
    Dispatcher(Settings settings, Endpoint plain, Endpoint secure, ScheduledExecutorService timer, Listener listener,
               ConnectorMetrics metrics) {
        this.settings = settings;
        this.plain = plain;
        this.secure = secure;
        this.timer = timer;
        this.listener = listener;
        this.metrics = metrics;
        long every = Math.max(10, Math.min(100, settings.requestTimeout().toMillis() / 4));
        this.sweep = timer.scheduleWithFixedDelay(Guarded.guard("Timing out CoAP requests",
                new RateLimitedLog(10, TimeUnit.SECONDS), this::timeOut), every, every, TimeUnit.MILLISECONDS);
    }

    /** Ends the attempts that have waited longer than the request timeout, and cancels their requests. */
    private void timeOut() {
        long now = System.nanoTime();
        long timeout = settings.requestTimeout().toNanos();
        for (Attempt attempt : outstanding) {
            if (now - attempt.startNanos >= timeout
                    && attempt.end(null, "no answer within " + settings.requestTimeout().toMillis() + " ms")) {
                attempt.request.cancel();
            }
        }
    }

    void submit(Delivery delivery) {
        synchronized (lock) {
            Lane lane = lanes.computeIfAbsent(delivery.lane(), Lane::new);
            lane.queue.add(delivery);
            queued++;
            queuedBytes.addAndGet(delivery.payloadBytes());
            if (lane.queue.size() == 1) {
                lane.state = State.READY;
                ready.add(lane);
            }
        }
        pump();
    }

    /** Requests sent and not yet answered. */
    int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    /** A failed request is given up (error policy NOOP, or its partition left the task): its lane goes on. */
    void release(Delivery delivery) {
        synchronized (lock) {
            Lane lane = lanes.get(delivery.lane());
            if (lane == null || lane.queue.peek() != delivery || lane.state != State.BLOCKED) {
                return;
            }
            advance(lane);
        }
        pump();
    }

    /** A failed request gets a new round of retries (error policy RETRY). */
    void retry(Delivery delivery) {
        synchronized (lock) {
            Lane lane = lanes.get(delivery.lane());
            if (lane == null || lane.queue.peek() != delivery || lane.state != State.BLOCKED) {
                return;
            }
            delivery.attempts().startOver();
            lane.state = State.READY;
            ready.add(lane);
        }
        pump();
    }

    /**
     * Takes the requests {@code which} picks out of their lanes, unsent (their partitions left the task); one in
     * flight finishes, and is then forgotten.
     */
    void cancel(Predicate<Delivery> which) {
        List<Delivery> blocked = new ArrayList<>();
        synchronized (lock) {
            for (Lane lane : lanes.values()) {
                for (Delivery delivery : lane.queue) {
                    if (which.test(delivery)) {
                        delivery.attempts().cancel();
                        if (lane.queue.peek() == delivery && lane.state == State.BLOCKED) {
                            blocked.add(delivery);
                        }
                    }
                }
            }
        }
        blocked.forEach(this::release);
        pump();
    }

    /** Sends what the parallelism allows, lanes in the order they became ready. */
    private void pump() {
        List<Delivery> toSend = new ArrayList<>();
        synchronized (lock) {
            while (!closed && inFlight < settings.maxParallel() && !ready.isEmpty()) {
                Lane lane = ready.poll();
                Delivery head = lane.queue.peek();
                if (head.attempts().cancelled()) {
                    advance(lane);
                    continue;
                }
                lane.state = State.SENDING;
                inFlight++;
                toSend.add(head);
            }
        }
        toSend.forEach(this::send);
    }

    /** The head of its lane is done with: the next request of the lane, if any, is ready. Under the lock. */
    private void advance(Lane lane) {
        Delivery done = lane.queue.poll();
        queued--;
        queuedBytes.addAndGet(-done.payloadBytes());
        if (lane.queue.isEmpty()) {
            lanes.remove(lane.key);
        } else {
            lane.state = State.READY;
            ready.add(lane);
        }
    }

    private void send(Delivery delivery) {
        int attempt = delivery.attempts().next();
        Request request = new Request(delivery.method(), delivery.statement().confirmable() ? CoAP.Type.CON
                : CoAP.Type.NON);
        Attempt observer = new Attempt(delivery, attempt, request);
        try {
            request.setURI(delivery.uri());
            byte[] payload = delivery.request().payload().bytes();
            if (delivery.method() != CoAP.Code.DELETE) {
                request.setPayload(payload);
                request.getOptions().setContentFormat(delivery.request().payload().contentFormat());
            }
        } catch (IllegalArgumentException e) { // a host name that does not resolve (now)
            observer.end(null, "cannot send to " + delivery.uri() + ": " + e.getMessage());
            return;
        }
        request.addMessageObserver(observer);
        outstanding.add(observer);
        (delivery.secure() ? secure : plain).sendRequest(request);
    }

    /** One attempt of a request: it ends once, with the first of answer, timeout or error. */
    private final class Attempt extends MessageObserverAdapter {
        private final Delivery delivery;
        private final int number;
        private final Request request;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean ended = new AtomicBoolean();

        Attempt(Delivery delivery, int number, Request request) {
            this.delivery = delivery;
            this.number = number;
            this.request = request;
        }

        @Override
        public void onResponse(Response response) {
            end(response, null);
        }

        @Override
        public void onTimeout() {
            end(null, "no answer after CoAP's retransmissions");
        }

        @Override
        public void onReject() {
            end(null, "the device reset the request (RST)");
        }

        @Override
        public void onSendError(Throwable error) {
            end(null, "the request could not be sent: " + error);
        }

        /** Returns whether this call ended the attempt. */
        boolean end(Response response, String error) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            outstanding.remove(this);
            long rttMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            synchronized (lock) {
                inFlight--;
            }
            try {
                ended(this, response, error, rttMs);
            } catch (RuntimeException e) { // never let a Californium or timer thread die with the lane stuck
                LOG.error("Handling the answer to {} {} failed", delivery.method(), delivery.uri(), e);
            }
            pump();
            return true;
        }
    }

    private void ended(Attempt attempt, Response response, String error, long rttMs) {
        Delivery delivery = attempt.delivery;
        if (response != null) {
            metrics.batch(rttMs);
        }
        CoAP.ResponseCode code = response == null ? null : response.getCode();
        if (code != null && (code.isSuccess() || code.isClientError())) {
            Outcome outcome = outcome(code.isSuccess() ? Outcome.Kind.DELIVERED : Outcome.Kind.REJECTED, attempt,
                    response, code.isSuccess() ? null : delivery.method() + " " + delivery.uri() + " answered "
                            + Outcome.text(code) + " " + code.name(), rttMs);
            synchronized (lock) {
                Lane lane = lanes.get(delivery.lane());
                if (lane != null && lane.queue.peek() == delivery) {
                    advance(lane);
                }
            }
            listener.finished(delivery, outcome);
            return;
        }
        metrics.failedBatch();
        String why = code != null ? delivery.method() + " " + delivery.uri() + " answered " + Outcome.text(code) + " "
                + code.name() : error;
        if (attempt.number <= settings.retries() && !delivery.attempts().cancelled()) {
            long delay = backoff(attempt.number);
            LOG.debug("{} {} (attempt {}): {}; trying again in {} ms", delivery.method(), delivery.uri(),
                    attempt.number, why, delay);
            metrics.retry();
            synchronized (lock) {
                Lane lane = lanes.get(delivery.lane());
                if (lane == null || lane.queue.peek() != delivery) {
                    return;
                }
                lane.state = State.BACKOFF;
            }
            timer.schedule(() -> again(delivery), delay, TimeUnit.MILLISECONDS);
            return;
        }
        synchronized (lock) {
            Lane lane = lanes.get(delivery.lane());
            if (lane == null || lane.queue.peek() != delivery) {
                return;
            }
            if (delivery.attempts().cancelled()) {
                advance(lane);
                return;
            }
            lane.state = State.BLOCKED;
        }
        listener.finished(delivery, outcome(Outcome.Kind.FAILED, attempt, response,
                why + (attempt.number > 1 ? " (" + attempt.number + " attempts)" : ""), rttMs));
    }

    private void again(Delivery delivery) {
        synchronized (lock) {
            Lane lane = lanes.get(delivery.lane());
            if (closed || lane == null || lane.queue.peek() != delivery || lane.state != State.BACKOFF) {
                return;
            }
            lane.state = State.READY;
            ready.add(lane);
        }
        pump();
    }

    /** The back-off before attempt {@code failed + 1}: doubling from the first, at most the maximum. */
    private long backoff(int failed) {
        long base = settings.backoff().toMillis();
        long delay = failed >= 31 ? Long.MAX_VALUE : base << (failed - 1);
        return Math.min(delay < 0 ? Long.MAX_VALUE : delay, settings.maxBackoff().toMillis());
    }

    private static Outcome outcome(Outcome.Kind kind, Attempt attempt, Response response, String error, long rttMs) {
        return new Outcome(kind, response == null ? null : response.getCode(), response == null ? -1 : rttMs,
                response == null || response.getPayload() == null ? new byte[0] : response.getPayload(),
                response == null ? -1 : response.getOptions().getContentFormat(), error, attempt.number,
                attempt.delivery.attempts().firstSentAtMs(), System.currentTimeMillis());
    }

    /** Stops sending; what is in flight is not waited for. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            ready.clear();
        }
        sweep.cancel(false);
    }
}
