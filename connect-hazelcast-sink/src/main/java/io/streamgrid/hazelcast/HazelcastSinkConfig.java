package io.streamgrid.hazelcast;

import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.config.ErrorPolicyConfig;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.hazelcast.state.MemberModule;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** The Hazelcast sink's configuration: the single place its keys, defaults, docs and validators live. */
public final class HazelcastSinkConfig extends AbstractConfig {

    public static final String PREFIX = "connect.hazelcast";

    /**
     * What the sink accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too; its STOREAS types
     * are {@link StoreType}'s (StoreTypeTest holds the two lists together).
     */
    public static final KcqlCapabilities KCQL = KcqlConnector.SINK.capabilities();

    private static final String KCQL_GROUP = "KCQL";
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

    /** The client name where none is set. */
    private static final String DEFAULT_CLIENT_NAME = "streamgrid-hazelcast-sink";
    /** What the shared cluster keys' docs say of the sink. */
    private static final HazelcastClusterConfig.Role ROLE = new HazelcastClusterConfig.Role(DEFAULT_CLIENT_NAME,
            " Old name: connect.hazelcast.sink.cluster.members.",
            " Old names: connect.hazelcast.group.name, connect.hazelcast.sink.group.name.",
            "its records wait, retried, until the cluster is there",
            "records wait in Kafka (nothing past the last written record is committed), writes are retried every "
                    + "second (or every retry.interval, when shorter) without using up max.retries, and the metric "
                    + "connected is 0. Applies to error policy RETRY; THROW fails the task at once and NOOP drops the "
                    + "records.",
            " The sink always sets hazelcast.client.operation.fail.on.indeterminate.state to true (a write whose backup "
                    + "was never confirmed is sent again, not counted as done).");

    public static final String BATCH_SIZE_CONFIG = PREFIX + ".batch.size";
    private static final String BATCH_SIZE_DOC = "Most records one structure is sent in one batch; a statement's "
            + "BATCH clause overrides it. 0 (the default) takes 10,000. A batch goes in calls of at most this many "
            + "records; ringbuffers and reliable topics take at most 1,000 per call (Hazelcast's limit), so larger "
            + "batches go to them as several calls, in order. A map's setAll splits each call over the cluster's "
            + "partitions, so maps need large calls: 10,000 entries per call write several times faster than 1,000. "
            + "While a batch is in flight, up to 4 x this many records wait behind it. Old name: "
            + "connect.hazelcast.sink.batch.size.";
    /** What batch size 0 means. */
    private static final int DEFAULT_BATCH_SIZE = 10_000;
    public static final String LINGER_CONFIG = PREFIX + ".linger.ms";
    private static final String LINGER_DOC = "Milliseconds records may wait in the task for more records to join their "
            + "batch. 0 sends what each put() brings at once, for the lowest latency. Records are always written "
            + "before their offsets are committed.";
    public static final String MAX_IN_FLIGHT_CONFIG = PREFIX + ".max.in.flight";
    private static final String MAX_IN_FLIGHT_DOC = "Most batches the task has in flight at once, over all "
            + "structures, whether the task sends them or its follow-on thread sends the entries waiting behind an "
            + "acknowledged batch; a batch that timed out counts until its calls have ended. Each structure has at "
            + "most one batch in flight, so Kafka order within a partition is kept.";
    public static final String MAX_STRUCTURES_CONFIG = PREFIX + ".max.structures";
    private static final String MAX_STRUCTURES_DOC = "Most Hazelcast structures one task has open at once. A target "
            + "named from the data (INSERT INTO `telemetry_${site}`) opens a structure per value; a record that would "
            + "open one more is bad data (dead-letter queue or the error policy), so a typo in the data cannot open a "
            + "million ringbuffers. Such a structure closes again at an offset commit if it had no records since the "
            + "previous one, and counts no longer (metric open-structures).";
    public static final String WRITE_TIMEOUT_CONFIG = PREFIX + ".write.timeout";
    private static final String WRITE_TIMEOUT_DOC = "Milliseconds a batch may take before it counts as failed and the "
            + "error policy applies. The timed-out batch makes no further call to Hazelcast, and nothing more is sent to "
            + "its structure (neither its retry nor newer records) until the calls it had made have ended, so that "
            + "none of them can land over a newer value.";

