package io.streamgrid.mqtt.connection;

import io.streamgrid.common.config.TlsConfig;
import io.streamgrid.common.tls.PemFiles;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS context the config describes: trust from a PEM CA file or a truststore (else the JVM's
 * defaults), and for mutual TLS the client's key and certificate from PEM files or a keystore.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    public static SSLContext create(MqttConnectionConfig config) {
        TlsConfig tls = config.tlsFiles();
        try {
            TrustManagerFactory trust = null;
            if (!tls.caCert().isEmpty()) {
                KeyStore store = emptyStore();
                List<X509Certificate> cas = read(MqttConnectionConfig.SSL_CA_CERT_CONFIG, tls.caCert(),
                        () -> PemFiles.certificates(tls.caCert()));
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                trust = trustManagers(store);
            } else if (!tls.truststore().isEmpty()) {
                trust = trustManagers(read(MqttConnectionConfig.SSL_TRUSTSTORE_CONFIG, tls.truststore(),
                        () -> PemFiles.keyStore(tls.truststore(), tls.truststoreType(),
                                chars(tls.truststorePassword()))));
            }
            KeyManagerFactory keys = null;
            if (!tls.cert().isEmpty() || !tls.key().isEmpty()) {
                if (tls.cert().isEmpty() || tls.key().isEmpty()) {
                    String missing = tls.cert().isEmpty() ? MqttConnectionConfig.SSL_CERT_CONFIG
                            : MqttConnectionConfig.SSL_KEY_CONFIG;
                    throw new ConfigException(missing, "", "a client certificate needs both "
                            + MqttConnectionConfig.SSL_CERT_CONFIG + " and " + MqttConnectionConfig.SSL_KEY_CONFIG);
                }
                List<X509Certificate> chain = read(MqttConnectionConfig.SSL_CERT_CONFIG, tls.cert(),
                        () -> PemFiles.certificates(tls.cert()));
                PrivateKey key = read(MqttConnectionConfig.SSL_KEY_CONFIG, tls.key(),
                        () -> PemFiles.privateKey(tls.key(), chars(tls.keyPassword())));
                KeyStore store = emptyStore();
                store.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
                keys = keyManagers(store, new char[0]);
            } else if (!tls.keystore().isEmpty()) {
                Password keyPassword = tls.keyPassword() != null ? tls.keyPassword() : tls.keystorePassword();
                keys = keyManagers(read(MqttConnectionConfig.SSL_KEYSTORE_CONFIG, tls.keystore(),
                        () -> PemFiles.keyStore(tls.keystore(), tls.keystoreType(),
                                chars(tls.keystorePassword()))), chars(keyPassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS for the MQTT connection: " + e.getMessage());
        }
    }

    /** Reads key material, turning a problem into a ConfigException on the key that named the file. */
    private static <T> T read(String key, String file, java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, file, e.getMessage());
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static TrustManagerFactory trustManagers(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static KeyManagerFactory keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }

    private static char[] chars(Password password) {
        return password == null ? new char[0] : password.value().toCharArray();
    }
}
