package io.streamgrid.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS context the config describes: trust from a PEM CA file or a truststore (else the JVM's
 * defaults), and for mutual TLS the client's key and certificate from PEM files or a keystore.
 */
final class TlsContexts {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "DSA"};

    private TlsContexts() {
    }

    static SSLContext create(MqttSourceConfig config) {
        try {
            TrustManagerFactory trust = null;
            if (!config.sslCaCert().isEmpty()) {
                trust = trustManagers(caStore(config.sslCaCert()));
            } else if (!config.truststore().isEmpty()) {
                trust = trustManagers(load(config.truststore(), config.truststoreType(), config.truststorePassword(),
                        MqttSourceConfig.SSL_TRUSTSTORE_CONFIG));
            }
            KeyManagerFactory keys = null;
            if (!config.sslCert().isEmpty() || !config.sslKey().isEmpty()) {
                keys = keyManagers(pemKeyStore(config), new char[0]);
            } else if (!config.keystore().isEmpty()) {
                Password keyPassword = config.sslKeyPassword() != null ? config.sslKeyPassword() : config.keystorePassword();
                keys = keyManagers(load(config.keystore(), config.keystoreType(), config.keystorePassword(),
                        MqttSourceConfig.SSL_KEYSTORE_CONFIG), chars(keyPassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS for the MQTT connection: " + e.getMessage());
        }
    }

    private static KeyStore caStore(String file) throws GeneralSecurityException {
        Collection<? extends Certificate> certificates = certificates(file, MqttSourceConfig.SSL_CA_CERT_CONFIG);
        KeyStore store = emptyStore();
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        return store;
    }

    private static KeyStore pemKeyStore(MqttSourceConfig config) throws GeneralSecurityException {
        if (config.sslCert().isEmpty() || config.sslKey().isEmpty()) {
            String missing = config.sslCert().isEmpty() ? MqttSourceConfig.SSL_CERT_CONFIG : MqttSourceConfig.SSL_KEY_CONFIG;
            throw new ConfigException(missing, "", "a client certificate needs both " + MqttSourceConfig.SSL_CERT_CONFIG
                    + " and " + MqttSourceConfig.SSL_KEY_CONFIG);
        }
        List<Certificate> chain = new ArrayList<>(certificates(config.sslCert(), MqttSourceConfig.SSL_CERT_CONFIG));
        PrivateKey key = privateKey(config.sslKey(), config.sslKeyPassword());
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
        return store;
    }

    private static Collection<? extends Certificate> certificates(String file, String key) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigException(key, file, "holds no PEM certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new ConfigException(key, file, "cannot be read: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(String file, Password password) throws GeneralSecurityException {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(MqttSourceConfig.SSL_KEY_CONFIG, file, "cannot be read: " + e.getMessage());
        }
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            String type = pem.group(1);
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            if (type.equals("PRIVATE KEY")) {
                return keyFromPkcs8(der);
            }
            if (type.equals("ENCRYPTED PRIVATE KEY")) {
                if (password == null) {
                    throw new ConfigException(MqttSourceConfig.SSL_KEY_PASSWORD_CONFIG, null,
                            "the client key in " + file + " is encrypted; give its password");
                }
                EncryptedPrivateKeyInfo info;
                try {
                    info = new EncryptedPrivateKeyInfo(der);
                } catch (IOException e) {
                    throw new ConfigException(MqttSourceConfig.SSL_KEY_CONFIG, file, "is not a valid encrypted "
                            + "PKCS#8 key: " + e.getMessage());
                }
                // PBES2 (what openssl writes) names its real algorithm in the parameters, e.g. PBEWithHmacSHA256AndAES_256
                String algorithm = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
                SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
                Cipher cipher = Cipher.getInstance(algorithm);
                cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(chars(password))),
                        info.getAlgParameters());
                return keyFromPkcs8(info.getKeySpec(cipher).getEncoded());
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new ConfigException(MqttSourceConfig.SSL_KEY_CONFIG, file, "holds a '" + type + "' (PKCS#1 or "
                        + "SEC1); convert it to PKCS#8: openssl pkcs8 -topk8 -in key.pem -out key-pkcs8.pem -nocrypt");
            }
        }
        throw new ConfigException(MqttSourceConfig.SSL_KEY_CONFIG, file, "holds no PEM private key");
    }

    private static PrivateKey keyFromPkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static KeyStore load(String file, String type, Password password, String key) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            store.load(in, chars(password));
            return store;
        } catch (IOException e) {
            throw new ConfigException(key, file, "cannot be read as a " + type + " store: " + e.getMessage());
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
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
