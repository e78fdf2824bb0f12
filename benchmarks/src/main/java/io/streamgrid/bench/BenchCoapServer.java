package io.streamgrid.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * A CoAP device on 127.0.0.1 with one observable resource, {@code bench}, that sends NON notifications at a fixed
 * rate, each change only after the previous notification has left (Californium keeps one notification per observer
 * in transit and replaces a waiting one, so changing faster would only skip values). Flat out is no option: CoAP
 * message ids are 16 bits, a sender may not reuse one within its EXCHANGE_LIFETIME (a Californium server stops
 * sending for seconds when it runs out) and a receiver drops a reused one it still remembers as a duplicate. With
 * 10 s lifetimes on both sides a device stays well clear of that at 2,000 messages/s.
 */
final class BenchCoapServer implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final CoapServer server;
    private final int port = FreePorts.udp();
    private final Reading resource;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final Semaphore leftTheServer = new Semaphore(1);
    private final Thread publisher;
    private volatile boolean running = true;

    /** {@code value} makes the n-th reading. */
    BenchCoapServer(int perSecond, LongFunction<String> value) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        // a message id stays taken for EXCHANGE_LIFETIME: 65,536 ids per 10 s cap a device at about 6,500 messages/s
        config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", port)).build());
        resource = new Reading(value.apply(0));
        server.add(resource);
        server.start();
        publisher = new Thread(() -> publish(perSecond, value), "bench-coap-device");
        publisher.setDaemon(true);
        publisher.start();
    }

    String uri() {
        return "coap://127.0.0.1:" + port;
    }

    long sent() {
        return sent.get();
    }

    /** Values the device has taken (each one notified unless a newer one replaced it first). */
    long published() {
        return published.get();
    }

    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "RV_RETURN_VALUE_IGNORED", justification = "the wait paces the device on "
            + "notifications leaving the server; without an observer it times out and the device publishes anyway")
    private void publish(int perSecond, LongFunction<String> value) {
        long n = 0;
        long start = System.nanoTime();
        try {
            while (running) {
                n++;
                leftTheServer.tryAcquire(1, TimeUnit.SECONDS); // false: nobody observes; publish all the same
                long wait = start + n * 1_000_000_000L / perSecond - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                resource.set(value.apply(n));
                published.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops changing the value; the server keeps answering. */
    void stopPublishing() {
        running = false;
        publisher.interrupt();
    }

    @Override
    public void close() {
        running = false;
        publisher.interrupt();
        server.destroy();
    }

    private final class Reading extends CoapResource {
        private final AtomicReference<String> state;

        Reading(String initial) {
            super("bench");
            state = new AtomicReference<>(initial);
            setObservable(true);
            setObserveType(CoAP.Type.NON);
            getAttributes().setObservable();
        }

        void set(String json) {
            state.set(json);
            changed();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            Response response = new Response(CoAP.ResponseCode.CONTENT);
            response.setPayload(state.get());
            response.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            response.addMessageObserver(new MessageObserverAdapter() {
                @Override
                public void onSent(boolean retransmission) {
                    sent.incrementAndGet();
                    leftTheServer.release();
                }
            });
            exchange.respond(response);
        }
    }
}
