package io.streamgrid.coap;

import io.streamgrid.common.config.TlsConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * Config fragment for a task's CoAP client endpoint, which the source and the sink share under the same keys: its
 * UDP socket, how long message ids are remembered, and the DTLS key material ({@code connect.coap.dtls.*}, with the
 * shared {@link TlsConfig} fragment for the files and stores). {@link CoapEndpoints} builds the endpoint from it.
 */
public record CoapClientConfig(String bindHost, int bindPort, Duration exchangeLifetime, Duration nonLifetime,
                               String pskIdentity, Password pskSecret, TlsConfig tlsFiles, boolean rawPublicKey,
                               String publicKey, String trustedRpks) {

    public static final String PREFIX = "connect.coap";

    public static final String BIND_HOST_CONFIG = PREFIX + ".bind.host";
    public static final String BIND_PORT_CONFIG = PREFIX + ".bind.port";
    public static final String EXCHANGE_LIFETIME_CONFIG = PREFIX + ".exchange.lifetime";
    public static final String NON_LIFETIME_CONFIG = PREFIX + ".non.lifetime";

    public static final String PSK_IDENTITY_CONFIG = PREFIX + ".dtls.psk.identity";
    public static final String PSK_SECRET_CONFIG = PREFIX + ".dtls.psk.secret";
    /** The DTLS key material's prefix: connect.coap.dtls.ca.cert and so on (the shared {@link TlsConfig} fragment). */
    public static final String DTLS_PREFIX = PREFIX + ".dtls";
    public static final String CERT_CONFIG = DTLS_PREFIX + "." + TlsConfig.CERT;
    public static final String KEY_CONFIG = DTLS_PREFIX + "." + TlsConfig.KEY;
    public static final String KEY_PASSWORD_CONFIG = DTLS_PREFIX + "." + TlsConfig.KEY_PASSWORD;
    public static final String KEYSTORE_CONFIG = DTLS_PREFIX + "." + TlsConfig.KEYSTORE;
    public static final String KEYSTORE_PASSWORD_CONFIG = DTLS_PREFIX + "." + TlsConfig.KEYSTORE_PASSWORD;
    public static final String KEYSTORE_TYPE_CONFIG = DTLS_PREFIX + "." + TlsConfig.KEYSTORE_TYPE;
    public static final String CA_CERT_CONFIG = DTLS_PREFIX + "." + TlsConfig.CA_CERT;
    public static final String TRUSTSTORE_CONFIG = DTLS_PREFIX + "." + TlsConfig.TRUSTSTORE;
    public static final String TRUSTSTORE_PASSWORD_CONFIG = DTLS_PREFIX + "." + TlsConfig.TRUSTSTORE_PASSWORD;
    public static final String TRUSTSTORE_TYPE_CONFIG = DTLS_PREFIX + "." + TlsConfig.TRUSTSTORE_TYPE;
    public static final String RPK_CONFIG = PREFIX + ".dtls.rpk";
    public static final String PUBLIC_KEY_CONFIG = PREFIX + ".dtls.public.key";
    public static final String TRUSTED_RPK_CONFIG = PREFIX + ".dtls.rpk.trusted";

    /** Stream-reactor's names of DTLS keys, which the source still takes (its docs name them). */
    static final Map<String, String> OLD_DTLS_NAMES = Map.of(
            TlsConfig.KEY, "connect.coap.private.key.file", TlsConfig.TRUSTSTORE, "connect.coap.truststore.path",
            TlsConfig.TRUSTSTORE_PASSWORD, "connect.coap.truststore.pass",
            TlsConfig.KEYSTORE, "connect.coap.keystore.path",
            TlsConfig.KEYSTORE_PASSWORD, "connect.coap.keystore.pass");

    /** Defines the socket and message-id keys in {@code group} from {@code order + 1} on; returns the last order used. */
    public static int defineSocket(ConfigDef def, String group, int order) {
        def.define(BIND_HOST_CONFIG, Type.STRING, "0.0.0.0", Importance.LOW,
                        "Local address the client's UDP socket binds to.", group, ++order, Width.MEDIUM, "Bind host")
                .define(BIND_PORT_CONFIG, Type.INT, 0, ConfigDef.Range.between(0, 65535), Importance.LOW,
                        "Local UDP port; 0 picks a free one. Each task needs its own port.", group, ++order,
                        Width.SHORT, "Bind port")
                .define(EXCHANGE_LIFETIME_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
                        "Milliseconds a confirmable message's id is remembered to spot duplicates. CoAP's default, "
                                + "247 s, lets a peer send at most 65,536 messages in that time: an observe stream "
                                + "faster than ~265 notifications/s stalls, and so do faster requests to one device "
                                + "address. The device needs a short lifetime too.",
                        group, ++order, Width.SHORT, "Exchange lifetime (ms)")
                .define(NON_LIFETIME_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
                        "Milliseconds a non-confirmable message's id is remembered to spot duplicates (CoAP's "
                                + "default is 145 s; see " + EXCHANGE_LIFETIME_CONFIG + ").",
                        group, ++order, Width.SHORT, "NON lifetime (ms)");
        return order;
    }

    /**
     * Defines the DTLS keys in {@code group} from {@code order + 1} on; returns the last order used.
     *
     * @param oldNames whether the docs name stream-reactor's old keys (only a connector that accepts them says so)
     */
    public static int defineDtls(ConfigDef def, String group, int order, boolean oldNames) {
        def.define(PSK_IDENTITY_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Pre-shared key identity, for coaps:// with PSK.", group, ++order, Width.MEDIUM, "PSK identity")
                .define(PSK_SECRET_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, "Pre-shared key secret (UTF-8).",
                        group, ++order, Width.MEDIUM, "PSK secret");
        order = TlsConfig.define(def, DTLS_PREFIX, "server", group, order, oldNames ? OLD_DTLS_NAMES : Map.of());
        def.define(RPK_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                        "Authenticate with a raw public key (RFC 7250) instead of a certificate: the key pair of "
                                + KEY_CONFIG + " and " + PUBLIC_KEY_CONFIG + " (or of the certificate).",
                        group, ++order, Width.SHORT, "Raw public key")
                .define(PUBLIC_KEY_CONFIG, Type.STRING, "", Importance.LOW,
                        "PEM file of the client's public key ('BEGIN PUBLIC KEY'), the raw public key sent with "
                                + RPK_CONFIG + "=true when there is no certificate."
                                + (oldNames ? " Old name: connect.coap.public.key.file." : ""),
                        group, ++order, Width.LONG, "Client public key (PEM)")
                .define(TRUSTED_RPK_CONFIG, Type.STRING, "", Importance.LOW,
                        "PEM file of the servers' raw public keys to trust ('BEGIN PUBLIC KEY'). Empty with "
                                + RPK_CONFIG + "=true trusts any server key (logged as a warning).",
                        group, ++order, Width.LONG, "Trusted raw public keys");
        return order;
    }

    /** The values of a config that defined both parts. */
    public static CoapClientConfig from(AbstractConfig config) {
        return new CoapClientConfig(config.getString(BIND_HOST_CONFIG).trim(), config.getInt(BIND_PORT_CONFIG),
                Duration.ofMillis(config.getLong(EXCHANGE_LIFETIME_CONFIG)),
                Duration.ofMillis(config.getLong(NON_LIFETIME_CONFIG)), config.getString(PSK_IDENTITY_CONFIG).trim(),
                config.getPassword(PSK_SECRET_CONFIG), TlsConfig.from(config, DTLS_PREFIX),
                config.getBoolean(RPK_CONFIG), config.getString(PUBLIC_KEY_CONFIG).trim(),
                config.getString(TRUSTED_RPK_CONFIG).trim());
    }

    /** Whether any DTLS credential or trust anchor is set, so that a coaps:// peer can be reached at all. */
    public boolean hasDtlsMaterial() {
        return !pskIdentity.isEmpty() || tlsFiles.anySet() || rawPublicKey;
    }
}
