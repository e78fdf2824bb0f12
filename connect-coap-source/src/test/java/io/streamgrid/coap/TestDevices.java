package io.streamgrid.coap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;

/**
 * A real Californium server in the test JVM standing for a fleet of actuators: {@code /actuators/<id>/led} for
 * each device id, each recording every request it gets (method, payload, Content-Format, type, when) and answering
 * as told: 2.04 by default, or the codes queued with {@link Device#answerNext} (with a Max-Age if given), or one code
 * always ({@link Device#answerAlways}), or not at all ({@link Device#ignoreNext}, as a device that lost the request),
 * after a delay if one is set.
 */
public final class TestDevices implements AutoCloseable {

    /**
     * One request as the device got it.
     *
     * @param uriHost    the request's Uri-Host option: the host name the client was given (null for an IP address)
     * @param atNanos    when it came ({@link System#nanoTime()})
     */
    public record Received(CoAP.Code method, byte[] payload, int contentFormat, boolean confirmable, String query,
                           String uriHost, long atNanos) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public static final String PSK_IDENTITY = TestCoapServer.PSK_IDENTITY;
    public static final String PSK_SECRET = TestCoapServer.PSK_SECRET;

    private final TestCoapServer.Security security;
    private final int port = TestCoapServer.freeUdpPort();
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2);
    private final AtomicInteger handling = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final CoapServer server;

    /** Devices on plain UDP. */
    public static TestDevices plain(String... ids) {
        return new TestDevices(TestCoapServer.Security.NONE, ids);
    }

    /** Devices behind DTLS with the pre-shared key {@link #PSK_IDENTITY} / {@link #PSK_SECRET}. */
    public static TestDevices psk(String... ids) {
        return new TestDevices(TestCoapServer.Security.PSK, ids);
    }

    private TestDevices(TestCoapServer.Security security, String... ids) {
        this.security = security;
        Configuration config = TestCoapServer.configuration();
        server = new CoapServer(config);
        server.addEndpoint(TestCoapServer.endpoint(security, config, port));
        CoapResource actuators = new CoapResource("actuators");
        for (String id : ids) {
            Device device = new Device();
            devices.put(id, device);
            CoapResource node = new CoapResource(id);
            node.add(device);
            actuators.add(node);
        }
        server.add(actuators);
        server.start();
    }

    /** {@code coap://127.0.0.1:<port>}, or coaps:// with DTLS. */
    public String uri() {
        return (security == TestCoapServer.Security.NONE ? "coap" : "coaps") + "://127.0.0.1:" + port;
    }

    public Device device(String id) {
        return devices.get(id);
    }

    /** The requests the devices are handling now (received, not yet answered). */
    public int busy() {
        return handling.get();
    }

    /** The most requests the devices were handling at one time (received, not yet answered). */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    @Override
    public void close() {
        answers.shutdownNow();
        server.destroy();
    }

    /** A scripted answer: its code, and its Max-Age option in seconds (null: none). */
    private record Scripted(CoAP.ResponseCode code, Long maxAgeSeconds) {
    }

    /** One device's LED resource. */
    public final class Device extends CoapResource {
        private final List<Received> received = new ArrayList<>();
        private final ArrayDeque<Scripted> script = new ArrayDeque<>();
        private CoAP.ResponseCode always;
        private int ignore;
        private long delayMs;
        private byte[] answerPayload = new byte[0];
        private int answerFormat = MediaTypeRegistry.UNDEFINED;

        Device() {
            super("led");
        }

        /** Answers the next requests with these codes, one each, then 2.04 again. */
        public synchronized void answerNext(CoAP.ResponseCode... codes) {
            for (CoAP.ResponseCode code : codes) {
                script.add(new Scripted(code, null));
            }
        }

        /** Answers the next request with this code and a Max-Age option of {@code maxAgeSeconds}. */
        public synchronized void answerNext(CoAP.ResponseCode code, long maxAgeSeconds) {
            script.add(new Scripted(code, maxAgeSeconds));
        }

        /** Answers every request (after the scripted ones) with this code; null: 2.04 again. */
        public synchronized void answerAlways(CoAP.ResponseCode code) {
            always = code;
        }

        /** Does not answer the next {@code count} requests (they are recorded all the same). */
        public synchronized void ignoreNext(int count) {
            ignore += count;
        }

        /** Answers each request this many milliseconds after it came. */
        public synchronized void delay(long ms) {
            delayMs = ms;
        }

        /** What its answers carry. */
        public synchronized void answerWith(byte[] payload, int contentFormat) {
            answerPayload = payload;
            answerFormat = contentFormat;
        }

        public synchronized List<Received> received() {
            return List.copyOf(received);
        }

        @Override
        public void handlePUT(CoapExchange exchange) {
            handle(exchange);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            handle(exchange);
        }

        @Override
        public void handleDELETE(CoapExchange exchange) {
            handle(exchange);
        }

        private void handle(CoapExchange exchange) {
            Scripted answer;
            long delay;
            byte[] payload;
            int format;
            synchronized (this) {
                received.add(new Received(exchange.getRequestCode(), exchange.getRequestPayload(),
                        exchange.getRequestOptions().getContentFormat(), exchange.advanced().getRequest().isConfirmable(),
                        exchange.getRequestOptions().getUriQueryString(), exchange.getRequestOptions().getUriHost(),
                        System.nanoTime()));
                if (ignore > 0) {
                    ignore--;
                    return;
                }
                answer = !script.isEmpty() ? script.poll()
                        : new Scripted(always == null ? CoAP.ResponseCode.CHANGED : always, null);
                delay = delayMs;
                payload = answerPayload;
                format = answerFormat;
            }
            int now = handling.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            Runnable respond = () -> {
                handling.decrementAndGet();
                Response response = new Response(answer.code());
                response.setPayload(payload);
                if (format != MediaTypeRegistry.UNDEFINED) {
                    response.getOptions().setContentFormat(format);
                }
                if (answer.maxAgeSeconds() != null) {
                    response.getOptions().setMaxAge(answer.maxAgeSeconds());
                }
                exchange.respond(response);
            };
            if (delay > 0) {
                answers.schedule(respond, delay, TimeUnit.MILLISECONDS);
            } else {
                respond.run();
            }
        }
    }
}
