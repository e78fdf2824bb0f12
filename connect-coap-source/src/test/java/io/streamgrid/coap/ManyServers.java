package io.streamgrid.coap;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Many CoAP servers as one real Californium server with an endpoint (an address of its own) per server, each showing
 * the same observable JSON resources {@code sensors/r0}, {@code sensors/r1}, ... (rt "temperature" for even numbers,
 * "humidity" for odd ones) and a {@code rd-lookup/res} that lists whatever {@link #directory} is set to.
 */
final class ManyServers implements AutoCloseable {

    private final CoapServer server;
    private final List<Sensor> sensors = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    final AtomicReference<String> directory = new AtomicReference<>("");

    ManyServers(int servers, int resources) {
        Configuration config = TestCoapServer.configuration();
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 2);
        server = new CoapServer(config);
        for (int i = 0; i < servers; i++) {
            server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build());
        }
        CoapResource parent = new CoapResource("sensors");
        for (int r = 0; r < resources; r++) {
            Sensor sensor = new Sensor("r" + r, r % 2 == 0 ? "temperature" : "humidity");
            sensors.add(sensor);
            parent.add(sensor);
        }
        CoapResource lookup = new CoapResource("rd-lookup");
        lookup.add(new CoapResource("res") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CONTENT, directory.get(), MediaTypeRegistry.APPLICATION_LINK_FORMAT);
            }
        });
        server.add(parent, lookup);
        server.start();
        for (Endpoint endpoint : server.getEndpoints()) {
            ports.add(endpoint.getAddress().getPort());
        }
    }

    /** The servers' URIs, coap://127.0.0.1:port. */
    List<String> uris() {
        return ports.stream().map(port -> "coap://127.0.0.1:" + port).toList();
    }

    Sensor sensor(int resource) {
        return sensors.get(resource);
    }

    /** Every resource notifies its observers on every server. */
    void publishAll(String json) {
        sensors.forEach(sensor -> sensor.publish(json));
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** An observable JSON resource; its observers are those of every server (endpoint). */
    static final class Sensor extends CoapResource {
        private final AtomicReference<String> state = new AtomicReference<>("{\"n\":0}");
        final AtomicLong gets = new AtomicLong();

        Sensor(String name, String resourceType) {
            super(name);
            setObservable(true);
            setObserveType(CoAP.Type.NON);
            getAttributes().setObservable();
            getAttributes().addResourceType(resourceType);
        }

        void publish(String json) {
            state.set(json);
            changed();
        }

        int observers() {
            return getObserverCount();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            gets.incrementAndGet();
            exchange.setMaxAge(600);
            exchange.respond(CoAP.ResponseCode.CONTENT, state.get(), MediaTypeRegistry.APPLICATION_JSON);
        }
    }
}
