package io.streamgrid.hazelcast;

import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.config.ErrorPolicyConfig;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The Hazelcast sink's configuration: the single place its keys, defaults, docs and validators live. */
public final class HazelcastSinkConfig extends AbstractConfig {

    public static final String PREFIX = "connect.hazelcast";

    /**
     * What the sink accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too; its STOREAS types
     * are {@link StoreType}'s (StoreTypeTest holds the two lists together).
     */
    public static final KcqlCapabilities KCQL = KcqlConnector.SINK.capabilities();

    private static final String KCQL_GROUP = "KCQL";
    private static final String CLUSTER_GROUP = "Cluster";
    private static final String SOCKET_GROUP = "Socket";
    private static final String WRITE_GROUP = "Writing";
    private static final String ERROR_GROUP = "Errors";

    public static final String KCQL_CONFIG = PREFIX + ".kcql";
    private static final String KCQL_DOC = "One or more KCQL statements separated by ';', each "
            + "INSERT INTO <structure> SELECT <fields> FROM <kafka topic> [IGNORE ...] [PK f, ...] [WHERE condition] "
            + "[WITHFORMAT JSON|AVRO|TEXT|BINARY|COMPACT] [STOREAS RELIABLE_TOPIC|RING_BUFFER|QUEUE|SET|LIST|IMAP|"
            + "MULTI_MAP|ICACHE|REPLICATED_MAP [(parameters)]] [KEYDELIMITER = 'c'] [TTL = ms] [BATCH = n]. Without "
            + "STOREAS records go to a reliable topic; without WITHFORMAT they are stored as JSON. Parameters: "
            + "overflow = OVERWRITE|FAIL (RING_BUFFER); jsonValue = true (JSON as HazelcastJsonValue); "
            + "compactType = 'Name' (WITHFORMAT COMPACT); merge = true and version = <field> (IMAP, ICACHE: partial "
            + "updates, and writes only when the record's version is not older than the stored one, atomic per key); "
            + "sqlMapping = true (IMAP: the sink creates the Hazelcast SQL mapping). Several statements may "
            + "read one topic: each of them writes every record. Old name: connect.hazelcast.sink.kcql.";