    public static final String STATE_MODE_CONFIG = PREFIX + ".state.mode";
    private static final String STATE_MODE_DOC = "Where merging and version-guarded IMAP writes (STOREAS IMAP (merge = "
            + "true) or (version = field)) are made. auto (the default): on the members, by entry processors, when "
            + "every member has the jar streamgrid-hazelcast-member on its class path (the plugin's member/ folder), "
            + "else by the client's compare-and-set; the task asks the members at its first such write and again after "
            + "each reconnection. member: always on the members; a batch fails, saying so, while a member lacks the "
            + "jar. client: always the client's compare-and-set (a read and a compare-and-set per key). Both store the "
            + "same values. ICACHE targets always use the client's compare-and-set.";

    static final ConfigAliases ALIASES = new ConfigAliases(
            Map.of(PREFIX + ".sink.kcql", KCQL_CONFIG,
                    PREFIX + ".sink.cluster.members", HazelcastClusterConfig.MEMBERS_CONFIG,
                    PREFIX + ".group.name", HazelcastClusterConfig.CLUSTER_NAME_CONFIG,
                    PREFIX + ".sink.group.name", HazelcastClusterConfig.CLUSTER_NAME_CONFIG,
                    PREFIX + ".sink.retry.interval", PREFIX + "." + ErrorPolicyConfig.RETRY_INTERVAL_SUFFIX,
                    PREFIX + ".sink.error.policy", PREFIX + "." + ErrorPolicyConfig.POLICY_SUFFIX,
                    PREFIX + ".sink.max.retries", PREFIX + "." + ErrorPolicyConfig.MAX_RETRIES_SUFFIX,
                    // stream-reactor's key, misspelt as it shipped
                    PREFIX + ".max.retires", PREFIX + "." + ErrorPolicyConfig.MAX_RETRIES_SUFFIX,
                    PREFIX + ".sink.batch.size", BATCH_SIZE_CONFIG),
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
    private final HazelcastClusterConfig cluster;

    public HazelcastSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
        this.cluster = HazelcastClusterConfig.from(this, DEFAULT_CLIENT_NAME);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        KcqlConfig.define(def, KCQL_CONFIG, KCQL_DOC, KCQL_GROUP, 1, KCQL, new SharedStructures());

        HazelcastClusterConfig.define(def, ROLE);

        int order = 0;
        def.define(BATCH_SIZE_CONFIG, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM, BATCH_SIZE_DOC,
                        WRITE_GROUP, ++order, Width.SHORT, "Batch size")
                .define(LINGER_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, LINGER_DOC,
                        WRITE_GROUP, ++order, Width.SHORT, "Linger (ms)")
                .define(MAX_IN_FLIGHT_CONFIG, Type.INT, 16, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MAX_IN_FLIGHT_DOC, WRITE_GROUP, ++order, Width.SHORT, "Maximum batches in flight")
                .define(WRITE_TIMEOUT_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        WRITE_TIMEOUT_DOC, WRITE_GROUP, ++order, Width.SHORT, "Write timeout (ms)")
                .define(MAX_STRUCTURES_CONFIG, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MAX_STRUCTURES_DOC, WRITE_GROUP, ++order, Width.SHORT, "Maximum structures per task")
                .define(STATE_MODE_CONFIG, Type.STRING, "auto", ConfigDef.CaseInsensitiveValidString.in("auto", "member", "client"),
                        Importance.LOW, STATE_MODE_DOC, WRITE_GROUP, ++order, Width.SHORT, "Device state updates");

        // A lost member or a full structure usually passes: retry by default; THROW is one setting away.
        ErrorPolicyConfig.define(def, PREFIX, ERROR_GROUP, 1, ErrorPolicy.RETRY);
        return def;
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    /** The cluster settings, which the sink shares with the Hazelcast source. */
    public HazelcastClusterConfig cluster() {
        return cluster;
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

    public MemberModule.Mode stateMode() {
        return MemberModule.Mode.valueOf(getString(STATE_MODE_CONFIG).toUpperCase(Locale.ROOT));
    }

    public ErrorPolicyConfig errorPolicy() {
        return ErrorPolicyConfig.from(this, PREFIX);
    }

    /** Writes docs/...-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws IOException {
        ConfigDocs.writeReference("Hazelcast sink configuration", CONFIG_DEF, args);
    }
}
