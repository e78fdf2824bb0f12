package io.streamgrid.common.config;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * Config fragment for the key material of a TLS (MQTT) or DTLS (CoAP) client: PEM files, or PKCS12/JKS stores,
 * under a key prefix such as {@code connect.mqtt.ssl} or {@code connect.coap.dtls}. The same ten keys, docs and
 * validators in both sources.
 */
public record TlsConfig(String caCert, String cert, String key, Password keyPassword, String truststore,
                        Password truststorePassword, String truststoreType, String keystore, Password keystorePassword,
                        String keystoreType) {

    public static final String CA_CERT = "ca.cert";
    public static final String CERT = "cert";
    public static final String KEY = "key";
    public static final String KEY_PASSWORD = "key.password";
    public static final String TRUSTSTORE = "truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "truststore.password";
    public static final String TRUSTSTORE_TYPE = "truststore.type";
    public static final String KEYSTORE = "keystore.location";
    public static final String KEYSTORE_PASSWORD = "keystore.password";
    public static final String KEYSTORE_TYPE = "keystore.type";

    /**
     * Defines the ten keys in {@code group} from {@code order + 1} on; returns the last order used.
     *
     * @param peer    what the client connects to ("broker", "server"), for the docs
     * @param oldKeys for the docs: a key suffix's old name, if it had one
     */
    public static int define(ConfigDef def, String prefix, String peer, String group, int order,
                             Map<String, String> oldKeys) {
        String p = prefix + ".";
        def.define(p + CA_CERT, Type.STRING, "", Importance.MEDIUM,
                        doc("PEM file of the CA certificates that sign the " + peer + "'s certificate. Empty with no "
                                + "truststore: the JVM's default trusted CAs.", CA_CERT, oldKeys),
                        group, ++order, Width.LONG, "CA certificates (PEM)")
                .define(p + CERT, Type.STRING, "", Importance.MEDIUM,
                        doc("PEM file of this client's certificate (and chain), for " + peer + "s that require client "
                                + "certificates. Needs " + p + KEY + ".", CERT, oldKeys),
                        group, ++order, Width.LONG, "Client certificate (PEM)")
                .define(p + KEY, Type.STRING, "", Importance.MEDIUM,
                        doc("PEM file of this client's private key, PKCS#8 ('BEGIN PRIVATE KEY' or 'BEGIN ENCRYPTED "
                                + "PRIVATE KEY'); convert a PKCS#1 key with openssl pkcs8 -topk8.", KEY, oldKeys),
                        group, ++order, Width.LONG, "Client key (PEM)")
                .define(p + KEY_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
                        doc("Password of an encrypted client key, or of the key in the keystore.", KEY_PASSWORD, oldKeys),
                        group, ++order, Width.MEDIUM, "Client key password")
                .define(p + TRUSTSTORE, Type.STRING, "", Importance.LOW,
                        doc("Truststore file (PKCS12 or JKS) instead of " + p + CA_CERT + ".", TRUSTSTORE, oldKeys),
                        group, ++order, Width.LONG, "Truststore")
                .define(p + TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        doc("Truststore password.", TRUSTSTORE_PASSWORD, oldKeys),
                        group, ++order, Width.MEDIUM, "Truststore password")
                .define(p + TRUSTSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                        Importance.LOW, "Truststore type.", group, ++order, Width.SHORT, "Truststore type")
                .define(p + KEYSTORE, Type.STRING, "", Importance.LOW,
                        doc("Keystore file (PKCS12 or JKS) with the client's key and certificate, instead of "
                                + p + CERT + " and " + p + KEY + ".", KEYSTORE, oldKeys),
                        group, ++order, Width.LONG, "Keystore")
                .define(p + KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        doc("Keystore password.", KEYSTORE_PASSWORD, oldKeys),
                        group, ++order, Width.MEDIUM, "Keystore password")
                .define(p + KEYSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                        Importance.LOW, "Keystore type.", group, ++order, Width.SHORT, "Keystore type");
        return order;
    }

    private static String doc(String text, String suffix, Map<String, String> oldKeys) {
        String old = oldKeys.get(suffix);
        return old == null ? text : text + " Old name: " + old + ".";
    }

    public static TlsConfig from(AbstractConfig config, String prefix) {
        String p = prefix + ".";
        return new TlsConfig(config.getString(p + CA_CERT).trim(), config.getString(p + CERT).trim(),
                config.getString(p + KEY).trim(), config.getPassword(p + KEY_PASSWORD),
                config.getString(p + TRUSTSTORE).trim(), config.getPassword(p + TRUSTSTORE_PASSWORD),
                config.getString(p + TRUSTSTORE_TYPE).trim().toUpperCase(Locale.ROOT),
                config.getString(p + KEYSTORE).trim(), config.getPassword(p + KEYSTORE_PASSWORD),
                config.getString(p + KEYSTORE_TYPE).trim().toUpperCase(Locale.ROOT));
    }

    /** Whether any key material is set: a client certificate, a key, or CAs to trust. */
    public boolean anySet() {
        return !caCert.isEmpty() || !cert.isEmpty() || !key.isEmpty() || !truststore.isEmpty() || !keystore.isEmpty();
    }
}