    public static final String MEMBERS_CONFIG = PREFIX + ".cluster.members";
    private static final String MEMBERS_DOC = "Addresses (host or host:port) of Hazelcast members the client "
            + "connects to first; it learns the rest of the cluster from them. Old name: "
            + "connect.hazelcast.sink.cluster.members.";
    public static final String CLUSTER_NAME_CONFIG = PREFIX + ".cluster.name";
    private static final String CLUSTER_NAME_DOC = "Name of the Hazelcast cluster to join as a client. Old names: "
            + "connect.hazelcast.group.name, connect.hazelcast.sink.group.name.";
    public static final String CONNECTION_TIMEOUT_CONFIG = PREFIX + ".connection.timeout";
    private static final String CONNECTION_TIMEOUT_DOC = "Milliseconds one attempt to open a connection to a "
            + "member may take.";
    public static final String CLUSTER_CONNECT_TIMEOUT_CONFIG = PREFIX + ".cluster.connect.timeout";
    private static final String CLUSTER_CONNECT_TIMEOUT_DOC = "Milliseconds a task waits at start for its first "
            + "connection to the cluster, and validate waits to check the cluster can be reached. A task whose cluster "
            + "is not there by then starts all the same and logs a warning: its records wait, retried, until the "
            + "cluster is there (see " + PREFIX + ".cluster.outage.timeout). The client never gives up reconnecting.";
    public static final String CLUSTER_OUTAGE_TIMEOUT_CONFIG = PREFIX + ".cluster.outage.timeout";
    private static final String CLUSTER_OUTAGE_TIMEOUT_DOC = "Milliseconds the task waits out a cluster it cannot "
            + "reach before it fails; 0 (the default) waits for as long as it takes. Meanwhile records wait in Kafka "
            + "(nothing past the last written record is committed), writes are retried every second (or every "
            + "retry.interval, when shorter) without using up max.retries, and the metric connected is 0. Applies "
            + "to error policy RETRY; THROW fails the task at once and NOOP drops the records.";
    public static final String BACKOFF_INITIAL_CONFIG = PREFIX + ".connection.backoff.initial";
    private static final String BACKOFF_INITIAL_DOC = "Milliseconds the client waits before its second attempt to "
            + "reach the cluster.";
    public static final String BACKOFF_MAX_CONFIG = PREFIX + ".connection.backoff.max";
    private static final String BACKOFF_MAX_DOC = "The longest wait in milliseconds between two attempts to reach "
            + "the cluster.";
    public static final String BACKOFF_MULTIPLIER_CONFIG = PREFIX + ".connection.backoff.multiplier";
    private static final String BACKOFF_MULTIPLIER_DOC = "How much longer each wait between attempts is than the one "
            + "before.";
    public static final String ROUTING_MODE_CONFIG = PREFIX + ".routing.mode";
    private static final String ROUTING_MODE_DOC = "ALL_MEMBERS: the client connects to every member and sends each "
            + "operation to the member that owns the data (fastest). SINGLE_MEMBER: one connection, for networks "
            + "where the client can reach only one member.";
    public static final String CLIENT_CONFIG_FILE_CONFIG = PREFIX + ".client.config";
    private static final String CLIENT_CONFIG_FILE_DOC = "Path to a Hazelcast client config file (.xml, .yaml or "
            + ".yml) on the worker, for everything else: near cache, discovery, Hazelcast Cloud, TLS (Enterprise). "
            + "Keys set in this connector config take precedence over the file. The sink always sets "
            + "hazelcast.client.operation.fail.on.indeterminate.state to true (a write whose backup was never "
            + "confirmed is sent again, not counted as done).";
    public static final String CLIENT_NAME_CONFIG = PREFIX + ".client.name";
    private static final String CLIENT_NAME_DOC = "Client name shown in Management Center; each task adds '-<n>' to keep names unique."
            + " Empty means streamgrid-hazelcast-sink.";
    public static final String CLIENT_LABELS_CONFIG = PREFIX + ".client.labels";
    private static final String CLIENT_LABELS_DOC = "Labels the client carries, shown in Management Center.";

    public static final String KEEP_ALIVE_CONFIG = PREFIX + ".connection.keep.alive";
    public static final String TCP_NO_DELAY_CONFIG = PREFIX + ".connection.tcp.no.delay";
    public static final String REUSE_ADDRESS_CONFIG = PREFIX + ".connection.reuse.address";
    public static final String LINGER_SECONDS_CONFIG = PREFIX + ".connection.linger.seconds";
    public static final String BUFFER_SIZE_CONFIG = PREFIX + ".connection.buffer.size";

