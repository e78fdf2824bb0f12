package io.streamgrid.mqtt;

import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.common.config.TlsConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import java.net.URI;
import java.net.URISyntaxException;
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

/** The MQTT source's configuration: the single place its keys, defaults, docs and validators live. */
public final class MqttSourceConfig extends AbstractConfig {

    public static final String PREFIX = "connect.mqtt";

    /** What the MQTT source accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.MQTT.capabilities();

    private static final String CONNECTION_GROUP = "Connection";
    private static final String TLS_GROUP = "TLS";
    private static final String KCQL_GROUP = "KCQL";
    private static final String QUEUE_GROUP = "Queue";

    public static final String HOSTS_CONFIG = PREFIX + ".hosts";
    public static final String CLIENT_ID_CONFIG = PREFIX + ".client.id";
    public static final String USERNAME_CONFIG = PREFIX + ".username";
    public static final String PASSWORD_CONFIG = PREFIX + ".password";
    public static final String CLEAN_CONFIG = PREFIX + ".clean";
    public static final String VERSION_CONFIG = PREFIX + ".version";
    public static final String RECEIVE_MAXIMUM_CONFIG = PREFIX + ".receive.maximum";
    public static final String SESSION_EXPIRY_CONFIG = PREFIX + ".session.expiry";
    public static final String KEEP_ALIVE_CONFIG = PREFIX + ".keep.alive";
    public static final String CONNECTION_TIMEOUT_CONFIG = PREFIX + ".connection.timeout";
    public static final String RECONNECT_MAX_DELAY_CONFIG = PREFIX + ".reconnect.max.delay";

    /** The TLS keys' prefix: connect.mqtt.ssl.ca.cert and so on (the shared {@link TlsConfig} fragment). */
    public static final String SSL_PREFIX = PREFIX + ".ssl";
    public static final String SSL_CA_CERT_CONFIG = SSL_PREFIX + "." + TlsConfig.CA_CERT;
    public static final String SSL_CERT_CONFIG = SSL_PREFIX + "." + TlsConfig.CERT;
    public static final String SSL_KEY_CONFIG = SSL_PREFIX + "." + TlsConfig.KEY;
    public static final String SSL_KEY_PASSWORD_CONFIG = SSL_PREFIX + "." + TlsConfig.KEY_PASSWORD;
    public static final String SSL_TRUSTSTORE_CONFIG = SSL_PREFIX + "." + TlsConfig.TRUSTSTORE;
    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = SSL_PREFIX + "." + TlsConfig.TRUSTSTORE_PASSWORD;
    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = SSL_PREFIX + "." + TlsConfig.TRUSTSTORE_TYPE;
    public static final String SSL_KEYSTORE_CONFIG = SSL_PREFIX + "." + TlsConfig.KEYSTORE;
    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = SSL_PREFIX + "." + TlsConfig.KEYSTORE_PASSWORD;
    public static final String SSL_KEYSTORE_TYPE_CONFIG = SSL_PREFIX + "." + TlsConfig.KEYSTORE_TYPE;
    public static final String SSL_HOSTNAME_VERIFICATION_CONFIG = PREFIX + ".ssl.hostname.verification";

    public static final String KCQL_CONFIG = PREFIX + ".kcql";
    public static final String QOS_CONFIG = PREFIX + ".service.quality";
    public static final String BAD_MESSAGE_POLICY_CONFIG = PREFIX + "." + BadMessagePolicy.SUFFIX;
    public static final String DEAD_LETTER_TOPIC_CONFIG = PREFIX + "." + BadMessagePolicy.TOPIC_SUFFIX;

    public static final String QUEUE_SIZE_CONFIG = PREFIX + "." + SourceQueueConfig.SIZE;
    public static final String QUEUE_MAX_BYTES_CONFIG = PREFIX + "." + SourceQueueConfig.MAX_BYTES;
    public static final String POLL_BATCH_SIZE_CONFIG = PREFIX + "." + SourceQueueConfig.POLL_BATCH_SIZE;
    public static final String POLL_TIMEOUT_CONFIG = PREFIX + "." + SourceQueueConfig.POLL_TIMEOUT;

