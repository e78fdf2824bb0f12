package io.streamgrid.mqtt.connection;

import io.streamgrid.common.config.AliasedValidation;
import io.streamgrid.common.config.TlsConfig;
import io.streamgrid.mqtt.transport.MqttTransport;
import io.streamgrid.mqtt.transport.TransportException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Config fragment for the connection to an MQTT broker, shared by the MQTT source and sink: the broker hosts, the
 * client id, the login, the protocol version, keep-alive and timeouts, and TLS ({@link TlsConfig} under
 * {@code connect.mqtt.ssl}). Both connectors define these keys through {@link #define} only, so a key means the same
 * in both; what only a subscriber or only a publisher needs stays in the connector's own config.
 *
 * @param hosts the broker URIs as Paho takes them ({@code tcp://host:port}, {@code ssl://host:port})
 */
public record MqttConnectionConfig(List<String> hosts, String clientIdBase, String username, Password password,
                                   boolean mqtt5, int keepAliveSeconds, int connectionTimeoutSeconds,
                                   int reconnectMaxDelayMs, TlsConfig tlsFiles, boolean hostnameVerification) {

    public static final String PREFIX = "connect.mqtt";
    public static final String CONNECTION_GROUP = "Connection";
    public static final String TLS_GROUP = "TLS";

    public static final String HOSTS_CONFIG = PREFIX + ".hosts";
    public static final String CLIENT_ID_CONFIG = PREFIX + ".client.id";
    public static final String USERNAME_CONFIG = PREFIX + ".username";
    public static final String PASSWORD_CONFIG = PREFIX + ".password";
    public static final String VERSION_CONFIG = PREFIX + ".version";
    public static final String KEEP_ALIVE_CONFIG = PREFIX + ".keep.alive";
    public static final String CONNECTION_TIMEOUT_CONFIG = PREFIX + ".connection.timeout";
    /** stream-reactor's name of {@link #CONNECTION_TIMEOUT_CONFIG}, in both of its MQTT connectors. */
    public static final String OLD_CONNECTION_TIMEOUT_CONFIG = PREFIX + ".timeout";
    public static final String RECONNECT_MAX_DELAY_CONFIG = PREFIX + ".reconnect.max.delay";

    /** The TLS keys' prefix: connect.mqtt.ssl.ca.cert and so on (the shared {@link TlsConfig} fragment). */
    public static final String SSL_PREFIX = PREFIX + ".ssl";
    public static final String SSL_CA_CERT_CONFIG = SSL_PREFIX + "." + TlsConfig.CA_CERT;
    public static final String SSL_CERT_CONFIG = SSL_PREFIX + "." + TlsConfig.CERT;
    public static final String SSL_KEY_CONFIG = SSL_PREFIX + "." + TlsConfig.KEY;
    public static final String SSL_TRUSTSTORE_CONFIG = SSL_PREFIX + "." + TlsConfig.TRUSTSTORE;
    public static final String SSL_KEYSTORE_CONFIG = SSL_PREFIX + "." + TlsConfig.KEYSTORE;
    public static final String SSL_HOSTNAME_VERIFICATION_CONFIG = PREFIX + ".ssl.hostname.verification";

    public MqttConnectionConfig {
        hosts = List.copyOf(hosts);
    }

    /**
     * Defines the connection keys in the Connection group, from order 1 on, and the TLS keys in the TLS group;
     * returns the last order used in the Connection group, for the connector's own connection keys after them.
     *
     * @param role what the connector does on the broker ("subscribes", "publishes"), for the docs
     */
    public static int define(ConfigDef def, String role) {
        int order = 0;
        def.define(HOSTS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new HostsValidator(), Importance.HIGH,
                        "MQTT broker addresses, tcp://host:port or ssl://host:port (mqtt:// and mqtts:// mean the "
                                + "same). With several, the client connects to the first that answers.",
                        CONNECTION_GROUP, ++order, Width.LONG, "Broker hosts")
                .define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.HIGH,
                        "MQTT client id; each task connects as <id>-<task number>, the same after every restart. "
                                + "Empty means the connector's name. Two clients with one id push each other off the "
                                + "broker: give a source and a sink on the same broker different ids.",
                        CONNECTION_GROUP, ++order, Width.MEDIUM, "Client id")
                .define(USERNAME_CONFIG, Type.STRING, null, Importance.HIGH, "User name for the broker.",
                        CONNECTION_GROUP, ++order, Width.MEDIUM, "User name")
                .define(PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH, "Password for the broker.",
                        CONNECTION_GROUP, ++order, Width.MEDIUM, "Password")
                .define(VERSION_CONFIG, Type.STRING, "3.1.1", ConfigDef.ValidString.in("3.1.1", "5"),
                        Importance.MEDIUM, "The MQTT protocol version the task " + role + " with: 3.1.1 (Eclipse "
                                + "Paho's mqttv3 client) or 5 (Paho's mqttv5 client, with MQTT 5's properties).",
                        CONNECTION_GROUP, ++order, Width.SHORT, "MQTT version")
                .define(KEEP_ALIVE_CONFIG, Type.INT, 60, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Keep-alive interval in seconds: the client pings an idle connection this often, and "
                                + "the broker drops a client it has not heard from for 1.5 times as long. 0 turns it off.",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Keep alive (s)")
                .define(CONNECTION_TIMEOUT_CONFIG, Type.INT, 30, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                        "Seconds to wait for the broker to accept a connection. When the task starts and no broker "
                                + "answers in time, the task fails. Old name: " + OLD_CONNECTION_TIMEOUT_CONFIG
                                + " (also seconds).",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Connection timeout (s)")
                .define(RECONNECT_MAX_DELAY_CONFIG, Type.INT, 30_000, ConfigDef.Range.atLeast(1000), Importance.LOW,
                        "After a lost connection the client reconnects by itself, waiting 1 s, then twice as long "
                                + "each time, up to this many milliseconds; it never gives up.",
                        CONNECTION_GROUP, ++order, Width.SHORT, "Maximum reconnect delay (ms)");
        int tlsOrder = TlsConfig.define(def, SSL_PREFIX, "broker", TLS_GROUP, 0, Map.of());
        def.define(SSL_HOSTNAME_VERIFICATION_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                "Whether the broker's certificate must name the host connected to.",
                TLS_GROUP, ++tlsOrder, Width.SHORT, "Hostname verification");
        return order;
    }

    /** The connection settings of a config whose ConfigDef holds the keys {@link #define} defines. */
    public static MqttConnectionConfig from(AbstractConfig config) {
        return new MqttConnectionConfig(
                config.getList(HOSTS_CONFIG).stream().map(String::trim).filter(h -> !h.isEmpty())
                        .map(MqttConnectionConfig::pahoUri).toList(),
                config.getString(CLIENT_ID_CONFIG).trim(), config.getString(USERNAME_CONFIG),
                config.getPassword(PASSWORD_CONFIG), config.getString(VERSION_CONFIG).equals("5"),
                config.getInt(KEEP_ALIVE_CONFIG), config.getInt(CONNECTION_TIMEOUT_CONFIG),
                config.getInt(RECONNECT_MAX_DELAY_CONFIG), TlsConfig.from(config, SSL_PREFIX),
                config.getBoolean(SSL_HOSTNAME_VERIFICATION_CONFIG));
    }

    /** Whether the hosts are TLS (ssl://); the validator allows no mix. */
    public boolean tls() {
        return hosts.stream().anyMatch(h -> h.startsWith("ssl://"));
    }

    /**
     * A task's client id: {@code <client.id>-<task>}, or {@code <connector name>-<task>} without a client id, or
     * {@code <fallback>-<task>} without either.
     */
    public String clientId(Object connectorName, String fallback, int task) {
        String base = clientIdBase;
        if (base.isEmpty()) {
            base = connectorName == null || connectorName.toString().isBlank() ? fallback
                    : connectorName.toString().trim();
        }
        return base + "-" + task;
    }

    /** Sockets with Nagle's algorithm off, over TLS for ssl:// hosts. */
    public SocketFactory socketFactory() {
        return tls() ? NoDelaySocketFactories.tls(TlsContexts.create(this).getSocketFactory())
                : NoDelaySocketFactories.plain();
    }

    /** What a transport needs to connect as {@code clientId}, with the session settings of the connector. */
    public MqttTransport.Settings settings(String clientId, boolean cleanSession, int receiveMaximum,
                                           long sessionExpirySeconds, int maxInFlight) {
        return new MqttTransport.Settings(hosts, clientId, cleanSession, keepAliveSeconds, connectionTimeoutSeconds,
                reconnectMaxDelayMs, username, password == null ? null : password.value(), socketFactory(),
                tls() && hostnameVerification, receiveMaximum, sessionExpirySeconds, maxInFlight);
    }

    /** Why a task could not start: the broker, the client id and the timeout, with the client's reason. */
    public ConnectException connectFailure(String clientId, TransportException e) {
        return new ConnectException("Cannot connect to the MQTT broker at " + hosts + " as client '" + clientId
                + "' within " + connectionTimeoutSeconds + " s (" + CONNECTION_TIMEOUT_CONFIG + "): " + e.getMessage()
                + " (reason code " + e.reasonCode() + ")", e);
    }

    /** How long a task waits for its first connection: the connection timeout, and a little for the client. */
    public long connectWaitMs() {
        return connectionTimeoutSeconds * 1000L + 5000;
    }

    /**
     * The checks of settings that only make sense together, each error on the key at fault: key material with
     * plain tcp:// hosts, half a client certificate, a password without a user name.
     */
    public static void check(AliasedValidation validation) {
        Map<String, String> resolved = validation.resolved();
        Map<String, ConfigValue> byName = validation.byName();
        if (byName.get(HOSTS_CONFIG).errorMessages().isEmpty()) {
            boolean tls = hostsUseTls(resolved.get(HOSTS_CONFIG));
            for (String key : List.of(SSL_CA_CERT_CONFIG, SSL_CERT_CONFIG, SSL_KEY_CONFIG, SSL_TRUSTSTORE_CONFIG,
                    SSL_KEYSTORE_CONFIG)) {
                if (!tls && present(resolved, key)) {
                    byName.get(key).addErrorMessage(key + " is set, but the hosts are plain tcp://; use ssl:// hosts "
                            + "for TLS, or remove it");
                }
            }
        }
        boolean cert = present(resolved, SSL_CERT_CONFIG);
        boolean key = present(resolved, SSL_KEY_CONFIG);
        if (cert != key) {
            String missing = cert ? SSL_KEY_CONFIG : SSL_CERT_CONFIG;
            byName.get(missing).addErrorMessage("a client certificate needs both " + SSL_CERT_CONFIG + " and "
                    + SSL_KEY_CONFIG);
        }
        if (present(resolved, PASSWORD_CONFIG) && !present(resolved, USERNAME_CONFIG)) {
            byName.get(USERNAME_CONFIG).addErrorMessage("a password needs a user name");
        }
    }

    private static boolean hostsUseTls(String hosts) {
        return hosts != null && List.of(hosts.split(",")).stream().map(String::trim).filter(h -> !h.isEmpty())
                .map(MqttConnectionConfig::pahoUri).anyMatch(h -> h.startsWith("ssl://"));
    }

    private static boolean present(Map<String, String> props, String key) {
        String value = props.get(key);
        return value != null && !value.isBlank();
    }

    /** A host as Paho takes it: tcp:// or ssl://, with the default port where none was given. */
    public static String pahoUri(String host) {
        String trimmed = host.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        boolean secure;
        if (lower.startsWith("tcp://") || lower.startsWith("mqtt://")) {
            secure = false;
        } else if (lower.startsWith("ssl://") || lower.startsWith("mqtts://")) {
            secure = true;
        } else {
            throw new ConfigException(HOSTS_CONFIG, host, "use tcp://host:port or ssl://host:port "
                    + "(mqtt:// and mqtts:// also work)");
        }
        String rest = trimmed.substring(trimmed.indexOf("://") + 3);
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

    /** Every host has a scheme we take, and all are plain or all are TLS (the client has one socket factory). */
    private static final class HostsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> hosts = (List<?>) value;
            if (hosts == null || hosts.stream().allMatch(h -> h == null || h.toString().isBlank())) {
                throw new ConfigException(name, value, "name at least one broker, e.g. tcp://localhost:1883");
            }
            long secure = hosts.stream().map(Object::toString).filter(h -> !h.isBlank())
                    .map(MqttConnectionConfig::pahoUri).filter(h -> h.startsWith("ssl://")).count();
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