    public static final String BATCH_SIZE_CONFIG = PREFIX + ".batch.size";
    private static final String BATCH_SIZE_DOC = "Most records one structure is sent in one batch; a statement's "
            + "BATCH clause overrides it. 0 (the default) takes 10,000. A batch goes in calls of at most this many "
            + "records; ringbuffers and reliable topics take at most 1,000 per call (Hazelcast's limit), so larger "
            + "batches go to them as several calls, in order. A map's setAll splits each call over the cluster's "
            + "partitions, so maps need large calls: 10,000 entries per call write several times faster than 1,000. "
            + "While a batch is in flight, up to 4 x this many records wait behind it.";
    /** What batch size 0 means. */
    private static final int DEFAULT_BATCH_SIZE = 10_000;
    public static final String LINGER_CONFIG = PREFIX + ".linger.ms";
    private static final String LINGER_DOC = "Milliseconds records may wait in the task for more records to join their "
            + "batch. 0 sends what each put() brings at once, for the lowest latency. Records are always written "
            + "before their offsets are committed.";
    public static final String MAX_IN_FLIGHT_CONFIG = PREFIX + ".max.in.flight";
    private static final String MAX_IN_FLIGHT_DOC = "Most batches the task has in flight at once, over all "
            + "structures, whether the task sends them or its follow-on thread sends the entries waiting behind an "
            + "acknowledged batch. Each structure has at most one batch in flight, so Kafka order within a partition is "
            + "kept.";
    public static final String MAX_STRUCTURES_CONFIG = PREFIX + ".max.structures";
    private static final String MAX_STRUCTURES_DOC = "Most Hazelcast structures one task writes to. A target named "
            + "from the data (INSERT INTO `telemetry_${site}`) opens a structure per value; a record that would open "
            + "one more is bad data (dead-letter queue or the error policy), so a typo in the data cannot open a "
            + "million ringbuffers. Such a structure closes again once a whole offset commit interval passed without "
            + "records for it, and counts no longer (metric open-structures).";
    public static final String WRITE_TIMEOUT_CONFIG = PREFIX + ".write.timeout";
    private static final String WRITE_TIMEOUT_DOC = "Milliseconds a batch may take before it counts as failed and the "
            + "error policy applies. The timed-out batch makes no further call to Hazelcast, and nothing more is sent to "
            + "its structure (neither its retry nor newer records) until the calls it had made have ended, so that "
            + "none of them can land over a newer value.";

    static final ConfigAliases ALIASES = new ConfigAliases(
            Map.of(PREFIX + ".sink.kcql", KCQL_CONFIG,
                    PREFIX + ".sink.cluster.members", MEMBERS_CONFIG,
                    PREFIX + ".group.name", CLUSTER_NAME_CONFIG,
                    PREFIX + ".sink.group.name", CLUSTER_NAME_CONFIG,
                    PREFIX + ".sink.retry.interval", PREFIX + "." + ErrorPolicyConfig.RETRY_INTERVAL_SUFFIX),
            Map.of(PREFIX + ".group.password", "Hazelcast clusters have no group password since 4.0; use the "
                            + "client config file (connect.hazelcast.client.config) for security settings",
                    PREFIX + ".sink.group.password", "Hazelcast clusters have no group password since 4.0; use the "
                            + "client config file (connect.hazelcast.client.config) for security settings",
                    PREFIX + ".parallel.write", "every structure is always written in parallel, in batches",
                    PREFIX + ".threadpool.size", "writes are asynchronous; see connect.hazelcast.max.in.flight",
                    PREFIX + ".connection.retries", "the client retries for connect.hazelcast.cluster.connect.timeout "
                            + "milliseconds instead of a number of times",
                    PREFIX + ".ssl.", "TLS needs the Hazelcast Enterprise client; configure it in the client config "
                            + "file (connect.hazelcast.client.config)"));

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<KcqlStatement> statements;

    public HazelcastSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        KcqlConfig.define(def, KCQL_CONFIG, KCQL_DOC, KCQL_GROUP, 1, KCQL, new SharedStructures());

