package io.streamgrid.coap;

import io.streamgrid.common.tls.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * A real Californium server in the test JVM, like a device: observable JSON sensors, a resource to poll, a
 * binary resource. Configured, like the connector, with short message-id lifetimes so fast streams never stall.
 */
final class TestCoapServer implements AutoCloseable {

    enum Security { NONE, PSK, X509, RPK }

    static final String PSK_IDENTITY = "device-7";
    static final String PSK_SECRET = "psk-secret-7";
    static final Path DTLS = Path.of("src", "test", "resources", "dtls").toAbsolutePath();

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    final Sensor temperature = new Sensor("temp", "temperature");
    final Sensor humidity = new Sensor("humidity", "humidity");
    final Value version = new Value("version", "{\"version\":1}");
    final Binary blob = new Binary("blob");
    private final int port = freeUdpPort();
    private final AtomicBoolean endNextObservation = new AtomicBoolean();
    private final Security security;
    private CoapServer server;

    TestCoapServer() {
        this(Security.NONE);
    }

    TestCoapServer(Security security) {
        this.security = security;
        start();
    }

    String uri() {
        return (security == Security.NONE ? "coap" : "coaps") + "://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    synchronized void start() {
        Configuration config = configuration();
        server = new CoapServer(config);
        CoapEndpoint built = endpoint(security, config, port);
        built.addInterceptor(new MessageInterceptorAdapter() {
            @Override
            public void sendResponse(Response response) {
                if (response.getOptions().hasObserve() && endNextObservation.compareAndSet(true, false)) {
                    response.getOptions().removeObserve();
                }
            }
        });
        server.addEndpoint(built);
        CoapResource sensors = new CoapResource("sensors");
        sensors.add(temperature, humidity);
        CoapResource config1 = new CoapResource("config");
        config1.add(version);
        server.add(sensors, config1, blob);
        server.start();
    }

    /**
     * The next response that would carry the Observe option leaves without it: a 2.05 that, by RFC 7641, ends the
     * observation (as from a server that no longer lets the resource be observed).
     */
    void endNextObservation() {
        endNextObservation.set(true);
    }

    /** Adds a resource at run time, as a device that grows a sensor. */
    void addSensor(Sensor sensor) {
        ((CoapResource) server.getRoot().getChild("sensors")).add(sensor);
    }

    synchronized void stop() {
        server.destroy();
    }

    synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    /** A device's configuration: short message-id lifetimes, as the connector's, so fast streams never stall. */
    static Configuration configuration() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        config.set(CoapConfig.NON_LIFETIME, 5, TimeUnit.SECONDS);
        return config;
    }

    /** A device's endpoint on 127.0.0.1:{@code port}, UDP or DTLS. */
    static CoapEndpoint endpoint(Security security, Configuration config, int port) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        CoapEndpoint.Builder endpoint = new CoapEndpoint.Builder().setConfiguration(config);
        if (security == Security.NONE) {
            endpoint.setInetSocketAddress(address);
        } else {
            endpoint.setConnector(new DTLSConnector(dtls(security, config, address)));
        }
        return endpoint.build();
    }

    /** A device's DTLS settings for {@code security}: the PSK identity and secret, or the test certificates and keys. */
    static DtlsConnectorConfig dtls(Security security, Configuration config, InetSocketAddress address) {
        DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(config).setAddress(address)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        switch (security) {
            case PSK -> {
                AdvancedMultiPskStore store = new AdvancedMultiPskStore();
                store.setKey(PSK_IDENTITY, PSK_SECRET.getBytes(StandardCharsets.UTF_8));
                dtls.setAdvancedPskStore(store);
            }
            case X509 -> {
                dtls.setCertificateIdentityProvider(new SingleCertificateProvider(
                        PemFiles.privateKey(DTLS.resolve("server.key").toString(), null),
                        PemFiles.certificates(DTLS.resolve("server.pem").toString()).toArray(Certificate[]::new),
                        CertificateType.X_509));
                dtls.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedCertificates(PemFiles.certificates(DTLS.resolve("ca.pem").toString())
                                .toArray(Certificate[]::new)).build());
                dtls.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
            }
            case RPK -> {
                dtls.setCertificateIdentityProvider(new SingleCertificateProvider(
                        PemFiles.privateKey(DTLS.resolve("server-rpk.key").toString(), null),
                        PemFiles.publicKeys(DTLS.resolve("server-rpk.pub").toString()).get(0)));
                dtls.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedRPKs(new RawPublicKeyIdentity(
                                PemFiles.publicKeys(DTLS.resolve("client-rpk.pub").toString()).get(0))).build());
                dtls.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
            }
            default -> throw new IllegalStateException();
        }
        return dtls.build();
    }

    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An observable JSON sensor; {@link #publish} sets its state and notifies observers. */
    static final class Sensor extends CoapResource {
        private final AtomicReference<String> state = new AtomicReference<>("{}");
        private final AtomicInteger refusals = new AtomicInteger();
        private final AtomicInteger maxAgeSeconds = new AtomicInteger(30);
        final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();

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

        /**
         * Publishes and waits until that notification has left the server, as a device that notifies at its own
         * pace: Californium keeps one notification per observer on its way and replaces a waiting one with the
         * newest, so publishing faster than notifications leave merges them.
         */
        void publishPaced(String json) {
            long before = sent.get();
            publish(json);
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (sent.get() == before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }

        /** Answers the next {@code count} requests 5.03, as a device that is still booting. */
        void refuseNext(int count) {
            refusals.set(count);
        }

        /**
         * The Max-Age of its responses: an observer that hears nothing for that long (plus its back-off) registers
         * again by itself (Californium's client does).
         */
        void maxAge(int seconds) {
            maxAgeSeconds.set(seconds);
        }

        /** The observe relations the server holds for this resource. */
        int observers() {
            return getObserverCount();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.respond(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
                return;
            }
            Response response = new Response(CoAP.ResponseCode.CONTENT);
            response.setPayload(state.get());
            response.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON).setMaxAge(maxAgeSeconds.get());
            response.addMessageObserver(new MessageObserverAdapter() {
                @Override
                public void onSent(boolean retransmission) {
                    sent.incrementAndGet();
                }
            });
            exchange.respond(response);
        }
    }

    /** A resource that is not observable, for polling. */
    static final class Value extends CoapResource {
        private final AtomicReference<String> state;

        Value(String name, String initial) {
            super(name);
            state = new AtomicReference<>(initial);
        }

        void set(String json) {
            state.set(json);
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.respond(CoAP.ResponseCode.CONTENT, state.get(), MediaTypeRegistry.APPLICATION_JSON);
        }
    }

    /** An observable resource with a binary payload. */
    static final class Binary extends CoapResource {
        private final AtomicReference<byte[]> state = new AtomicReference<>(new byte[0]);

        Binary(String name) {
            super(name);
            setObservable(true);
            getAttributes().setObservable();
        }

        void publish(byte[] bytes) {
            state.set(bytes);
            changed();
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.respond(CoAP.ResponseCode.CONTENT, state.get(), MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        }
    }
}