    /** Set by the connector on each task's config: the task's number, which makes its client id. */
    static final String TASK_INDEX_CONFIG = PREFIX + ".task.index";
    /** Set by the connector: the connector's name, the client id's default. */
    static final String CONNECTOR_NAME_CONFIG = "name";

    static final ConfigAliases ALIASES = new ConfigAliases(
            Map.of(PREFIX + ".timeout", CONNECTION_TIMEOUT_CONFIG,
                    PREFIX + ".polling.timeout", POLL_TIMEOUT_CONFIG),
            Map.of(PREFIX + ".converter.throw.on.error", "use " + BAD_MESSAGE_POLICY_CONFIG + " ("
                            + BadMessagePolicy.choices() + ")",
                    PREFIX + ".log.message", "message contents are never logged above DEBUG",
                    PREFIX + ".process.duplicates", "messages flagged duplicate are always processed (at least once)",
                    PREFIX + ".share.replicate", "a $share statement always runs on every task",
                    PREFIX + ".converter.avro.schemas", "declare the schema per statement: WITHCONVERTER=`avro` "
                            + "PROPERTIES('schema.file'='/path/schema.avsc')"));

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<KcqlStatement> statements;

    public MqttSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(HOSTS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new HostsValidator(), Importance.HIGH,
                        "MQTT broker addresses, tcp://host:port or ssl://host:port (mqtt:// and mqtts:// mean the "
                                + "same). With several, the client connects to the first that answers.",
                        CONNECTION_GROUP, ++order, Width.LONG, "Broker hosts")
                .define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.HIGH,
                        "MQTT client id; each task connects as <id>-<task number>, the same after every restart, "
                                + "so a persistent session (connect.mqtt.clean=false) finds its unacknowledged "
                                + "messages again. Empty means the connector's name.",
                        CONNECTION_GROUP, ++order, Width.MEDIUM, "Client id")
                .define(USERNAME_CONFIG, Type.STRING, null, Importance.HIGH, "User name for the broker.",
                        CONNECTION_GROUP, ++order, Width.MEDIUM, "User name")
                .define(PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH, "Password for the broker.",
                        CONNECTION_GROUP, ++order, Width.MEDIUM, "Password")
                .define(CLEAN_CONFIG, Type.BOOLEAN, false, Importance.HIGH,
                        "false (default): a persistent session; the broker keeps subscriptions and the QoS 1 and 2 "
                                + "messages not yet acknowledged while the task is away, and sends them again. "
                                + "true: every connection starts empty; messages sent while away are lost.",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Clean session")
                .define(VERSION_CONFIG, Type.STRING, "3.1.1", ConfigDef.ValidString.in("3.1.1", "5"),
                        Importance.MEDIUM, "The MQTT protocol version: 3.1.1 (Eclipse Paho's mqttv3 client) or 5 "
                                + "(Paho's mqttv5 client: Receive Maximum, session expiry, user properties and the "
                                + "other MQTT 5 properties as headers).",
                        CONNECTION_GROUP, ++order, Width.SHORT, "MQTT version")
                .define(RECEIVE_MAXIMUM_CONFIG, Type.INT, 65_535, ConfigDef.Range.between(1, 65_535),
                        Importance.MEDIUM, "MQTT 5: how many QoS 1 and 2 messages the broker may send this client "
                                + "before it has acknowledged them. The task acknowledges only after Kafka has the "
                                + "records, so this window bounds throughput (with 3.1.1 the broker alone decides: "
                                + "mosquitto's default is 20).",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Receive maximum")
                .define(SESSION_EXPIRY_CONFIG, Type.LONG, 86_400L, ConfigDef.Range.between(0L, 4_294_967_295L),
                        Importance.MEDIUM, "MQTT 5: seconds the broker keeps the session (subscriptions and "
                                + "unacknowledged messages) after the client went away; 0 starts clean every time. "
                                + "It takes the place of " + PREFIX + ".clean for MQTT 5.",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Session expiry (s)")
                .define(KEEP_ALIVE_CONFIG, Type.INT, 60, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Keep-alive interval in seconds: the client pings an idle connection this often, and "
                                + "the broker drops a client it has not heard from for 1.5 times as long. 0 turns it off.",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Keep alive (s)")
                .define(CONNECTION_TIMEOUT_CONFIG, Type.INT, 30, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                        "Seconds to wait for the broker to accept a connection. When the task starts and no broker "
                                + "answers in time, the task fails. Old name: connect.mqtt.timeout (also seconds).",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Connection timeout (s)")
                .define(RECONNECT_MAX_DELAY_CONFIG, Type.INT, 30_000, ConfigDef.Range.atLeast(1000), Importance.LOW,
                        "After a lost connection the client reconnects by itself, waiting 1 s, then twice as long "
                                + "each time, up to this many milliseconds; it never gives up.",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Maximum reconnect delay (ms)");

        order = TlsConfig.define(def, SSL_PREFIX, "broker", TLS_GROUP, 0, Map.of());
        def                .define(SSL_HOSTNAME_VERIFICATION_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                        "Whether the broker's certificate must name the host connected to.",
                        TLS_GROUP, ++order, Width.SHORT, "Hostname verification");

        KcqlConfig.define(def, KCQL_CONFIG, "One or more statements separated by ';', each INSERT INTO "
                        + "<kafka topic> SELECT <fields> FROM <mqtt topic filter> [IGNORE ...] [WHERE condition] "
                        + "[WITHCONVERTER = `bytes|string|json|json-schema|avro|class`] [WITHKEY(f, ...) "
                        + "[KEYDELIMITER = 'c']] [PROPERTIES('qos' = '1', 'schema.file' = '...')]. The filter may use "
                        + "+ and #, and $share/<group>/<filter>. INSERT INTO `$` writes to a Kafka topic made from "
                        + "the MQTT topic ('/' becomes '.', other characters Kafka forbids become _XX).",
                KCQL_GROUP, 1, KCQL, MqttStatement::check);
        def.define(QOS_CONFIG, Type.INT, 1, ConfigDef.Range.between(0, 2), Importance.MEDIUM,
                        "QoS to subscribe with, unless a statement says PROPERTIES('qos' = 'n'). QoS 1 and 2 messages "
                                + "are acknowledged to the broker only after Kafka has their records; QoS 0 messages "
                                + "are never acknowledged and may be lost.",
                        KCQL_GROUP, 2, Width.SHORT, "QoS");
        BadMessagePolicy.define(def, PREFIX, "a message whose payload the converter rejects, or whose topic no "
                + "statement matches", "; the message stays unacknowledged, so the broker sends it again",
                ", and acknowledge it", KCQL_GROUP, 3);
        SourceQueueConfig.define(def, PREFIX, "MQTT messages", "When it is full the client stops reading; QoS 1 and 2 "
                + "messages then wait unacknowledged at the broker.", QUEUE_GROUP);
        def.defineInternal(TASK_INDEX_CONFIG, Type.INT, 0, Importance.LOW);
        return def;
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    /** The broker URIs as Paho takes them: tcp:// or ssl://, with the default port where none was given. */
    public List<String> hosts() {
        return getList(HOSTS_CONFIG).stream().map(String::trim).filter(h -> !h.isEmpty())
                .map(MqttSourceConfig::pahoUri).toList();
    }

    public boolean tls() {
        return hosts().stream().anyMatch(h -> h.startsWith("ssl://"));
    }

    /** This task's client id: {@code <client.id or connector name>-<task number>}. */
    public String clientId() {
        String base = getString(CLIENT_ID_CONFIG).trim();
        if (base.isEmpty()) {
            Object name = originals().get(CONNECTOR_NAME_CONFIG);
            base = name == null || name.toString().isBlank() ? "streamgrid-mqtt-source" : name.toString().trim();
        }
        return base + "-" + getInt(TASK_INDEX_CONFIG);
    }

    public String username() {
        return getString(USERNAME_CONFIG);
    }

    public Password password() {
        return getPassword(PASSWORD_CONFIG);
    }

    public boolean mqtt5() {
        return getString(VERSION_CONFIG).equals("5");
    }

    public int receiveMaximum() {
        return getInt(RECEIVE_MAXIMUM_CONFIG);
    }

    public long sessionExpirySeconds() {
        return getLong(SESSION_EXPIRY_CONFIG);
    }

    public boolean cleanSession() {
        return getBoolean(CLEAN_CONFIG);
    }

    public int keepAliveSeconds() {
        return getInt(KEEP_ALIVE_CONFIG);
    }

    public int connectionTimeoutSeconds() {
        return getInt(CONNECTION_TIMEOUT_CONFIG);
    }

    public int reconnectMaxDelayMs() {
        return getInt(RECONNECT_MAX_DELAY_CONFIG);
    }

    public TlsConfig tlsFiles() {
        return TlsConfig.from(this, SSL_PREFIX);
    }

    public boolean hostnameVerification() {
        return getBoolean(SSL_HOSTNAME_VERIFICATION_CONFIG);
    }

    public int defaultQos() {
        return getInt(QOS_CONFIG);
    }

    public BadMessagePolicy badMessagePolicy() {
        return BadMessagePolicy.from(this, PREFIX);
    }

    /** Where bad messages go under the DLQ policy, else null. */
    public String deadLetterTopic() {
        return BadMessagePolicy.deadLetterTopic(this, PREFIX);
    }

    public SourceQueueConfig queue() {
        return SourceQueueConfig.from(this, PREFIX);
    }

    static String pahoUri(String host) {
        String trimmed = host.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        String rest;
        boolean secure;
        if (lower.startsWith("tcp://") || lower.startsWith("mqtt://")) {
            secure = false;
        } else if (lower.startsWith("ssl://") || lower.startsWith("mqtts://")) {
            secure = true;
        } else {
            throw new ConfigException(HOSTS_CONFIG, host, "use tcp://host:port or ssl://host:port "
                    + "(mqtt:// and mqtts:// also work)");
        }
        rest = trimmed.substring(trimmed.indexOf("://") + 3);
        URI uri;
        try {
            uri = new URI("tcp://" + rest);
        } catch (URISyntaxException e) {
            throw new ConfigException(HOSTS_CONFIG, host, "not a valid address: " + e.getMessage());
        }
        if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
            throw new ConfigException(HOSTS_CONFIG, host, "expected scheme://host[:port] with nothing after the port");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 8883 : 1883;
        return (secure ? "ssl://" : "tcp://") + uri.getHost() + ":" + port;
    }

    /** Writes docs/...-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws java.io.IOException {
        ConfigDocs.writeReference("MQTT source configuration", CONFIG_DEF, args);
    }



    /** Every host has a scheme we take, and all are plain or all are TLS (the client has one socket factory). */
    private static final class HostsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> hosts = (List<?>) value;
            if (hosts == null || hosts.stream().allMatch(h -> h == null || h.toString().isBlank())) {
                throw new ConfigException(name, value, "name at least one broker, e.g. tcp://localhost:1883");
            }
            long secure = hosts.stream().map(Object::toString).filter(h -> !h.isBlank()).map(MqttSourceConfig::pahoUri)
                    .filter(h -> h.startsWith("ssl://")).count();
            long all = hosts.stream().filter(h -> !h.toString().isBlank()).count();
            if (secure != 0 && secure != all) {
                throw new ConfigException(name, value, "mixes plain (tcp://) and TLS (ssl://) brokers; use one kind");
            }
        }

        @Override
        public String toString() {
            return "tcp://host:port or ssl://host:port, ...";
        }
    }
}