        int order = 0;
        def.define(MEMBERS_CONFIG, Type.LIST, "localhost:5701", new NonEmptyList(), Importance.HIGH, MEMBERS_DOC,
                        CLUSTER_GROUP, ++order, Width.LONG, "Cluster members")
                .define(CLUSTER_NAME_CONFIG, Type.STRING, "dev", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        CLUSTER_NAME_DOC, CLUSTER_GROUP, ++order, Width.MEDIUM, "Cluster name")
                .define(CONNECTION_TIMEOUT_CONFIG, Type.INT, 5000, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        CONNECTION_TIMEOUT_DOC, CLUSTER_GROUP, ++order, Width.SHORT, "Connection timeout (ms)")
                .define(CLUSTER_CONNECT_TIMEOUT_CONFIG, Type.LONG, 20_000L, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM, CLUSTER_CONNECT_TIMEOUT_DOC, CLUSTER_GROUP, ++order, Width.SHORT,
                        "Cluster connect timeout (ms)")
                .define(CLUSTER_OUTAGE_TIMEOUT_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM, CLUSTER_OUTAGE_TIMEOUT_DOC, CLUSTER_GROUP, ++order, Width.SHORT,
                        "Cluster outage timeout (ms)")
                .define(BACKOFF_INITIAL_CONFIG, Type.INT, 500, ConfigDef.Range.atLeast(0), Importance.LOW,
                        BACKOFF_INITIAL_DOC, CLUSTER_GROUP, ++order, Width.SHORT, "Initial back-off (ms)")
                .define(BACKOFF_MAX_CONFIG, Type.INT, 5000, ConfigDef.Range.atLeast(0), Importance.LOW,
                        BACKOFF_MAX_DOC, CLUSTER_GROUP, ++order, Width.SHORT, "Maximum back-off (ms)")
                .define(BACKOFF_MULTIPLIER_CONFIG, Type.DOUBLE, 1.5, ConfigDef.Range.atLeast(1.0), Importance.LOW,
                        BACKOFF_MULTIPLIER_DOC, CLUSTER_GROUP, ++order, Width.SHORT, "Back-off multiplier")
                .define(ROUTING_MODE_CONFIG, Type.STRING, "ALL_MEMBERS",
                        ConfigDef.CaseInsensitiveValidString.in("ALL_MEMBERS", "SINGLE_MEMBER"), Importance.LOW,
                        ROUTING_MODE_DOC, CLUSTER_GROUP, ++order, Width.SHORT, "Routing mode")
                .define(CLIENT_CONFIG_FILE_CONFIG, Type.STRING, "", Importance.LOW, CLIENT_CONFIG_FILE_DOC,
                        CLUSTER_GROUP, ++order, Width.LONG, "Client config file")
                .define(CLIENT_NAME_CONFIG, Type.STRING, "", Importance.LOW, CLIENT_NAME_DOC, CLUSTER_GROUP, ++order,
                        Width.MEDIUM, "Client name")
                .define(CLIENT_LABELS_CONFIG, Type.LIST, "", Importance.LOW, CLIENT_LABELS_DOC, CLUSTER_GROUP,
                        ++order, Width.MEDIUM, "Client labels");

        order = 0;
        def.define(KEEP_ALIVE_CONFIG, Type.BOOLEAN, true, Importance.LOW, "Whether TCP keep-alive is on.",
                        SOCKET_GROUP, ++order, Width.SHORT, "Keep alive")
                .define(TCP_NO_DELAY_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                        "Whether Nagle's algorithm is off (true sends small packets at once).",
                        SOCKET_GROUP, ++order, Width.SHORT, "TCP no delay")
                .define(REUSE_ADDRESS_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                        "Whether a socket may bind to an address still in TIME_WAIT.",
                        SOCKET_GROUP, ++order, Width.SHORT, "Reuse address")
                .define(LINGER_SECONDS_CONFIG, Type.INT, 3, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Seconds a closing socket waits to send what is left (0 turns lingering off).",
                        SOCKET_GROUP, ++order, Width.SHORT, "Linger (s)")
                .define(BUFFER_SIZE_CONFIG, Type.INT, 128, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Socket send and receive buffer size in kilobytes.",
                        SOCKET_GROUP, ++order, Width.SHORT, "Buffer size (KB)");

        order = 0;
        def.define(BATCH_SIZE_CONFIG, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM, BATCH_SIZE_DOC,
                        WRITE_GROUP, ++order, Width.SHORT, "Batch size")
                .define(LINGER_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, LINGER_DOC,
                        WRITE_GROUP, ++order, Width.SHORT, "Linger (ms)")
                .define(MAX_IN_FLIGHT_CONFIG, Type.INT, 16, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MAX_IN_FLIGHT_DOC, WRITE_GROUP, ++order, Width.SHORT, "Maximum batches in flight")
                .define(WRITE_TIMEOUT_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        WRITE_TIMEOUT_DOC, WRITE_GROUP, ++order, Width.SHORT, "Write timeout (ms)")
                .define(MAX_STRUCTURES_CONFIG, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MAX_STRUCTURES_DOC, WRITE_GROUP, ++order, Width.SHORT, "Maximum structures per task");

