package io.streamgrid.it;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * CoAP actuators on 127.0.0.1, as the CoAP sink's config example addresses them: {@code /actuators/<device>/<action>}
 * for any device and action. Each answers a PUT, POST or DELETE with 2.04 and its payload, {@code {"applied": true}},
 * and records what it got.
 */
final class CoapActuators implements AutoCloseable {

    /** A request as a device got it. */
    record Command(String device, String action, CoAP.Code method, String payload) {
    }

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    private final int port = ConnectCluster.freeUdpPort();
    private final List<Command> received = new CopyOnWriteArrayList<>();
    private final CoapServer server;

    CoapActuators() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", port)).build());
        server.add(new Node("actuators", null));
        server.start();
    }

    /** {@code 127.0.0.1:<port>}, what stands for {@code localhost:5683} in the config example. */
    String address() {
        return "127.0.0.1:" + port;
    }

    List<Command> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** {@code actuators}, a device under it, or an action under a device: any name is there. */
    private final class Node extends CoapResource {
        private final String device;

        Node(String name, String device) {
            super(name);
            this.device = device;
        }

        @Override
        public Resource getChild(String name) {
            return device == null && getName().equals("actuators") ? new Node(name, name) : new Action(name, device);
        }

        private final class Action extends CoapResource {
            private final String owner;

            Action(String name, String owner) {
                super(name);
                this.owner = owner;
                setParent(Node.this);
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
                received.add(new Command(owner, getName(), exchange.getRequestCode(),
                        new String(exchange.getRequestPayload(), StandardCharsets.UTF_8)));
                exchange.respond(CoAP.ResponseCode.CHANGED, "{\"applied\": true}", MediaTypeRegistry.APPLICATION_JSON);
            }
        }
    }
}
