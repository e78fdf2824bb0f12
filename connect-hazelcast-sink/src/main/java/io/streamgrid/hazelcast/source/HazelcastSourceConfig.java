package io.streamgrid.hazelcast.source;

import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.hazelcast.HazelcastClusterConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The Hazelcast source's configuration: the single place its keys, defaults, docs and validators live. */
public final class HazelcastSourceConfig extends AbstractConfig {

    /** The prefix of the keys only the source has; the KCQL and cluster keys are the sink's. */
    public static final String PREFIX = HazelcastClusterConfig.PREFIX + ".source";

    /** What the source accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.HAZELCAST_SOURCE.capabilities();

    private static final String KCQL_GROUP = "KCQL";
    private static final String READ_GROUP = "Reading";
    private static final String QUEUE_GROUP = "Queue";

    public static final String KCQL_CONFIG = HazelcastClusterConfig.PREFIX + ".kcql";
    private static final String KCQL_DOC = "One or more KCQL statements separated by ';', each INSERT INTO <kafka "
            + "topic> SELECT <fields> FROM <structure> WITHTYPE RELIABLE_TOPIC|RING_BUFFER|MAP_JOURNAL [IGNORE ...] "
            + "[WHERE condition] [WITHKEY(f, ...)] [KEYDELIMITER = 'c'] [WITHFORMAT JSON|TEXT] [BATCH = n] "
            + "[PROPERTIES('start' = 'earliest'|'latest', 'envelope' = 'true', 'headers' = 'false')]. RELIABLE_TOPIC "
            + "reads every message "
            + "published to a reliable topic, RING_BUFFER every item added to a ringbuffer, MAP_JOURNAL every change "
            + "of a map from its event journal (event-journal enabled for the map on the members). The Kafka topic "
            + "may take parts from the data: ${field}, ${_key}. start: where a structure is read from when the "
            + "connector has no offset for it: latest for RELIABLE_TOPIC (what is published from now on, as a "
            + "topic's listeners get it), earliest for RING_BUFFER and MAP_JOURNAL (every item or change they still "
            + "hold). MAP_JOURNAL writes an entry's new value keyed by the entry's key, and a tombstone for REMOVED, "
            + "EVICTED and EXPIRED, so a compacted topic mirrors the map; envelope = true writes {event, key, "
            + "old_value, new_value} instead. headers = false leaves the hazelcast.* headers out of the records (WHERE, "
            + "SELECT and WITHKEY still read them). WITHFORMAT JSON: strings and bytes must be "
            + "JSON; TEXT: strings stay text; without it, a string holding a JSON object becomes a struct. BATCH: "
            + "most items one read takes, at most 1000 (the default).";

    public static final String GAP_POLICY_CONFIG = PREFIX + ".gap.policy";
    private static final String GAP_POLICY_DOC = "What the task does when the next item it would read is no longer "
            + "there: the ringbuffer or event journal overwrote it (it wrapped while the connector was stopped or "
            + "behind). Either way the loss is logged at WARN with the structure, the partition and how many items, "
            + "and counted in lost-total. FAIL (the default): the task fails once the items read before the gap are "
            + "in Kafka; set SKIP (or reset the connector's offsets) to go on. SKIP: go on from the oldest item still "
            + "there.";

    public static final String HEARTBEAT_INTERVAL_CONFIG = PREFIX + ".heartbeat.interval";
    public static final String HEARTBEAT_TOPIC_CONFIG = PREFIX + ".heartbeat.topic";
    public static final long HEARTBEAT_INTERVAL_DEFAULT = 10_000L;
    public static final String HEARTBEAT_TOPIC_DEFAULT = "__hazelcast-source-heartbeats";
    private static final String HEARTBEAT_INTERVAL_DOC = "Milliseconds between heartbeats; 0 sends none. Kafka "
            + "Connect commits a source offset only with a record, so a structure whose items make no record (a "
            + "reliable topic nobody published to since the task started, items a WHERE keeps out or bad items "
            + "skipped) keeps no offset: a restarted task would start such a reliable topic again at 'latest' and "
            + "miss what was published while it was down, or find its old offset overwritten and report a gap. A "
            + "heartbeat is a small record to " + HEARTBEAT_TOPIC_CONFIG + " whose offset is such a structure's "
            + "position (as Debezium's heartbeat.interval.ms); a structure whose records carry its position gets "
            + "none. The first go at the task's first poll, so an idle topic's start is kept at once.";
    private static final String HEARTBEAT_TOPIC_DOC = "The Kafka topic of the heartbeats (key: type:structure:"
            + "partition; value: structure, type, partition, sequence, cluster). Where brokers do not create topics "
            + "on first use (auto.create.topics.enable=false), create it (one partition; compaction keeps the last "
            + "of each key): the worker waits for a topic that is not there, and the task's records behind it (the "
            + "task logs a WARN after a minute).";

    /** Set by the connector: which share of each map's journal partitions a task reads, "index/count". */
    static final String TASK_SLICE_CONFIG = PREFIX + ".task.slice";

    /** What the task does at a gap. */
    public enum GapPolicy {
        /** Fail the task, naming the structure, the partition and how many items were lost. */
        FAIL,
        /** Go on from the oldest item still there. */
        SKIP
    }

