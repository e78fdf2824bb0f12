package io.streamgrid.coap;

import io.streamgrid.common.config.TlsConfig;
import io.streamgrid.common.tls.PemFiles;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client endpoint a task talks through, the source's and the sink's alike. Californium is configured in code, so
 * no {@code Californium3.properties} is written to the worker's directory, with message-id lifetimes short enough
 * that a fast observe stream (or a fast run of requests) never runs out of ids.
 */
public final class CoapEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(CoapEndpoints.class);

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private CoapEndpoints() {
    }

    /**
     * Californium's configuration, made in code, with the message-id lifetimes of {@code config}; duplicates are swept
     * at least once per exchange lifetime, so a short lifetime is one. A peer's message-id state is kept until no id
     * of its is within a lifetime (whole seconds, as Californium reads it), not Californium's 10 minutes: it tracks
     * at most MAX_ACTIVE_PEERS (150,000) peers at once, and a fleet contacted faster than that ran out of them.
     */
    public static Configuration configuration(CoapClientConfig config) {
        Configuration configuration = Configuration.createStandardWithoutFile();
        long lifetimeMs = config.exchangeLifetime().toMillis();
        configuration.set(CoapConfig.EXCHANGE_LIFETIME, lifetimeMs, TimeUnit.MILLISECONDS);
        configuration.set(CoapConfig.NON_LIFETIME, config.nonLifetime().toMillis(), TimeUnit.MILLISECONDS);
        configuration.set(CoapConfig.MARK_AND_SWEEP_INTERVAL, Math.min(lifetimeMs,
                configuration.get(CoapConfig.MARK_AND_SWEEP_INTERVAL, TimeUnit.MILLISECONDS)), TimeUnit.MILLISECONDS);
        long quietSeconds = (Math.max(lifetimeMs, config.nonLifetime().toMillis()) + 999) / 1000;
        configuration.set(CoapConfig.MAX_PEER_INACTIVITY_PERIOD, quietSeconds, TimeUnit.SECONDS);
        return configuration;
    }

    /**
     * A plain (UDP) or secure (DTLS) client endpoint, not yet started. Secure endpoints need DTLS material; without it
     * the ConfigException names {@code secureTargetKey} and its value, the setting that asked for coaps://.
     */
    public static Endpoint create(CoapClientConfig config, boolean secure, String secureTargetKey, String secureTarget) {
        Configuration configuration = configuration(config);
        InetSocketAddress bind = new InetSocketAddress(config.bindHost(), config.bindPort());
        CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(configuration);
        if (!secure) {
            return builder.setInetSocketAddress(bind).build();
        }
        return builder.setConnector(new DTLSConnector(dtls(config, configuration, bind, secureTargetKey, secureTarget)))
                .build();
    }

    private static DtlsConnectorConfig dtls(CoapClientConfig config, Configuration configuration, InetSocketAddress bind,
                                            String secureTargetKey, String secureTarget) {
        DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(configuration).setAddress(bind)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        boolean credentials = false;
        if (!config.pskIdentity().isEmpty()) {
            if (config.pskSecret() == null) {
                throw new ConfigException(CoapClientConfig.PSK_SECRET_CONFIG, null, "a PSK identity needs its secret");
            }
            dtls.setAdvancedPskStore(new AdvancedSinglePskStore(config.pskIdentity(),
                    config.pskSecret().value().getBytes(StandardCharsets.UTF_8)));
            credentials = true;
        }
        StaticNewAdvancedCertificateVerifier.Builder verifier = StaticNewAdvancedCertificateVerifier.builder();
        boolean trusts = false;
        List<X509Certificate> trusted = trustedCertificates(config);
        if (!trusted.isEmpty()) {
            verifier.setTrustedCertificates(trusted.toArray(Certificate[]::new));
            trusts = true;
        }
        if (config.rawPublicKey()) {
            if (config.trustedRpks().isEmpty()) {
                LOG.warn("{}=true without {}: any server raw public key is trusted", CoapClientConfig.RPK_CONFIG,
                        CoapClientConfig.TRUSTED_RPK_CONFIG);
                verifier.setTrustAllRPKs();
            } else {
                List<RawPublicKeyIdentity> keys = new ArrayList<>();
                for (PublicKey key : read(CoapClientConfig.TRUSTED_RPK_CONFIG, config.trustedRpks(),
                        () -> PemFiles.publicKeys(config.trustedRpks()))) {
                    keys.add(new RawPublicKeyIdentity(key));
                }
                verifier.setTrustedRPKs(keys.toArray(RawPublicKeyIdentity[]::new));
            }
            trusts = true;
        }
        if (trusts) {
            dtls.setAdvancedCertificateVerifier(verifier.build());
        }
        Identity identity = identity(config);
        if (identity != null) {
            dtls.setCertificateIdentityProvider(config.rawPublicKey()
                    ? new SingleCertificateProvider(identity.key(), identity.chain().isEmpty() ? identity.publicKey()
                    : identity.chain().get(0).getPublicKey())
                    : new SingleCertificateProvider(identity.key(), identity.chain().toArray(Certificate[]::new),
                    CertificateType.X_509));
            credentials = true;
        }
        if (!credentials && !trusts) {
            throw new ConfigException(secureTargetKey, secureTarget, "coaps:// needs DTLS "
                    + "credentials: a PSK identity and secret, a CA or truststore for the server's certificate, or a "
                    + "raw public key");
        }
        return dtls.build();
    }

    private record Identity(PrivateKey key, List<X509Certificate> chain, PublicKey publicKey) {
    }

    /** The client's own key and certificate chain (or raw public key), from PEM files or a keystore. */
    private static Identity identity(CoapClientConfig config) {
        TlsConfig tls = config.tlsFiles();
        char[] keyPassword = chars(tls.keyPassword());
        if (!tls.key().isEmpty()) {
            PrivateKey key = read(CoapClientConfig.KEY_CONFIG, tls.key(), () -> PemFiles.privateKey(tls.key(), keyPassword));
            if (tls.cert().isEmpty()) {
                if (!config.rawPublicKey() || config.publicKey().isEmpty()) {
                    throw new ConfigException(CoapClientConfig.CERT_CONFIG, "", "a client key needs its certificate ("
                            + CoapClientConfig.CERT_CONFIG + "), or with " + CoapClientConfig.RPK_CONFIG + "=true its "
                            + "public key (" + CoapClientConfig.PUBLIC_KEY_CONFIG + ")");
                }
                List<PublicKey> publicKeys = read(CoapClientConfig.PUBLIC_KEY_CONFIG, config.publicKey(),
                        () -> PemFiles.publicKeys(config.publicKey()));
                return new Identity(key, List.of(), publicKeys.get(0));
            }
            return new Identity(key, read(CoapClientConfig.CERT_CONFIG, tls.cert(),
                    () -> PemFiles.certificates(tls.cert())), null);
        }
        if (!tls.keystore().isEmpty()) {
            KeyStore store = read(CoapClientConfig.KEYSTORE_CONFIG, tls.keystore(),
                    () -> PemFiles.keyStore(tls.keystore(), tls.keystoreType(), chars(tls.keystorePassword())));
            try {
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(alias)) {
                        char[] password = tls.keyPassword() != null ? keyPassword : chars(tls.keystorePassword());
                        PrivateKey key = (PrivateKey) store.getKey(alias, password);
                        List<X509Certificate> chain = new ArrayList<>();
                        for (Certificate c : store.getCertificateChain(alias)) {
                            chain.add((X509Certificate) c);
                        }
                        return new Identity(key, chain, null);
                    }
                }
            } catch (GeneralSecurityException e) {
                throw new ConfigException(CoapClientConfig.KEYSTORE_CONFIG, tls.keystore(),
                        "cannot read the key: " + e.getMessage());
            }
            throw new ConfigException(CoapClientConfig.KEYSTORE_CONFIG, tls.keystore(), "holds no private key");
        }
        return null;
    }

    private static List<X509Certificate> trustedCertificates(CoapClientConfig config) {
        TlsConfig tls = config.tlsFiles();
        if (!tls.caCert().isEmpty()) {
            return read(CoapClientConfig.CA_CERT_CONFIG, tls.caCert(), () -> PemFiles.certificates(tls.caCert()));
        }
        if (tls.truststore().isEmpty()) {
            return List.of();
        }
        KeyStore store = read(CoapClientConfig.TRUSTSTORE_CONFIG, tls.truststore(),
                () -> PemFiles.keyStore(tls.truststore(), tls.truststoreType(), chars(tls.truststorePassword())));
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate certificate) {
                    certificates.add(certificate);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new ConfigException(CoapClientConfig.TRUSTSTORE_CONFIG, tls.truststore(), e.getMessage());
        }
        return certificates;
    }

    /**
     * The config key a ConfigException from {@link #create} names (the longest of {@code keys} its message holds), so
     * that validate() puts the error on it; {@code fallback} when it names none.
     */
    public static String keyNamedIn(ConfigException e, Set<String> keys, String fallback) {
        String message = String.valueOf(e.getMessage());
        return keys.stream().filter(message::contains).max(Comparator.comparingInt(String::length)).orElse(fallback);
    }

    /** What {@code reader} reads from {@code file}; a file it cannot read is a ConfigException on {@code key}. */
    public static <T> T read(String key, String file, Supplier<T> reader) {
        try {
            return reader.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, file, e.getMessage());
        }
    }

    private static char[] chars(Password password) {
        return password == null ? new char[0] : password.value().toCharArray();
    }
}
