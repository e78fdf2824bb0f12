package io.streamgrid.coap;

import io.streamgrid.coap.server.CoapServerConfig;
import io.streamgrid.coap.server.RequestStatement;
import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlException;
import io.streamgrid.kcql.KcqlStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The CoAP source's configuration: the single place its keys, defaults, docs and validators live. */
public final class CoapSourceConfig extends AbstractConfig {

    public static final String PREFIX = "connect.coap";

    /** What the CoAP source accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.COAP.capabilities();

    private static final String SERVER_GROUP = "Server";
    private static final String SERVER_MODE_GROUP = "Server mode";
    private static final String DTLS_GROUP = "DTLS";
    private static final String KCQL_GROUP = "KCQL";
    private static final String QUEUE_GROUP = "Queue";

    public static final String MODE_CONFIG = PREFIX + ".mode";
    public static final String URI_CONFIG = PREFIX + ".uri";
    public static final String BIND_HOST_CONFIG = CoapClientConfig.BIND_HOST_CONFIG;
    public static final String BIND_PORT_CONFIG = CoapClientConfig.BIND_PORT_CONFIG;
    public static final String EXCHANGE_LIFETIME_CONFIG = CoapClientConfig.EXCHANGE_LIFETIME_CONFIG;
    public static final String NON_LIFETIME_CONFIG = CoapClientConfig.NON_LIFETIME_CONFIG;
    public static final String SILENCE_CONFIG = PREFIX + ".observe.silence.timeout";
    public static final String REQUEST_TIMEOUT_CONFIG = PREFIX + ".request.timeout";

    public static final String PSK_IDENTITY_CONFIG = CoapClientConfig.PSK_IDENTITY_CONFIG;
    public static final String PSK_SECRET_CONFIG = CoapClientConfig.PSK_SECRET_CONFIG;
    public static final String CERT_CONFIG = CoapClientConfig.CERT_CONFIG;
    public static final String KEY_CONFIG = CoapClientConfig.KEY_CONFIG;
    public static final String KEYSTORE_CONFIG = CoapClientConfig.KEYSTORE_CONFIG;
    public static final String KEYSTORE_PASSWORD_CONFIG = CoapClientConfig.KEYSTORE_PASSWORD_CONFIG;
    public static final String CA_CERT_CONFIG = CoapClientConfig.CA_CERT_CONFIG;
    public static final String TRUSTSTORE_CONFIG = CoapClientConfig.TRUSTSTORE_CONFIG;
    public static final String TRUSTSTORE_PASSWORD_CONFIG = CoapClientConfig.TRUSTSTORE_PASSWORD_CONFIG;
    public static final String RPK_CONFIG = CoapClientConfig.RPK_CONFIG;
    public static final String PUBLIC_KEY_CONFIG = CoapClientConfig.PUBLIC_KEY_CONFIG;
    public static final String TRUSTED_RPK_CONFIG = CoapClientConfig.TRUSTED_RPK_CONFIG;

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
        for (KcqlStatement statement : statements) {
            try {
                if (serverMode()) {
                    RequestStatement.compile(statement);
                } else {
                    CoapStatement.compile(statement);
                }
            } catch (KcqlException e) {
                throw new ConfigException("Invalid value for " + KCQL_CONFIG + " in " + mode() + " mode: "
                        + e.getMessage());
            }
        }
        if (!serverMode() && servers().isEmpty() && statements.stream().map(CoapStatement::compile)
                .anyMatch(CoapStatement::readsListedServers)) {
            throw new ConfigException(URI_CONFIG, "", "a statement whose FROM is a path reads it on the servers of "
                    + URI_CONFIG + ", and there are none: name the servers, or a whole URI in FROM");
        }
    }

    /**
     * The KCQL key's check, which cannot see the mode: a statement either mode takes passes (each task and
     * validate() check it against the mode). The error shown is the client mode's, unless the statement has what
     * only server mode takes (a + or # in FROM, device.id).
     */
    static void checkEitherMode(KcqlStatement statement) {
        try {
            CoapStatement.compile(statement);
        } catch (KcqlException clientError) {
            try {
                RequestStatement.compile(statement);
            } catch (KcqlException serverError) {
                boolean looksServer = statement.source().contains("+") || statement.source().contains("#")
                        || statement.properties().containsKey(RequestStatement.DEVICE_ID);
                throw looksServer ? serverError : clientError;
            }
        }
    }

