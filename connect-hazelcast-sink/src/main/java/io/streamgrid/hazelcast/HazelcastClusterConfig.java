package io.streamgrid.hazelcast;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Config fragment for the connection to a Hazelcast cluster, shared by the Hazelcast sink and source: the members,
 * the cluster name, the client config file, timeouts, back-off, outage handling and socket options. Both connectors
 * define these keys through {@link #define} only, so a key means the same in both; {@link HazelcastClients} and
 * {@link ClusterConnection} take this record, whichever connector runs them.
 *
 * @param keysSet the fragment's keys the user set (the client config file must not override those)
 */
public record HazelcastClusterConfig(List<String> members, String clusterName, int connectionTimeoutMs,
                                     long clusterConnectTimeoutMs, Duration clusterOutageTimeout,
                                     int backoffInitialMs, int backoffMaxMs, double backoffMultiplier,
                                     boolean singleMemberRouting, String clientConfigFile, String clientName,
                                     List<String> clientLabels, boolean keepAlive, boolean tcpNoDelay,
                                     boolean reuseAddress, int lingerSeconds, int bufferSizeKb, Set<String> keysSet) {

    public static final String PREFIX = "connect.hazelcast";
    public static final String CLUSTER_GROUP = "Cluster";
    public static final String SOCKET_GROUP = "Socket";

    public static final String MEMBERS_CONFIG = PREFIX + ".cluster.members";
    public static final String CLUSTER_NAME_CONFIG = PREFIX + ".cluster.name";
    public static final String CONNECTION_TIMEOUT_CONFIG = PREFIX + ".connection.timeout";
    public static final String CLUSTER_CONNECT_TIMEOUT_CONFIG = PREFIX + ".cluster.connect.timeout";
    public static final String CLUSTER_OUTAGE_TIMEOUT_CONFIG = PREFIX + ".cluster.outage.timeout";
    public static final String BACKOFF_INITIAL_CONFIG = PREFIX + ".connection.backoff.initial";
    public static final String BACKOFF_MAX_CONFIG = PREFIX + ".connection.backoff.max";
    public static final String BACKOFF_MULTIPLIER_CONFIG = PREFIX + ".connection.backoff.multiplier";
    public static final String ROUTING_MODE_CONFIG = PREFIX + ".routing.mode";
    public static final String CLIENT_CONFIG_FILE_CONFIG = PREFIX + ".client.config";
    public static final String CLIENT_NAME_CONFIG = PREFIX + ".client.name";
    public static final String CLIENT_LABELS_CONFIG = PREFIX + ".client.labels";
    public static final String KEEP_ALIVE_CONFIG = PREFIX + ".connection.keep.alive";
    public static final String TCP_NO_DELAY_CONFIG = PREFIX + ".connection.tcp.no.delay";
    public static final String REUSE_ADDRESS_CONFIG = PREFIX + ".connection.reuse.address";
    public static final String LINGER_SECONDS_CONFIG = PREFIX + ".connection.linger.seconds";
    public static final String BUFFER_SIZE_CONFIG = PREFIX + ".connection.buffer.size";

    private static final List<String> KEYS = List.of(MEMBERS_CONFIG, CLUSTER_NAME_CONFIG, CONNECTION_TIMEOUT_CONFIG,
            CLUSTER_CONNECT_TIMEOUT_CONFIG, CLUSTER_OUTAGE_TIMEOUT_CONFIG, BACKOFF_INITIAL_CONFIG, BACKOFF_MAX_CONFIG,
            BACKOFF_MULTIPLIER_CONFIG, ROUTING_MODE_CONFIG, CLIENT_CONFIG_FILE_CONFIG, CLIENT_NAME_CONFIG,
            CLIENT_LABELS_CONFIG, KEEP_ALIVE_CONFIG, TCP_NO_DELAY_CONFIG, REUSE_ADDRESS_CONFIG, LINGER_SECONDS_CONFIG,
            BUFFER_SIZE_CONFIG);

    /**
     * What the docs of the shared keys say that differs between the connectors: each sentence is the connector's
     * own, so the generated settings pages tell each connector's users what happens to them.
     *
     * @param defaultClientName the client name when none is set ({@code streamgrid-hazelcast-sink})
     * @param oldMembersNames   the docs' note on old names of the members key ("" for none)
     * @param oldClusterNames   the docs' note on old names of the cluster name key ("" for none)
     * @param whileAway         what a task does that starts without its cluster, e.g. "its records wait, retried,
     *                          until the cluster is there"
     * @param duringOutage      what happens while the task waits out an outage, after "Meanwhile "
     * @param clientFileNote    what the connector always sets over the client config file ("" for nothing)
     */
    public record Role(String defaultClientName, String oldMembersNames, String oldClusterNames, String whileAway,
                       String duringOutage, String clientFileNote) {
    }

    public HazelcastClusterConfig {
        members = List.copyOf(members);
        clientLabels = List.copyOf(clientLabels);
        keysSet = Set.copyOf(keysSet);
    }

    /** Defines the cluster keys in the Cluster group and the socket keys in the Socket group, each from order 1. */
    public static void define(ConfigDef def, Role role) {
        int order = 0;
        def.define(MEMBERS_CONFIG, Type.LIST, "localhost:5701", new NonEmptyList(), Importance.HIGH,
                        "Addresses (host or host:port) of Hazelcast members the client connects to first; it learns "
                                + "the rest of the cluster from them." + role.oldMembersNames(),
                        CLUSTER_GROUP, ++order, Width.LONG, "Cluster members")
                .define(CLUSTER_NAME_CONFIG, Type.STRING, "dev", new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "Name of the Hazelcast cluster to join as a client." + role.oldClusterNames(),
                        CLUSTER_GROUP, ++order, Width.MEDIUM, "Cluster name")
                .define(CONNECTION_TIMEOUT_CONFIG, Type.INT, 5000, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Milliseconds one attempt to open a connection to a member may take.",
                        CLUSTER_GROUP, ++order, Width.SHORT, "Connection timeout (ms)")
                .define(CLUSTER_CONNECT_TIMEOUT_CONFIG, Type.LONG, 20_000L, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM, "Milliseconds a task waits at start for its first connection to the "
                                + "cluster, and validate waits to check the cluster can be reached. A task whose "
                                + "cluster is not there by then starts all the same and logs a warning: "
                                + role.whileAway() + " (see " + CLUSTER_OUTAGE_TIMEOUT_CONFIG + "). The client never "
                                + "gives up reconnecting.",
                        CLUSTER_GROUP, ++order, Width.SHORT, "Cluster connect timeout (ms)")
                .define(CLUSTER_OUTAGE_TIMEOUT_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM, "Milliseconds the task waits out a cluster it cannot reach before it "
                                + "fails; 0 (the default) waits for as long as it takes. Meanwhile "
                                + role.duringOutage(),
                        CLUSTER_GROUP, ++order, Width.SHORT, "Cluster outage timeout (ms)")
                .define(BACKOFF_INITIAL_CONFIG, Type.INT, 500, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Milliseconds the client waits before its second attempt to reach the cluster.",
                        CLUSTER_GROUP, ++order, Width.SHORT, "Initial back-off (ms)")
                .define(BACKOFF_MAX_CONFIG, Type.INT, 5000, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "The longest wait in milliseconds between two attempts to reach the cluster.",
                        CLUSTER_GROUP, ++order, Width.SHORT, "Maximum back-off (ms)")
                .define(BACKOFF_MULTIPLIER_CONFIG, Type.DOUBLE, 1.5, ConfigDef.Range.atLeast(1.0), Importance.LOW,
                        "How much longer each wait between attempts is than the one before.",
                        CLUSTER_GROUP, ++order, Width.SHORT, "Back-off multiplier")
                .define(ROUTING_MODE_CONFIG, Type.STRING, "ALL_MEMBERS",
                        ConfigDef.CaseInsensitiveValidString.in("ALL_MEMBERS", "SINGLE_MEMBER"), Importance.LOW,
                        "ALL_MEMBERS: the client connects to every member and sends each operation to the member "
                                + "that owns the data (fastest). SINGLE_MEMBER: one connection, for networks where "
                                + "the client can reach only one member.",
                        CLUSTER_GROUP, ++order, Width.SHORT, "Routing mode")
                .define(CLIENT_CONFIG_FILE_CONFIG, Type.STRING, "", Importance.LOW,
                        "Path to a Hazelcast client config file (.xml, .yaml or .yml) on the worker, for everything "
                                + "else: near cache, discovery, Hazelcast Cloud, TLS (Enterprise). Keys set in this "
                                + "connector config take precedence over the file." + role.clientFileNote(),
                        CLUSTER_GROUP, ++order, Width.LONG, "Client config file")
                .define(CLIENT_NAME_CONFIG, Type.STRING, "", Importance.LOW,
                        "Client name shown in Management Center; each task adds '-<n>' to keep names unique. Empty "
                                + "means " + role.defaultClientName() + ".",
                        CLUSTER_GROUP, ++order, Width.MEDIUM, "Client name")
                .define(CLIENT_LABELS_CONFIG, Type.LIST, "", Importance.LOW,
                        "Labels the client carries, shown in Management Center.", CLUSTER_GROUP, ++order,
                        Width.MEDIUM, "Client labels");

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
    }

    /** The settings of a config whose ConfigDef {@link #define} filled; {@code defaultClientName} as in its Role. */
    public static HazelcastClusterConfig from(AbstractConfig config, String defaultClientName) {
        String name = config.getString(CLIENT_NAME_CONFIG).trim();
        Set<String> set = KEYS.stream().filter(config.originals()::containsKey).collect(Collectors.toSet());
        return new HazelcastClusterConfig(
                config.getList(MEMBERS_CONFIG).stream().map(String::trim).filter(m -> !m.isEmpty()).toList(),
                config.getString(CLUSTER_NAME_CONFIG), config.getInt(CONNECTION_TIMEOUT_CONFIG),
                config.getLong(CLUSTER_CONNECT_TIMEOUT_CONFIG),
                Duration.ofMillis(config.getLong(CLUSTER_OUTAGE_TIMEOUT_CONFIG)), config.getInt(BACKOFF_INITIAL_CONFIG),
                config.getInt(BACKOFF_MAX_CONFIG), config.getDouble(BACKOFF_MULTIPLIER_CONFIG),
                config.getString(ROUTING_MODE_CONFIG).trim().equalsIgnoreCase("SINGLE_MEMBER"),
                config.getString(CLIENT_CONFIG_FILE_CONFIG).trim(), name.isEmpty() ? defaultClientName : name,
                config.getList(CLIENT_LABELS_CONFIG), config.getBoolean(KEEP_ALIVE_CONFIG),
                config.getBoolean(TCP_NO_DELAY_CONFIG), config.getBoolean(REUSE_ADDRESS_CONFIG),
                config.getInt(LINGER_SECONDS_CONFIG), config.getInt(BUFFER_SIZE_CONFIG), set);
    }

    /** True when the user set {@code key} (the client config file must not override it then). */
    public boolean isSet(String key) {
        return keysSet.contains(key);
    }

    /** "the Hazelcast cluster 'dev' at [h:5701]", for messages. */
    public String describe() {
        return "the Hazelcast cluster '" + clusterName + "' at " + members;
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