        // A lost member or a full structure usually passes: retry by default; THROW is one setting away.
        ErrorPolicyConfig.define(def, PREFIX, ERROR_GROUP, 1, ErrorPolicy.RETRY);
        return def;
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    public List<String> members() {
        return getList(MEMBERS_CONFIG).stream().map(String::trim).filter(m -> !m.isEmpty()).toList();
    }

    public String clusterName() {
        return getString(CLUSTER_NAME_CONFIG);
    }

    public int connectionTimeoutMs() {
        return getInt(CONNECTION_TIMEOUT_CONFIG);
    }

    public long clusterConnectTimeoutMs() {
        return getLong(CLUSTER_CONNECT_TIMEOUT_CONFIG);
    }

    /** How long an outage is waited out; zero: for as long as it takes. */
    public Duration clusterOutageTimeout() {
        return Duration.ofMillis(getLong(CLUSTER_OUTAGE_TIMEOUT_CONFIG));
    }

    public int backoffInitialMs() {
        return getInt(BACKOFF_INITIAL_CONFIG);
    }

    public int backoffMaxMs() {
        return getInt(BACKOFF_MAX_CONFIG);
    }

    public double backoffMultiplier() {
        return getDouble(BACKOFF_MULTIPLIER_CONFIG);
    }

    public boolean singleMemberRouting() {
        return getString(ROUTING_MODE_CONFIG).trim().equalsIgnoreCase("SINGLE_MEMBER");
    }

    public String clientConfigFile() {
        return getString(CLIENT_CONFIG_FILE_CONFIG).trim();
    }

    public String clientName() {
        String name = getString(CLIENT_NAME_CONFIG).trim();
        return name.isEmpty() ? "streamgrid-hazelcast-sink" : name;
    }

    public List<String> clientLabels() {
        return getList(CLIENT_LABELS_CONFIG);
    }

    public boolean keepAlive() {
        return getBoolean(KEEP_ALIVE_CONFIG);
    }

    public boolean tcpNoDelay() {
        return getBoolean(TCP_NO_DELAY_CONFIG);
    }

    public boolean reuseAddress() {
        return getBoolean(REUSE_ADDRESS_CONFIG);
    }

    public int lingerSeconds() {
        return getInt(LINGER_SECONDS_CONFIG);
    }

    public int bufferSizeKb() {
        return getInt(BUFFER_SIZE_CONFIG);
    }

    /** The batch size where the statement has no BATCH clause. */
    public int batchSize() {
        int configured = getInt(BATCH_SIZE_CONFIG);
        return configured > 0 ? configured : DEFAULT_BATCH_SIZE;
    }

    public Duration linger() {
        return Duration.ofMillis(getLong(LINGER_CONFIG));
    }

    public int maxStructures() {
        return getInt(MAX_STRUCTURES_CONFIG);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT_CONFIG);
    }

    public Duration writeTimeout() {
        return Duration.ofMillis(getLong(WRITE_TIMEOUT_CONFIG));
    }

    public ErrorPolicyConfig errorPolicy() {
        return ErrorPolicyConfig.from(this, PREFIX);
    }

    /** True when the user set {@code key} (the client config file must not override it then). */
    public boolean isSet(String key) {
        return originals().containsKey(key);
    }



    /** Writes docs/...-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws IOException {
        ConfigDocs.writeReference("Hazelcast sink configuration", CONFIG_DEF, args);
    }

    /** A LIST that must hold at least one non-blank entry. */
    private static final class NonEmptyList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> list = (List<?>) value;
            if (list == null || list.stream().allMatch(v -> v == null || v.toString().isBlank())) {
                throw new ConfigException(name, value, "must name at least one member");
            }
        }

        @Override
        public String toString() {
            return "non-empty list";
        }
    }
}
