package io.streamgrid.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fleet simulator against real Californium peers: a server that answers late or refuses, and an observer. */
@Timeout(120)
class CoapFleetSimulatorTest {

    static {
        CoapConfig.register();
        UdpConfig.register();
    }

    /** A Californium server that acknowledges each POST at once and answers it 2.04 a little later; the first two 5.03. */
    private static final class LateServer implements AutoCloseable {
        final CoapServer server = new CoapServer(Configuration.createStandardWithoutFile());
        final Set<String> sources = ConcurrentHashMap.newKeySet();
        final List<String> payloads = new CopyOnWriteArrayList<>();
        final AtomicInteger refusals = new AtomicInteger(2);
        final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

        LateServer() {
            server.addEndpoint(new CoapEndpoint.Builder().setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                    .build());
            server.setMessageDeliverer(new MessageDeliverer() {
                @Override
                public void deliverRequest(Exchange exchange) {
                    if (refusals.getAndDecrement() > 0) {
                        Response busy = new Response(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
                        busy.getOptions().setMaxAge(1);
                        exchange.sendResponse(busy);
                        return;
                    }
                    exchange.sendAccept();
                    sources.add(exchange.getRequest().getSourceContext().getPeerAddress().toString());
                    payloads.add(exchange.getRequest().getPayloadString());
                    later.schedule(() -> exchange.sendResponse(new Response(CoAP.ResponseCode.CHANGED)), 50,
                            TimeUnit.MILLISECONDS);
                }

                @Override
                public void deliverResponse(Exchange exchange, Response response) {
                }
            });
            server.start();
        }

        InetSocketAddress address() {
            return server.getEndpoints().get(0).getAddress();
        }

        @Override
        public void close() {
            later.shutdownNow();
            server.destroy();
        }
    }

    @Test
    void eachDeviceSendsFromItsOwnPortAndEveryReadingIsAnswered() {
        try (LateServer server = new LateServer();
             CoapFleetSimulator fleet = new CoapFleetSimulator("127.0.0.1", server.address(), "telemetry", 50,
                     30_000)) {
            fleet.burst();
            fleet.start(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.acknowledged() >= 200);
            fleet.pause();
            await().atMost(Duration.ofSeconds(30)).until(() -> fleet.waiting() == 0);
            assertThat(server.sources).as("one address per device").hasSize(50);
            assertThat(fleet.refused()).as("the server's two 5.03s, each reading sent again").isEqualTo(2);
            assertThat(fleet.acknowledged()).isEqualTo(fleet.sent() - 2);
            long answered = 0;
            for (int i = 0; i < fleet.size(); i++) {
                answered += fleet.answered(i).size();
            }
            assertThat(answered).isEqualTo(fleet.acknowledged());
            assertThat(server.payloads).allMatch(p -> p.startsWith("{\"device\":\"dev-"));
            assertThat(fleet.latencyMs(99)).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void observableDevicesNotifyTheirObservers() {
        try (ObservableFleet fleet = new ObservableFleet("127.0.0.1", 20, 3)) {
            CoapEndpoint endpoint = new CoapEndpoint.Builder()
                    .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
            AtomicInteger notifications = new AtomicInteger();
            try {
                for (String uri : fleet.uris("127.0.0.1")) {
                    for (String resource : fleet.resources()) {
                        CoapClient client = new CoapClient(uri + "/" + resource);
                        client.setEndpoint(endpoint);
                        client.observe(new CoapHandler() {
                            @Override
                            public void onLoad(CoapResponse response) {
                                notifications.incrementAndGet();
                            }

                            @Override
                            public void onError() {
                            }
                        });
                    }
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> fleet.relations() == 60
                        && notifications.get() == 60); // the answers to the registrations
                fleet.publishAll();
                await().atMost(Duration.ofSeconds(20)).until(() -> notifications.get() == 120);
                assertThat(fleet.notifications()).isEqualTo(60);
            } finally {
                endpoint.destroy();
            }
        }
    }
}
