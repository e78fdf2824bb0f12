package io.streamgrid.coap.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Struct;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserver;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;

/**
 * A device's request the task has taken and not yet answered: it waits in the queue, then its records wait for
 * Kafka; the device gets its 2.04 when Kafka has the last of them, and exactly one answer in any case (a 5.03 when
 * the task stops first).
 */
final class PendingRequest {

    /** A statement that took the request, and the request as that statement's record value. */
    record Match(RequestStatement statement, Struct value) {
    }

    private final Exchange exchange;
    private final String path;
    private final List<Match> matches;
    private final long bytes;
    private final long arrivalMs;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean answered = new AtomicBoolean();

    PendingRequest(Exchange exchange, String path, List<Match> matches, long arrivalMs) {
        this.exchange = exchange;
        this.path = path;
        this.matches = List.copyOf(matches);
        this.bytes = exchange.getRequest().getPayloadSize();
        this.arrivalMs = arrivalMs;
    }

    String path() {
        return path;
    }

    List<Match> matches() {
        return matches;
    }

    long bytes() {
        return bytes;
    }

    long arrivalMs() {
        return arrivalMs;
    }

    /** The device's address, for messages. */
    String source() {
        return String.valueOf(exchange.getRequest().getSourceContext().getPeerAddress());
    }

    /** Whether the device asked for a confirmable exchange (its answer is then a confirmable separate response). */
    boolean confirmable() {
        return exchange.getRequest().isConfirmable();
    }

    /** The request's records are on their way to Kafka; the 2.04 waits for {@code records} commits. */
    void handedOver(int records) {
        open.set(records);
    }

    /** One of its records is in Kafka; true when that was the last, so the device was told 2.04 now. */
    boolean committed() {
        return open.decrementAndGet() == 0 && answer(ResponseCode.CHANGED, null, 0);
    }

    /**
     * Answers the request unless it was answered before (then false): {@code diagnostic} as the payload of an error,
     * {@code maxAgeSeconds} > 0 as its Max-Age (when to try again).
     */
    boolean answer(ResponseCode code, String diagnostic, long maxAgeSeconds) {
        return answer(code, diagnostic, maxAgeSeconds, null) != null;
    }

    /** As {@link #answer(ResponseCode, String, long)}, telling {@code sent} when the answer left; null if answered before. */
    Response answer(ResponseCode code, String diagnostic, long maxAgeSeconds, MessageObserver sent) {
        if (!answered.compareAndSet(false, true)) {
            return null;
        }
        Response response = new Response(code);
        if (diagnostic != null) {
            response.setPayload(diagnostic.getBytes(StandardCharsets.UTF_8));
            response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        }
        if (maxAgeSeconds > 0) {
            response.getOptions().setMaxAge(maxAgeSeconds);
        }
        if (sent != null) {
            response.addMessageObserver(sent);
        }
        exchange.sendResponse(response);
        return response;
    }

    boolean isAnswered() {
        return answered.get();
    }
}