    /** The client name where none is set. */
    private static final String DEFAULT_CLIENT_NAME = "streamgrid-hazelcast-source";
    /** What the shared cluster keys' docs say of the source. */
    private static final HazelcastClusterConfig.Role ROLE = new HazelcastClusterConfig.Role(DEFAULT_CLIENT_NAME, "",
            "", "it reads once the cluster is there",
            "the task reads nothing (each structure is tried again every second), the metric connected is 0, and "
                    + "once the cluster is back every structure is read on from the next sequence; a structure the "
                    + "cluster lost meanwhile (all its members restarted) starts again at its oldest item, logged at "
                    + "WARN.", "");

    static final ConfigAliases ALIASES = new ConfigAliases(Map.of(), Map.of());

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<KcqlStatement> statements;
    private final HazelcastClusterConfig cluster;

    public HazelcastSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
        this.cluster = HazelcastClusterConfig.from(this, DEFAULT_CLIENT_NAME);
        slice(); // checks it
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        KcqlConfig.define(def, KCQL_CONFIG, KCQL_DOC, KCQL_GROUP, 1, KCQL, new SourceStatements.Check());
        HazelcastClusterConfig.define(def, ROLE);
        def.define(GAP_POLICY_CONFIG, Type.STRING, GapPolicy.FAIL.name(),
                ConfigDef.CaseInsensitiveValidString.in(Arrays.stream(GapPolicy.values()).map(Enum::name)
                        .toArray(String[]::new)), Importance.MEDIUM, GAP_POLICY_DOC, READ_GROUP, 1, Width.SHORT,
                "Gap policy");
        BadMessagePolicy.define(def, PREFIX, "an item the source cannot read (a value of a Java class the worker "
                + "does not have, a Compact record whose schema the cluster no longer has, WITHFORMAT JSON on text "
                + "that is not JSON) or cannot name a Kafka topic for", "", "", READ_GROUP, 2);
        def.define(HEARTBEAT_INTERVAL_CONFIG, Type.LONG, HEARTBEAT_INTERVAL_DEFAULT, ConfigDef.Range.atLeast(0),
                Importance.MEDIUM, HEARTBEAT_INTERVAL_DOC, READ_GROUP, 3, Width.SHORT, "Heartbeat interval (ms)");
        def.define(HEARTBEAT_TOPIC_CONFIG, Type.STRING, HEARTBEAT_TOPIC_DEFAULT, new KafkaTopicName(),
                Importance.MEDIUM, HEARTBEAT_TOPIC_DOC, READ_GROUP, 4, Width.MEDIUM, "Heartbeat topic");
        SourceQueueConfig.define(def, PREFIX, "Hazelcast items", "When it is full the task stops reading until "
                + "poll() has taken items; nothing is lost meanwhile, the items wait in their structures (mind their "
                + "capacity).", QUEUE_GROUP);
        def.defineInternal(TASK_SLICE_CONFIG, Type.STRING, "0/1", Importance.LOW);
        return def;
    }

    /** A Kafka topic name, as the generated docs name it. */
    private static final class KafkaTopicName implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !SourceStatement.isKafkaTopic(value.toString().trim())) {
                throw new ConfigException(name, value, "a Kafka topic name: letters, digits, '.', '_' and '-', at "
                        + "most 249");
            }
        }

        @Override
        public String toString() {
            return "a Kafka topic name";
        }
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    /** The cluster settings, which the source shares with the Hazelcast sink. */
    public HazelcastClusterConfig cluster() {
        return cluster;
    }

    public GapPolicy gapPolicy() {
        return GapPolicy.valueOf(getString(GAP_POLICY_CONFIG).trim().toUpperCase(Locale.ROOT));
    }

    public BadMessagePolicy badMessagePolicy() {
        return BadMessagePolicy.from(this, PREFIX);
    }

    /** The dead-letter topic under DLQ, else null. */
    public String deadLetterTopic() {
        return BadMessagePolicy.deadLetterTopic(this, PREFIX);
    }

    /** Milliseconds between heartbeats, 0 for none. */
    public long heartbeatInterval() {
        return getLong(HEARTBEAT_INTERVAL_CONFIG);
    }

    public String heartbeatTopic() {
        return getString(HEARTBEAT_TOPIC_CONFIG).trim();
    }

    public SourceQueueConfig queue() {
        return SourceQueueConfig.from(this, PREFIX);
    }

    /** Which share of each map's journal partitions this task reads: those whose id % count == index. */
    public TaskSlice slice() {
        String value = getString(TASK_SLICE_CONFIG).trim();
        String[] parts = value.split("/");
        try {
            TaskSlice slice = new TaskSlice(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            if (parts.length == 2 && slice.count() > 0 && slice.index() >= 0 && slice.index() < slice.count()) {
                return slice;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new ConfigException(TASK_SLICE_CONFIG, value, "must be <index>/<count>, 0 <= index < count");
    }

    /** A task's share of the journal partitions. */
    public record TaskSlice(int index, int count) {
        public boolean reads(int partition) {
            return partition % count == index;
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    /** Writes docs/...-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws IOException {
        ConfigDocs.writeReference("Hazelcast source configuration", CONFIG_DEF, args);
    }
}
