package io.streamgrid.coap;

import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.common.config.TlsConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The CoAP source's configuration: the single place its keys, defaults, docs and validators live. */
public final class CoapSourceConfig extends AbstractConfig {

    public static final String PREFIX = "connect.coap";

    /** What the CoAP source accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.COAP.capabilities();

    private static final String SERVER_GROUP = "Server";
    private static final String DTLS_GROUP = "DTLS";
    private static final String KCQL_GROUP = "KCQL";
    private static final String QUEUE_GROUP = "Queue";

    public static final String URI_CONFIG = PREFIX + ".uri";
    public static final String BIND_HOST_CONFIG = PREFIX + ".bind.host";
    public static final String BIND_PORT_CONFIG = PREFIX + ".bind.port";
    public static final String EXCHANGE_LIFETIME_CONFIG = PREFIX + ".exchange.lifetime";
    public static final String NON_LIFETIME_CONFIG = PREFIX + ".non.lifetime";
    public static final String SILENCE_CONFIG = PREFIX + ".observe.silence.timeout";
    public static final String REQUEST_TIMEOUT_CONFIG = PREFIX + ".request.timeout";

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

    public static final String KCQL_CONFIG = PREFIX + ".kcql";
    public static final String BAD_MESSAGE_POLICY_CONFIG = PREFIX + "." + BadMessagePolicy.SUFFIX;
    public static final String DEAD_LETTER_TOPIC_CONFIG = PREFIX + "." + BadMessagePolicy.TOPIC_SUFFIX;

    public static final String QUEUE_SIZE_CONFIG = PREFIX + "." + SourceQueueConfig.SIZE;
    public static final String QUEUE_MAX_BYTES_CONFIG = PREFIX + "." + SourceQueueConfig.MAX_BYTES;
    public static final String POLL_BATCH_SIZE_CONFIG = PREFIX + "." + SourceQueueConfig.POLL_BATCH_SIZE;
    public static final String POLL_TIMEOUT_CONFIG = PREFIX + "." + SourceQueueConfig.POLL_TIMEOUT;

    static final ConfigAliases ALIASES = new ConfigAliases(
            Map.ofEntries(Map.entry(PREFIX + ".source.uri", URI_CONFIG),
                    Map.entry(PREFIX + ".username", PSK_IDENTITY_CONFIG),
                    Map.entry(PREFIX + ".password", PSK_SECRET_CONFIG),
                    Map.entry(PREFIX + ".host", BIND_HOST_CONFIG),
                    Map.entry(PREFIX + ".port", BIND_PORT_CONFIG),
                    Map.entry(PREFIX + ".private.key.file", KEY_CONFIG),
                    Map.entry(PREFIX + ".public.key.file", PUBLIC_KEY_CONFIG),
                    Map.entry(PREFIX + ".truststore.path", TRUSTSTORE_CONFIG),
                    Map.entry(PREFIX + ".keystore.path", KEYSTORE_CONFIG),
                    Map.entry(PREFIX + ".truststore.pass", TRUSTSTORE_PASSWORD_CONFIG),
                    Map.entry(PREFIX + ".keystore.pass", KEYSTORE_PASSWORD_CONFIG),
                    Map.entry(PREFIX + ".batch.size", POLL_BATCH_SIZE_CONFIG),
                    Map.entry(PREFIX + ".poll.wait", POLL_TIMEOUT_CONFIG)),
            Map.of());

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<KcqlStatement> statements;

    public CoapSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(URI_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new UriValidator(), Importance.HIGH,
                        "The CoAP server: coap://host:port (UDP) or coaps://host:port (DTLS; see the DTLS settings). "
                                + "The statements name resources on it. Old name: connect.coap.source.uri.",
                        SERVER_GROUP, ++order, Width.LONG, "Server URI")
                .define(BIND_HOST_CONFIG, Type.STRING, "0.0.0.0", Importance.LOW,
                        "Local address the client's UDP socket binds to.", SERVER_GROUP, ++order, Width.MEDIUM,
                        "Bind host")
                .define(BIND_PORT_CONFIG, Type.INT, 0, ConfigDef.Range.between(0, 65535), Importance.LOW,
                        "Local UDP port; 0 picks a free one. Each task needs its own port.", SERVER_GROUP, ++order,
                        Width.SHORT, "Bind port")
                .define(EXCHANGE_LIFETIME_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
                        "Milliseconds a confirmable message's id is remembered to spot duplicates. CoAP's default, "
                                + "247 s, lets a peer send at most 65,536 messages in that time: an observe stream "
                                + "faster than ~265 notifications/s stalls. The device needs a short lifetime too.",
                        SERVER_GROUP, ++order, Width.SHORT, "Exchange lifetime (ms)")
                .define(NON_LIFETIME_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
                        "Milliseconds a non-confirmable message's id is remembered to spot duplicates (CoAP's "
                                + "default is 145 s; see " + EXCHANGE_LIFETIME_CONFIG + ").",
                        SERVER_GROUP, ++order, Width.SHORT, "NON lifetime (ms)")
                .define(SILENCE_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.atLeast(500), Importance.MEDIUM,
                        "When an observed resource sends nothing for this many milliseconds the task registers its "
                                + "observation again, so a server restart (which forgets its observers) is noticed.",
                        SERVER_GROUP, ++order, Width.SHORT, "Observe silence timeout (ms)")
                .define(REQUEST_TIMEOUT_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                        "Milliseconds to wait for a response to a poll or discovery request.",
                        SERVER_GROUP, ++order, Width.SHORT, "Request timeout (ms)");

        order = 0;
        def.define(PSK_IDENTITY_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        "Pre-shared key identity, for coaps:// with PSK.", DTLS_GROUP, ++order, Width.MEDIUM,
                        "PSK identity")
                .define(PSK_SECRET_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, "Pre-shared key secret (UTF-8).",
                        DTLS_GROUP, ++order, Width.MEDIUM, "PSK secret");
        order = TlsConfig.define(def, DTLS_PREFIX, "server", DTLS_GROUP, order, Map.of(
                TlsConfig.KEY, "connect.coap.private.key.file", TlsConfig.TRUSTSTORE, "connect.coap.truststore.path",
                TlsConfig.TRUSTSTORE_PASSWORD, "connect.coap.truststore.pass",
                TlsConfig.KEYSTORE, "connect.coap.keystore.path",
                TlsConfig.KEYSTORE_PASSWORD, "connect.coap.keystore.pass"));
        def.define(RPK_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                        "Authenticate with a raw public key (RFC 7250) instead of a certificate: the key pair of "
                                + KEY_CONFIG + " and " + PUBLIC_KEY_CONFIG + " (or of the certificate).",
                        DTLS_GROUP, ++order, Width.SHORT, "Raw public key")
                .define(PUBLIC_KEY_CONFIG, Type.STRING, "", Importance.LOW,
                        "PEM file of the client's public key ('BEGIN PUBLIC KEY'), the raw public key sent with "
                                + RPK_CONFIG + "=true when there is no certificate. Old name: connect.coap.public.key.file.",
                        DTLS_GROUP, ++order, Width.LONG, "Client public key (PEM)")
                .define(TRUSTED_RPK_CONFIG, Type.STRING, "", Importance.LOW,
                        "PEM file of the servers' raw public keys to trust ('BEGIN PUBLIC KEY'). Empty with "
                                + RPK_CONFIG + "=true trusts any server key (logged as a warning).",
                        DTLS_GROUP, ++order, Width.LONG, "Trusted raw public keys");

        KcqlConfig.define(def, KCQL_CONFIG, "One or more statements separated by ';', each INSERT INTO <kafka topic> "
                        + "SELECT <fields> FROM <resource path> [IGNORE ...] [WHERE condition] [PROPERTIES(...)]. A resource is observed; "
                        + "PROPERTIES('mode' = 'poll', 'interval.ms' = '5000') polls it instead. FROM .well-known/core "
                        + "observes every observable resource the server lists, optionally PROPERTIES('rt' = '...', "
                        + "'if' = '...', 'discovery.interval.ms' = '60000'). SELECT payload.x reads a field of a JSON payload.",
                KCQL_GROUP, 1, KCQL, CoapStatement::check);
        BadMessagePolicy.define(def, PREFIX, "a response a statement cannot turn into a record (e.g. SELECT "
                + "payload.x of a payload that is not JSON)", "", "", KCQL_GROUP, 2);
        SourceQueueConfig.define(def, PREFIX, "CoAP responses", "When it is full the oldest waiting notification "
                + "is dropped for the newest (an observed resource's latest state matters most); each drop is counted "
                + "in the dropped-total metric and logged at WARN at most every 10 s. Old names: connect.coap.batch.size "
                + "for poll.batch.size, connect.coap.poll.wait for poll.timeout.", QUEUE_GROUP);
        return def;
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    public CoapUri server() {
        return CoapUri.server(getString(URI_CONFIG));
    }

    public String bindHost() {
        return getString(BIND_HOST_CONFIG).trim();
    }

    public int bindPort() {
        return getInt(BIND_PORT_CONFIG);
    }

    public Duration exchangeLifetime() {
        return Duration.ofMillis(getLong(EXCHANGE_LIFETIME_CONFIG));
    }

    public Duration nonLifetime() {
        return Duration.ofMillis(getLong(NON_LIFETIME_CONFIG));
    }

    public Duration silenceTimeout() {
        return Duration.ofMillis(getLong(SILENCE_CONFIG));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_CONFIG));
    }

    public String pskIdentity() {
        return getString(PSK_IDENTITY_CONFIG).trim();
    }

    public Password pskSecret() {
        return getPassword(PSK_SECRET_CONFIG);
    }

    public TlsConfig tlsFiles() {
        return TlsConfig.from(this, DTLS_PREFIX);
    }

    public boolean rawPublicKey() {
        return getBoolean(RPK_CONFIG);
    }

    public String publicKey() {
        return getString(PUBLIC_KEY_CONFIG).trim();
    }

    public String trustedRpks() {
        return getString(TRUSTED_RPK_CONFIG).trim();
    }

    public BadMessagePolicy badMessagePolicy() {
        return BadMessagePolicy.from(this, PREFIX);
    }

    /** Where bad responses go under the DLQ policy, else null. */
    public String deadLetterTopic() {
        return BadMessagePolicy.deadLetterTopic(this, PREFIX);
    }

    public SourceQueueConfig queue() {
        return SourceQueueConfig.from(this, PREFIX);
    }


    /** Writes docs/...-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws java.io.IOException {
        ConfigDocs.writeReference("CoAP source configuration", CONFIG_DEF, args);
    }

    private static final class UriValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            try {
                CoapUri.server(value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "coap://host[:port] or coaps://host[:port]";
        }
    }
}
