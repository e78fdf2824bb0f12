package io.streamgrid.coap.server;

import io.streamgrid.common.tls.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * A device as the server mode meets it: a real Californium client with a UDP port of its own, plain or with DTLS (a
 * PSK identity and secret, or a certificate), sending POSTs and PUTs whose answers a test can wait for.
 */
final class TestDevice implements AutoCloseable {

    static final Path DTLS = Path.of("src", "test", "resources", "dtls").toAbsolutePath();

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final CoapEndpoint endpoint;
    private final String base;

    private TestDevice(CoapEndpoint endpoint, String base) {
        this.endpoint = endpoint;
        this.base = base;
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Configuration configuration() {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.EXCHANGE_LIFETIME, 10, TimeUnit.SECONDS);
        config.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS);
        config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2);
        return config;
    }

    private static InetSocketAddress anyPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    static TestDevice plain(int port) {
        Configuration config = configuration();
        return new TestDevice(new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(anyPort())
                .build(), "coap://127.0.0.1:" + port);
    }

    static TestDevice psk(int dtlsPort, String identity, String secret) {
        Configuration config = configuration();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config).setAddress(anyPort())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, secret.getBytes(StandardCharsets.UTF_8)))
                .build();
        return new TestDevice(new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new DTLSConnector(dtls)).build(), "coaps://127.0.0.1:" + dtlsPort);
    }

    /** A device with the certificate {@code name}.pem / .key, trusting the test CA for the server's certificate. */
    static TestDevice certificate(int dtlsPort, String name) {
        Configuration config = configuration();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config).setAddress(anyPort())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setCertificateIdentityProvider(new SingleCertificateProvider(
                        PemFiles.privateKey(DTLS.resolve(name + ".key").toString(), null),
                        PemFiles.certificates(DTLS.resolve(name + ".pem").toString()).toArray(Certificate[]::new),
                        CertificateType.X_509))
                .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedCertificates(PemFiles.certificates(DTLS.resolve("ca.pem").toString())
                                .toArray(Certificate[]::new)).build())
                .build();
        return new TestDevice(new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new DTLSConnector(dtls)).build(), "coaps://127.0.0.1:" + dtlsPort);
    }

    /** Sends a confirmable POST of JSON text to {@code path} without waiting. */
    Request post(String path, String json) {
        return send(Request.newPost(), path, json.getBytes(StandardCharsets.UTF_8), MediaTypeRegistry.APPLICATION_JSON);
    }

    Request send(Request request, String path, byte[] payload, int contentFormat) {
        request.setURI(base + "/" + path);
        request.setPayload(payload);
        if (contentFormat >= 0) {
            request.getOptions().setContentFormat(contentFormat);
        }
        endpoint.sendRequest(request);
        return request;
    }

    /** The answer to {@code request}, waiting at most {@code ms}; null when none came. */
    static Response answer(Request request, long ms) {
        try {
            return request.waitForResponse(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The local port the device sends from. */
    int port() {
        return endpoint.getAddress().getPort();
    }

    static boolean isChanged(Response response) {
        return response != null && response.getCode() == CoAP.ResponseCode.CHANGED;
    }

    @Override
    public void close() {
        endpoint.destroy();
    }
}