    public String mode() {
        return getString(MODE_CONFIG).trim().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean serverMode() {
        return mode().equals("server");
    }

    /** Server mode's settings. */
    public CoapServerConfig server() {
        return CoapServerConfig.from(this);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(MODE_CONFIG, Type.STRING, "client", ConfigDef.CaseInsensitiveValidString.in("client", "server"),
                        Importance.HIGH, "client: the task observes or polls the resources of CoAP servers (the "
                                + "devices, or a gateway); server: devices POST or PUT to the task, which answers "
                                + "2.04 once Kafka has their records (see the Server mode settings).",
                        SERVER_GROUP, ++order, Width.SHORT, "Mode")
                .define(URI_CONFIG, Type.LIST, "", new UriValidator(), Importance.HIGH,
                        "Client mode: the CoAP servers, coap://host:port (UDP) or coaps://host:port (DTLS; see the "
                                + "DTLS settings), separated by commas. A statement whose FROM is a path reads it on "
                                + "every one of them; a statement may name a whole URI (FROM coap://10.1.2.3/temp) "
                                + "or a Resource Directory instead. The servers are spread over the tasks. Old name: "
                                + "connect.coap.source.uri.",
                        SERVER_GROUP, ++order, Width.LONG, "Server URIs");
        order = CoapClientConfig.defineSocket(def, SERVER_GROUP, order);
        def.define(SILENCE_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.atLeast(500), Importance.MEDIUM,
                        "When an observed resource sends nothing for this many milliseconds the task registers its "
                                + "observation again, so a server restart (which forgets its observers) is noticed.",
                        SERVER_GROUP, ++order, Width.SHORT, "Observe silence timeout (ms)")
                .define(REQUEST_TIMEOUT_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(100), Importance.LOW,
                        "Milliseconds to wait for a response to a poll or discovery request.",
                        SERVER_GROUP, ++order, Width.SHORT, "Request timeout (ms)");

        CoapClientConfig.defineDtls(def, DTLS_GROUP, 0, true);
        CoapServerConfig.define(def, SERVER_MODE_GROUP, 0);

        KcqlConfig.define(def, KCQL_CONFIG, "One or more statements separated by ';', each INSERT INTO <kafka topic> "
                        + "SELECT <fields> FROM <resource> [IGNORE ...] [WHERE condition] [WITHKEY (...)] "
                        + "[PROPERTIES(...)]. Client mode: a resource is observed; PROPERTIES('mode' = 'poll', "
                        + "'interval.ms' = '5000') polls it instead. FROM .well-known/core observes every observable "
                        + "resource the server lists, optionally PROPERTIES('rt' = '...', 'if' = '...', "
                        + "'discovery.interval.ms' = '60000'), or with 'rd' = '<lookup URI>' those a Resource "
                        + "Directory lists. Server mode: FROM is a filter of request paths (telemetry/+, readings/#), "
                        + "PROPERTIES('device.id' = '${2}') names the device after a path segment. SELECT payload.x "
                        + "reads a field of a JSON or CBOR payload.",
                KCQL_GROUP, 1, KCQL, CoapSourceConfig::checkEitherMode);
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

    /** Client mode: the servers of connect.coap.uri, in order. */
    List<CoapUri> servers() {
        return getList(URI_CONFIG).stream().filter(uri -> !uri.isBlank()).map(CoapUri::server).toList();
    }

    /** The client endpoint's settings, shared with the sink. */
    public CoapClientConfig client() {
        return CoapClientConfig.from(this);
    }

    public Duration silenceTimeout() {
        return Duration.ofMillis(getLong(SILENCE_CONFIG));
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_CONFIG));
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
            if (!(value instanceof List<?> uris)) {
                return;
            }
            for (Object uri : uris) {
                if (String.valueOf(uri).isBlank()) {
                    continue;
                }
                try {
                    CoapUri.server(String.valueOf(uri));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, uri, e.getMessage());
                }
            }
        }

        @Override
        public String toString() {
            return "coap://host[:port] or coaps://host[:port], separated by commas";
        }
    }
}
