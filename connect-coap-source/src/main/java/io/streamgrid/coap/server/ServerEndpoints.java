package io.streamgrid.coap.server;

import io.streamgrid.coap.CoapClientConfig;
import io.streamgrid.coap.CoapEndpoints;
import io.streamgrid.common.tls.PemFiles;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * The server a task runs in server mode: plain CoAP on {@code port} (only when insecure devices are allowed) and
 * CoAP over DTLS on {@code dtls.port} (devices with a PSK from the credentials file, or a certificate the CA signed),
 * both delivering every request to one {@link MessageDeliverer}. Californium is configured in code, as the client.
 */
final class ServerEndpoints {

    /** Handshakes that failed because the device did not prove an identity (certificate or PSK secret). */
    private static final Set<AlertDescription> IDENTITY_ALERTS = EnumSet.of(AlertDescription.BAD_CERTIFICATE,
            AlertDescription.UNSUPPORTED_CERTIFICATE, AlertDescription.CERTIFICATE_REVOKED,
            AlertDescription.CERTIFICATE_EXPIRED, AlertDescription.CERTIFICATE_UNKNOWN, AlertDescription.UNKNOWN_CA,
            AlertDescription.ACCESS_DENIED, AlertDescription.DECRYPT_ERROR, AlertDescription.BAD_RECORD_MAC);

    private ServerEndpoints() {
    }

    /**
     * The server of task {@code task}, not yet started; settings that cannot make one are a ConfigException naming
     * the key. {@code unknownIdentity} runs for every handshake refused for its identity; {@code keys} are the
     * devices' PSKs (null without a credentials file).
     */
    static CoapServer create(CoapServerConfig server, CoapClientConfig lifetimes, int task, MessageDeliverer deliverer,
                             Runnable unknownIdentity, PskFile keys) {
        if (!server.allowInsecure() && !server.dtls()) {
            throw new ConfigException(CoapServerConfig.PSK_FILE_CONFIG, server.pskFile(),
                    CoapServerConfig.NO_AUTHENTICATION);
        }
        Configuration configuration = CoapEndpoints.configuration(lifetimes);
        boolean shared = server.ports() == CoapServerConfig.Ports.SHARED;
        CoapServer coap = new CoapServer(configuration);
        coap.setMessageDeliverer(deliverer);
        if (server.allowInsecure()) {
            InetSocketAddress address = new InetSocketAddress(server.bindHost(), server.portOf(server.port(), task));
            CoapEndpoint.Builder plain = new CoapEndpoint.Builder().setConfiguration(configuration);
            coap.addEndpoint(shared ? plain.setConnector(new ReusePort.Udp(address, configuration)).build()
                    : plain.setInetSocketAddress(address).build());
        }
        if (server.dtls()) {
            InetSocketAddress address = new InetSocketAddress(server.bindHost(), server.portOf(server.dtlsPort(), task));
            DtlsConnectorConfig dtls = dtls(server, configuration, address, unknownIdentity, keys);
            coap.addEndpoint(new CoapEndpoint.Builder().setConfiguration(configuration)
                    .setConnector(shared ? new ReusePort.Dtls(dtls)
                            : new org.eclipse.californium.scandium.DTLSConnector(dtls)).build());
        }
        return coap;
    }

    /**
     * Starts the server with every endpoint, or throws a ConnectException naming the ports that did not bind and
     * their keys (the caller destroys the server). Californium starts a server when one endpoint binds and only logs
     * the others, so a task would run with its DTLS port (or plain port) taken by another program and every device on
     * it timing out; when none binds it says only that none could be started.
     */
    static void start(CoapServer coap, CoapServerConfig server) {
        try {
            coap.start();
        } catch (IllegalStateException noneStarted) {
            requireAllStarted(coap, server, noneStarted);
            throw noneStarted;
        }
        requireAllStarted(coap, server, null);
    }

    private static void requireAllStarted(CoapServer coap, CoapServerConfig server, Throwable cause) {
        List<String> notStarted = new ArrayList<>();
        for (Endpoint endpoint : coap.getEndpoints()) {
            if (!endpoint.isStarted()) {
                boolean secure = CoAP.COAP_SECURE_URI_SCHEME.equals(endpoint.getUri().getScheme());
                notStarted.add(endpoint.getUri().getPort() + " (" + (secure ? CoapServerConfig.DTLS_PORT_CONFIG
                        : CoapServerConfig.PORT_CONFIG) + ")");
            }
        }
        if (!notStarted.isEmpty()) {
            throw new ConnectException("Cannot listen for devices on " + server.bindHost() + " port "
                    + String.join(" and port ", notStarted) + ": taken by another program, or by a task that does "
                    + "not share it (each binds with SO_REUSEPORT under " + CoapServerConfig.PORTS_CONFIG
                    + " = shared; with per-task, task n binds the port + n). The worker's log shows the bind error",
                    cause);
        }
    }

    private static DtlsConnectorConfig dtls(CoapServerConfig server, Configuration configuration,
                                            InetSocketAddress address, Runnable unknownIdentity, PskFile keys) {
        DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(configuration).setAddress(address)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .setSessionListener(new SessionAdapter() {
                    @Override
                    public void handshakeFailed(Handshaker handshaker, Throwable error) {
                        if (error instanceof HandshakeException refused && refused.getAlert() != null
                                && IDENTITY_ALERTS.contains(refused.getAlert().getDescription())) {
                            unknownIdentity.run();
                        }
                    }
                });
        if (keys != null) {
            dtls.setAdvancedPskStore(keys);
        }
        if (!server.cert().isEmpty()) {
            if (server.key().isEmpty()) {
                throw new ConfigException(CoapServerConfig.KEY_CONFIG, "", "the server certificate ("
                        + CoapServerConfig.CERT_CONFIG + ") needs its private key");
            }
            if (server.caCert().isEmpty()) {
                throw new ConfigException(CoapServerConfig.CA_CERT_CONFIG, "", "devices with certificates are "
                        + "checked against a CA: set the CA certificates that sign them");
            }
            char[] password = server.keyPassword() == null ? null : server.keyPassword().value().toCharArray();
            PrivateKey key = CoapEndpoints.read(CoapServerConfig.KEY_CONFIG, server.key(),
                    () -> PemFiles.privateKey(server.key(), password));
            List<X509Certificate> chain = CoapEndpoints.read(CoapServerConfig.CERT_CONFIG, server.cert(),
                    () -> PemFiles.certificates(server.cert()));
            List<X509Certificate> authorities = CoapEndpoints.read(CoapServerConfig.CA_CERT_CONFIG, server.caCert(),
                    () -> PemFiles.certificates(server.caCert()));
            dtls.setCertificateIdentityProvider(new SingleCertificateProvider(key, chain.toArray(Certificate[]::new),
                            CertificateType.X_509))
                    .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                            .setTrustedCertificates(authorities.toArray(Certificate[]::new)).build())
                    .set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        } else if (!server.caCert().isEmpty()) {
            throw new ConfigException(CoapServerConfig.CERT_CONFIG, "", "devices with certificates (checked "
                    + "against " + CoapServerConfig.CA_CERT_CONFIG + ") need a server certificate and key too");
        }
        return dtls.build();
    }
}
