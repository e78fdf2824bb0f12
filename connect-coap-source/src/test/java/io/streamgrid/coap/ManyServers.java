package io.streamgrid.coap;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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
    private final List<TestCoapServer.Sensor> sensors = new ArrayList<>();
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
            TestCoapServer.Sensor sensor = new TestCoapServer.Sensor("r" + r,
                    r % 2 == 0 ? "temperature" : "humidity");
            sensor.maxAge(600); // no observer registers again on its own while a test runs
            sensor.publish("{\"n\":0}");
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

    TestCoapServer.Sensor sensor(int resource) {
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
}
