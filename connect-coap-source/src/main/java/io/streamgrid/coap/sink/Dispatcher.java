package io.streamgrid.coap.sink;

import io.streamgrid.coap.Guarded;
import io.streamgrid.coap.RateLimitedLog;
import io.streamgrid.common.metrics.ConnectorMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
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
import org.eclipse.californium.core.coap.OptionNumberRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.util.StringUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Sends the requests. Each lane (a device's resource, or a device's address) sends one request at a time, in the
 * order the records came, and at most {@code maxParallel} requests are out at once over all lanes, handed to lanes in
 * the order they became ready. An answer 2.xx finishes a request as delivered and 4.xx as rejected, as does a URI
 * that resolves to no one device's address; 4.29 Too Many Requests is tried again after its Max-Age, and 4.08
 * Request Entity Incomplete after the back-off. A 5.xx, no
 * answer within the request timeout (or after CoAP's retransmissions), a reset, a send error or a host name that does
 * not resolve is tried again after a back-off that doubles, holding its lane, up to {@code retries} more times: one
 * round. Then, while the lane has {@code rounds} left (error policy RETRY), the lane alone waits {@code roundInterval}
 * and the request gets another round, the other lanes going on meanwhile; the rounds are counted per lane until its
 * device answers, so each later request of a device that stays away gets one round. A request out of rounds fails:
 * its lane waits until the task says what to do ({@link #release}).
 * <p>
 * Thread-safe: the task's thread submits, Californium's threads answer, the timer retries and times out, the host
 * resolver's threads send once a name is resolved. State changes under one lock; requests are sent and the listener
 * told outside it, with the task's logging context.
 */
final class Dispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** The longest a device's Max-Age holds its lane after a 4.29: an hour. */
    private static final long MAX_AGE_CAP_MS = TimeUnit.HOURS.toMillis(1);

    /** Where requests end. Called on Californium's, the timer's or the resolver's threads: must not block. */
    interface Listener {
        /** Delivered, rejected, or failed after every retry and round (then the lane waits for release). */
        void finished(Delivery delivery, Outcome outcome);
    }

    /**
     * How requests go out.
     *
     * @param maxPerLane    how many requests a lane holds, the one out included; one past that fails at once
     * @param retries       how many times a request is sent again within a round, after a back-off
     * @param rounds        how many more rounds a lane's failed request gets (error policy RETRY), 0 for none
     * @param roundInterval how long a lane waits between two rounds
     */
    record Settings(int maxParallel, int maxPerLane, int retries, Duration backoff, Duration maxBackoff,
                    Duration requestTimeout, int rounds, Duration roundInterval) {
    }

    private enum State { READY, SENDING, WAITING, BLOCKED }

    /** What a lane does after an attempt failed. */
    private enum Next { RETRY, BLOCK, NOTHING }

    private static final class Lane {
        final String key;
        final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        State state;
        /** Rounds used since its device last answered. */
        int roundsUsed;

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
    private final HostResolver hosts;
    private final Listener listener;
    private final ConnectorMetrics metrics;
    /** The task's MDC, set on the threads that end attempts (Californium's, the timer's), which lack it. */
    private final Map<String, String> loggingContext;
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    private int inFlight;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** The attempts out, for the sweep that times them out (cheaper than a timer per request) and for cancel. */
    private final Set<Attempt> outstanding = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweep;
    private boolean closed;

    /** {@code plain} and {@code secure}: the endpoints for coap:// and coaps:// (null when no statement needs one). */
    Dispatcher(Settings settings, Endpoint plain, Endpoint secure, ScheduledExecutorService timer, HostResolver hosts,
               Listener listener, ConnectorMetrics metrics) {
        this.settings = settings;
        this.plain = plain;
        this.secure = secure;
        this.timer = timer;
        this.hosts = hosts;
        this.listener = listener;
        this.metrics = metrics;
        this.loggingContext = MDC.getCopyOfContextMap();
        long every = Math.max(10, Math.min(100, settings.requestTimeout().toMillis() / 4));
        this.sweep = timer.scheduleWithFixedDelay(guarded("Timing out CoAP requests", this::timeOut), every, every,
                TimeUnit.MILLISECONDS);
    }

    private Runnable guarded(String what, Runnable body) {
        return Guarded.guard(what, warnings, body);
    }

    /** Ends the attempts that have waited longer than the request timeout, and cancels their requests. */
    private void timeOut() {
        long now = System.nanoTime();
        long timeout = settings.requestTimeout().toNanos();
        for (Attempt attempt : outstanding) {
            if (now - attempt.startNanos >= timeout
                    && attempt.end(null, "no answer within " + settings.requestTimeout().toMillis() + " ms", false)) {
                attempt.request.cancel();
            }
        }
    }

    /**
     * Queues a request in its lane; one its lane has no room for ({@code maxPerLane}) fails at once, never sent, so
     * that a device that does not keep up holds no more of the task than that.
     */
    void submit(Delivery delivery) {
        boolean full;
        synchronized (lock) {
            Lane lane = lanes.computeIfAbsent(delivery.lane(), Lane::new);
            full = lane.queue.size() >= settings.maxPerLane();
            if (!full) {
                lane.queue.add(delivery);
                queuedBytes.addAndGet(delivery.payloadBytes());
                if (lane.queue.size() == 1) {
                    lane.state = State.READY;
                    ready.add(lane);
                }
            }
        }
        if (full) {
            long now = System.currentTimeMillis();
            listener.finished(delivery, new Outcome(Outcome.Kind.FAILED, null, -1, new byte[0], -1, "its device's "
                    + "line is full: " + settings.maxPerLane() + " requests to " + delivery.lane() + " wait already ("
                    + CoapSinkConfig.MAX_PENDING_PER_DEVICE_CONFIG + "); the device does not keep up, or is away",
                    0, -1, now));
            return;
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

    /** A failed request is given up (dropped, dead-lettered, or its partition left the task): its lane goes on. */
    void release(Delivery delivery) {
        synchronized (lock) {
            Lane lane = headOf(delivery);
            if (lane == null || lane.state != State.BLOCKED) {
                return;
            }
            advance(lane);
        }
        pump();
    }

    /**
     * Takes the requests {@code which} picks out of their lanes (their partitions left the task): the ones waiting
     * are dropped at once, and the one out on each lane is cancelled, so that CoAP does not retransmit it and no
     * answer to it is acted on, and forgotten.
     */
    void cancel(Predicate<Delivery> which) {
        List<Delivery> blocked = new ArrayList<>();
        synchronized (lock) {
            List<Lane> waiting = new ArrayList<>();
            for (Lane lane : lanes.values()) {
                Delivery head = lane.queue.peek();
                for (Iterator<Delivery> queued = lane.queue.iterator(); queued.hasNext(); ) {
                    Delivery delivery = queued.next();
                    if (!which.test(delivery)) {
                        continue;
                    }
                    delivery.attempts().cancel();
                    if (delivery != head) {
                        queued.remove();
                        queuedBytes.addAndGet(-delivery.payloadBytes());
                    } else if (lane.state == State.BLOCKED) {
                        blocked.add(delivery);
                    } else if (lane.state == State.WAITING) {
                        waiting.add(lane);
                    }
                }
            }
            waiting.forEach(this::advance); // its retry's timer finds it gone
        }
        for (Attempt attempt : outstanding) {
            if (attempt.delivery.attempts().cancelled() && attempt.end(null, "its partition left the task", false)) {
                attempt.request.cancel();
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

    /** The lane {@code delivery} heads, or null when it heads none (any more). Under the lock. */
    private Lane headOf(Delivery delivery) {
        Lane lane = lanes.get(delivery.lane());
        return lane != null && lane.queue.peek() == delivery ? lane : null;
    }

    /** The head of its lane is done with: the next request of the lane, if any, is ready. Under the lock. */
    private void advance(Lane lane) {
        Delivery done = lane.queue.poll();
        queuedBytes.addAndGet(-done.payloadBytes());
        if (lane.queue.isEmpty()) {
            lanes.remove(lane.key);
        } else {
            lane.state = State.READY;
            ready.add(lane);
        }
    }

    /** One attempt: its host's address first (never looked up on the caller's thread), then the request. */
    private void send(Delivery delivery) {
        int number = delivery.attempts().next();
        if (delivery.attempts().sent() > 1) {
            metrics.retry();
        }
        Attempt attempt = new Attempt(delivery, number, new Request(delivery.method(),
                delivery.statement().confirmable() ? CoAP.Type.CON : CoAP.Type.NON));
        outstanding.add(attempt);
        try {
            String host = delivery.uri().getHost();
            hosts.resolve(host).whenComplete((address, failure) -> {
                if (failure != null) {
                    attempt.end(null, "cannot resolve the host name " + host + ": " + failure.getMessage(), false);
                } else {
                    transmit(attempt, address);
                }
            });
        } catch (RuntimeException e) { // never let a lane stall: the attempt ends, and is tried again
            attempt.end(null, "the request could not be sent: " + e, false);
        }
    }

    private void transmit(Attempt attempt, InetAddress address) {
        Delivery delivery = attempt.delivery;
        URI uri = delivery.uri();
        try {
            if (delivery.attempts().cancelled()) {
                attempt.end(null, "its partition left the task", false);
                return;
            }
            if (attempt.ended.get()) {
                return; // timed out or cancelled while its host was resolved
            }
            if (address.isMulticastAddress() || address.isAnyLocalAddress()
                    || address.getHostAddress().equals("255.255.255.255")) {
                attempt.end(null, uri.getHost() + " resolves to " + address.getHostAddress() + ", which is no one "
                        + "device's address", true);
                return;
            }
            String host = uri.getHost();
            int port = uri.getPort() < 0 ? CoAP.getDefaultPort(uri.getScheme()) : uri.getPort();
            Request request = attempt.request;
            request.setDestinationContext(new AddressEndpointContext(new InetSocketAddress(address, port),
                    StringUtil.isLiteralIpAddress(host) ? null : host.toLowerCase(Locale.ROOT), null));
            request.setURI(uri); // the destination is set: no lookup
            if (delivery.method() != CoAP.Code.DELETE) {
                request.setPayload(delivery.request().payload().bytes());
                request.getOptions().setContentFormat(delivery.request().payload().contentFormat());
            }
            request.addMessageObserver(attempt);
            attempt.sentNanos = System.nanoTime();
            (delivery.secure() ? secure : plain).sendRequest(request);
        } catch (RuntimeException e) { // never let a lane stall: the attempt ends, and is tried again
            attempt.end(null, "the request could not be sent: " + e, false);
        }
    }

    /** One attempt of a request: it ends once, with the first of answer, timeout, cancel or error. */
    private final class Attempt extends MessageObserverAdapter {
        private final Delivery delivery;
        private final int number;
        private final Request request;
        private final long startNanos = System.nanoTime();
        private volatile long sentNanos;
        private final AtomicBoolean ended = new AtomicBoolean();

        Attempt(Delivery delivery, int number, Request request) {
            this.delivery = delivery;
            this.number = number;
            this.request = request;
        }

        @Override
        public void onResponse(Response response) {
            end(response, null, false);
        }

        @Override
        public void onTimeout() {
            end(null, "no answer after CoAP's retransmissions", false);
        }

        @Override
        public void onReject() {
            end(null, "the device reset the request (RST)", false);
        }

        @Override
        public void onSendError(Throwable error) {
            end(null, "the request could not be sent: " + error, false);
        }

        /**
         * Returns whether this call ended the attempt.
         *
         * @param permanent whether the error is one no retry can mend (the request is then rejected)
         */
        boolean end(Response response, String error, boolean permanent) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            outstanding.remove(this);
            long sent = sentNanos;
            long rttMs = sent == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            Map<String, String> callersContext = MDC.getCopyOfContextMap();
            if (loggingContext != null) {
                MDC.setContextMap(loggingContext);
            }
            try {
                synchronized (lock) {
                    inFlight--;
                }
                ended(this, response, error, permanent, rttMs);
                pump();
            } catch (RuntimeException e) { // never let a Californium or timer thread die with the lane stuck
                LOG.error("Handling the end of {} {} failed", delivery.method(), delivery.uri(), e);
            } finally {
                if (callersContext == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(callersContext);
                }
            }
            return true;
        }
    }

    private void ended(Attempt attempt, Response response, String error, boolean permanent, long rttMs) {
        Delivery delivery = attempt.delivery;
        if (response != null) {
            metrics.batch(rttMs);
        }
        if (delivery.attempts().cancelled()) { // its partition left the task: forgotten
            synchronized (lock) {
                Lane lane = headOf(delivery);
                if (lane != null) {
                    advance(lane);
                }
            }
            return;
        }
        CoAP.ResponseCode code = response == null ? null : response.getCode();
        boolean answered = code != null && (code.isSuccess() || (code.isClientError() && !askedAgainLater(code)));
        if (answered || permanent) {
            Outcome outcome = outcome(code != null && code.isSuccess() ? Outcome.Kind.DELIVERED
                    : Outcome.Kind.REJECTED, attempt, response, code != null && code.isSuccess() ? null
                    : permanent ? error : delivery.method() + " " + delivery.uri() + " answered " + Outcome.text(code)
                    + " " + code.name(), rttMs);
            synchronized (lock) {
                Lane lane = headOf(delivery);
                if (lane != null) {
                    lane.roundsUsed = answered ? 0 : lane.roundsUsed;
                    advance(lane);
                }
            }
            listener.finished(delivery, outcome);
            return;
        }
        metrics.failedBatch();
        String why = code != null ? delivery.method() + " " + delivery.uri() + " answered " + Outcome.text(code) + " "
                + code.name() : error;
        if (attempt.number <= settings.retries()) {
            long delay = code == CoAP.ResponseCode.TOO_MANY_REQUESTS
                    ? Math.max(backoff(attempt.number), maxAgeMs(response)) : backoff(attempt.number);
            LOG.debug("{} {} (attempt {}): {}; trying again in {} ms", delivery.method(), delivery.uri(),
                    attempt.number, why, delay);
            if (next(delivery, false) == Next.RETRY) {
                schedule("Sending a CoAP request again", () -> again(delivery), delay);
            }
            return;
        }
        Next next = next(delivery, true);
        if (next == Next.RETRY) {
            long interval = settings.roundInterval().toMillis();
            if (warnings.allow("another round")) { // one line for a fleet; DEBUG has every request
                LOG.warn("{} {} failed {} times: {}; sending it again in {} ms while the device's later records wait "
                                + "(round {} of at most {}; one such line every 10 s, the others at DEBUG)",
                        delivery.method(), delivery.uri(), delivery.attempts().sent(), why, interval,
                        delivery.attempts().rounds(), settings.rounds() + 1);
            } else {
                LOG.debug("{} {} failed {} times: {}; sending it again in {} ms (round {})", delivery.method(),
                        delivery.uri(), delivery.attempts().sent(), why, interval, delivery.attempts().rounds());
            }
            schedule("Sending a failed CoAP request again", () -> again(delivery), interval);
            return;
        }
        if (next == Next.NOTHING) {
            return;
        }
        int sent = delivery.attempts().sent();
        int rounds = delivery.attempts().rounds();
        listener.finished(delivery, outcome(Outcome.Kind.FAILED, attempt, response, why + (sent == 1 ? ""
                : " (" + sent + " attempts" + (rounds > 1 ? " in " + rounds + " rounds" : "") + ")"), rttMs));
    }

    /**
     * What the lane {@code delivery} heads does after a failed attempt: wait for a retry within the round, or, at the
     * end of a round ({@code roundOver}), for another round if it has one left, else block until the task releases
     * it; nothing when the delivery heads no lane any more, or its partition left the task (then its lane goes on).
     */
    private Next next(Delivery delivery, boolean roundOver) {
        synchronized (lock) {
            Lane lane = headOf(delivery);
            if (lane == null) {
                return Next.NOTHING;
            }
            if (delivery.attempts().cancelled()) { // its partition left while the attempt ended: forgotten
                advance(lane);
                return Next.NOTHING;
            }
            if (roundOver && lane.roundsUsed >= settings.rounds()) {
                lane.state = State.BLOCKED;
                return Next.BLOCK;
            }
            if (roundOver) {
                lane.roundsUsed++;
                delivery.attempts().nextRound();
            }
            lane.state = State.WAITING;
            return Next.RETRY;
        }
    }

    private void schedule(String what, Runnable action, long delayMs) {
        try {
            timer.schedule(guarded(what, action), delayMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) { // the timer is shut down: the task is stopping
            LOG.debug("{}: not scheduled ({})", what, e.toString());
        }
    }

    private void again(Delivery delivery) {
        synchronized (lock) {
            Lane lane = headOf(delivery);
            if (closed || lane == null || lane.state != State.WAITING) {
                return;
            }
            lane.state = State.READY;
            ready.add(lane);
        }
        pump();
    }

    /**
     * The 4.xx answers that say the same request may succeed later, unlike every other 4.xx (the request is wrong
     * and would be wrong again): 4.29 Too Many Requests (after its Max-Age) and 4.08 Request Entity Incomplete (the
     * device lost part of a block-wise transfer).
     */
    static boolean askedAgainLater(CoAP.ResponseCode code) {
        return code == CoAP.ResponseCode.TOO_MANY_REQUESTS || code == CoAP.ResponseCode.REQUEST_ENTITY_INCOMPLETE;
    }

    /** The back-off before attempt {@code failed + 1}: doubling from the first, at most the maximum. */
    private long backoff(int failed) {
        long base = settings.backoff().toMillis();
        long delay = failed >= 31 ? Long.MAX_VALUE : base << (failed - 1);
        return Math.min(delay < 0 ? Long.MAX_VALUE : delay, settings.maxBackoff().toMillis());
    }

    /** When a device that answered 4.29 asks to be asked again: its Max-Age (60 s without one), at most an hour. */
    private static long maxAgeMs(Response response) {
        long seconds = response.getOptions().hasMaxAge() ? response.getOptions().getMaxAge()
                : OptionNumberRegistry.Defaults.MAX_AGE;
        return Math.min(TimeUnit.SECONDS.toMillis(seconds), MAX_AGE_CAP_MS);
    }

    private static Outcome outcome(Outcome.Kind kind, Attempt attempt, Response response, String error, long rttMs) {
        return new Outcome(kind, response == null ? null : response.getCode(), response == null ? -1 : rttMs,
                response == null || response.getPayload() == null ? new byte[0] : response.getPayload(),
                response == null ? -1 : response.getOptions().getContentFormat(), error,
                attempt.delivery.attempts().sent(), attempt.delivery.attempts().firstSentAtMs(),
                System.currentTimeMillis());
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
