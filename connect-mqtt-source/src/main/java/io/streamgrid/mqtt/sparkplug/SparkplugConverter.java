package io.streamgrid.mqtt.sparkplug;

import io.streamgrid.mqtt.converter.PayloadConverter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WITHCONVERTER = `sparkplug`}: Sparkplug B messages ({@code spBv1.0/<group>/<type>/<edge node>[/<device>]})
 * as records, by default one per metric, keyed {@code group/edge_node[/device]/metric} so a compacted topic or a
 * keyed map holds the latest value of every metric. Metric names come from the edge node's last BIRTH when a
 * DATA message carries only aliases; an alias no BIRTH defined, or a gap in {@code seq}, is counted and logged,
 * and with {@code PROPERTIES('sparkplug.rebirth' = 'true')} the edge node is asked for a rebirth (an NCMD with
 * {@code Node Control/Rebirth = true}), at most once per {@link #REBIRTH_INTERVAL_MS} per node.
 * {@code PROPERTIES('sparkplug.records' = 'message')} gives one record per message with its metrics in an array.
 * Deaths (NDEATH, DDEATH) are records too, so a device-state map can mark devices offline.
 */
public final class SparkplugConverter implements PayloadConverter {

    public static final String RECORDS = "sparkplug.records";
    public static final String REBIRTH = "sparkplug.rebirth";
    static final String NAMESPACE = "spBv1.0";
    static final long REBIRTH_INTERVAL_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SparkplugConverter.class);

    /** What a Sparkplug converter tells its task: counts, and rebirth requests to publish. */
    public interface Events {
        Events NONE = new Events() {
        };

        default void unresolvedAlias(String edgeNode, long alias) {
        }

        default void sequenceGap(String edgeNode, long expected, long got) {
        }

        /** Publishes a rebirth request; the task's MQTT client sends it. */
        default void publish(String topic, byte[] payload) {
        }
    }

    private static final Schema METRIC_FIELDS_SCHEMA = metricFields(SchemaBuilder.struct()
            .name("io.streamgrid.mqtt.SparkplugMetricValue").optional()).build();
    static final Schema METRIC_SCHEMA = metricFields(header(SchemaBuilder.struct()
            .name("io.streamgrid.mqtt.SparkplugMetric"))).build();
    static final Schema MESSAGE_SCHEMA = header(SchemaBuilder.struct().name("io.streamgrid.mqtt.SparkplugMessage"))
            .field("metrics", SchemaBuilder.array(METRIC_FIELDS_SCHEMA).build()).build();

    private boolean perMessage;
    private boolean rebirth;
    private Events events = Events.NONE;
    private String filter;
    /** Per edge node ({@code group/edge_node}): the aliases of its last BIRTH, its last seq, its last rebirth request. */
    private final Map<String, NodeState> nodes = new HashMap<>();

    private static final class NodeState {
        final Map<Long, String> aliases = new HashMap<>();
        /** The datatypes the BIRTHs gave, by alias and by name: DATA messages may leave them out. */
        final Map<Object, DataType> types = new HashMap<>();
        long lastSeq = -1;
        /** Whether an NBIRTH came since the task started (with or without a seq). */
        boolean born;
        /** When the last rebirth request went out; -1: none yet. */
        long lastRebirthRequestMs = -1;
    }

    private static SchemaBuilder header(SchemaBuilder builder) {
        return builder.field("group_id", Schema.STRING_SCHEMA)
                .field("message_type", Schema.STRING_SCHEMA)
                .field("edge_node_id", Schema.STRING_SCHEMA)
                .field("device_id", Schema.OPTIONAL_STRING_SCHEMA)
                .field("seq", Schema.OPTIONAL_INT64_SCHEMA)
                .field("payload_timestamp", Schema.OPTIONAL_INT64_SCHEMA);
    }

    private static SchemaBuilder metricFields(SchemaBuilder builder) {
        return builder.field("metric", Schema.OPTIONAL_STRING_SCHEMA)
                .field("alias", Schema.OPTIONAL_INT64_SCHEMA)
                .field("timestamp", Schema.OPTIONAL_INT64_SCHEMA)
                .field("datatype", Schema.OPTIONAL_STRING_SCHEMA)
                .field("int_value", Schema.OPTIONAL_INT32_SCHEMA)
                .field("long_value", Schema.OPTIONAL_INT64_SCHEMA)
                .field("float_value", Schema.OPTIONAL_FLOAT32_SCHEMA)
                .field("double_value", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("boolean_value", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("string_value", Schema.OPTIONAL_STRING_SCHEMA)
                .field("bytes_value", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("is_null", Schema.BOOLEAN_SCHEMA)
                .field("is_historical", Schema.BOOLEAN_SCHEMA)
                .field("is_transient", Schema.BOOLEAN_SCHEMA);
    }

    @Override
    public void configure(Map<String, String> properties) {
        String records = properties.getOrDefault(RECORDS, "metric").trim().toLowerCase(Locale.ROOT);
        if (!records.equals("metric") && !records.equals("message")) {
            throw new IllegalArgumentException(RECORDS + " is metric or message, not " + properties.get(RECORDS));
        }
        perMessage = records.equals("message");
        String wantsRebirth = properties.getOrDefault(REBIRTH, "false").trim().toLowerCase(Locale.ROOT);
        if (!wantsRebirth.equals("true") && !wantsRebirth.equals("false")) {
            throw new IllegalArgumentException(REBIRTH + " is true or false, not " + properties.get(REBIRTH));
        }
        rebirth = wantsRebirth.equals("true");
    }

    /** The statement's topic filter: a rebirth is asked for only where the statement receives the BIRTH. */
    public void filter(String topicFilter) {
        this.filter = topicFilter;
    }

    /** Where counts and rebirth requests go; set by the task once its MQTT client is there. */
    public void events(Events events) {
        this.events = events;
    }

    @Override
    public boolean structured() {
        return true;
    }

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        List<Converted> all = convertAll(mqttTopic, payload);
        if (all.size() != 1) {
            throw new DataException("this Sparkplug message gives " + all.size() + " records, not one");
        }
        return all.get(0).value();
    }

    @Override
    public List<Converted> convertAll(String mqttTopic, byte[] payload) {
        Topic topic = Topic.parse(mqttTopic);
        if (topic.type().equals("STATE")) { // a host application's state: JSON, not a Sparkplug payload
            Struct state = new Struct(perMessage ? MESSAGE_SCHEMA : METRIC_SCHEMA).put("group_id", "")
                    .put("message_type", "STATE").put("edge_node_id", topic.edgeNode());
            if (perMessage) {
                state.put("metrics", List.of());
            } else {
                state.put("string_value", new String(payload, java.nio.charset.StandardCharsets.UTF_8))
                        .put("is_null", false).put("is_historical", false).put("is_transient", false);
            }
            return List.of(new Converted("STATE/" + topic.edgeNode(), new SchemaAndValue(state.schema(), state)));
        }
        SparkplugPayload message = SparkplugPayload.decode(payload);
        NodeState node = nodes.computeIfAbsent(topic.node(), n -> new NodeState());
        track(topic, message, node);
        List<Struct> metrics = new ArrayList<>();
        for (SparkplugPayload.Metric received : message.metrics()) {
            SparkplugPayload.Metric metric = received;
            String name = metric.name();
            if (topic.isBirth()) {
                if (metric.alias() != null) {
                    node.types.put(metric.alias(), metric.datatype());
                }
                if (name != null) {
                    node.types.put(name, metric.datatype());
                }
            } else if (metric.datatype() == DataType.UNKNOWN) {
                metric = metric.typed(node.types.get(metric.alias() != null ? metric.alias() : name));
            }
            if (topic.isBirth() && metric.alias() != null && name != null) {
                node.aliases.put(metric.alias(), name);
            } else if (name == null && metric.alias() != null) {
                name = node.aliases.get(metric.alias());
                if (name == null) {
                    events.unresolvedAlias(topic.node(), metric.alias());
                    LOG.warn("Sparkplug edge node {} sent alias {} on {} before any BIRTH defined it", topic.node(),
                            metric.alias(), mqttTopic);
                    requestRebirth(topic, node);
                }
            }
            metrics.add(metricValues(new Struct(perMessage ? METRIC_FIELDS_SCHEMA : METRIC_SCHEMA), metric, name));
        }
        if (perMessage) {
            Struct record = header(new Struct(MESSAGE_SCHEMA), topic, message).put("metrics", metrics);
            return List.of(new Converted(topic.node() + topic.deviceSuffix(), new SchemaAndValue(MESSAGE_SCHEMA, record)));
        }
        List<Converted> records = new ArrayList<>(Math.max(1, metrics.size()));
        for (Struct metric : metrics) {
            header(metric, topic, message);
            String name = metric.getString("metric");
            String key = topic.node() + topic.deviceSuffix() + "/"
                    + (name != null ? name : "alias:" + metric.getInt64("alias"));
            records.add(new Converted(key, new SchemaAndValue(METRIC_SCHEMA, metric)));
        }
        if (records.isEmpty()) { // a death or a birth without metrics is still a record of the node or device
            Struct empty = header(new Struct(METRIC_SCHEMA), topic, message).put("is_null", true)
                    .put("is_historical", false).put("is_transient", false);
            records.add(new Converted(topic.node() + topic.deviceSuffix(), new SchemaAndValue(METRIC_SCHEMA, empty)));
        }
        return records;
    }

    /** Checks seq (0..255, restarting at every NBIRTH) and remembers where the node is. */
    private void track(Topic topic, SparkplugPayload message, NodeState node) {
        if (topic.type().equals("NBIRTH")) {
            node.aliases.clear();
            node.types.clear();
            node.born = true;
            node.lastSeq = message.seq() == null ? -1 : message.seq();
            return;
        }
        if (topic.type().equals("NDEATH") || message.seq() == null || topic.type().endsWith("CMD")) {
            return;
        }
        long seq = message.seq();
        if (seq == node.lastSeq) {
            return; // the same message again (a QoS 1 redelivery), not a gap
        }
        if (node.lastSeq >= 0 && seq != (node.lastSeq + 1) % 256) {
            long expected = (node.lastSeq + 1) % 256;
            events.sequenceGap(topic.node(), expected, seq);
            LOG.warn("Sparkplug edge node {} sent seq {} where {} was next: messages were missed", topic.node(), seq,
                    expected);
            requestRebirth(topic, node);
        } else if (node.lastSeq < 0 && !node.born && !topic.isBirth()) {
            requestRebirth(topic, node); // no BIRTH seen since the task started: its aliases are unknown
        }
        node.lastSeq = seq;
    }

    private void requestRebirth(Topic topic, NodeState node) {
        long now = System.currentTimeMillis();
        if (!rebirth || (node.lastRebirthRequestMs >= 0 && now - node.lastRebirthRequestMs < REBIRTH_INTERVAL_MS)) {
            return;
        }
        String birth = NAMESPACE + "/" + topic.group() + "/NBIRTH/" + topic.edgeNode();
        if (filter != null && !io.streamgrid.mqtt.TopicFilters.matches(filter, birth)) {
            return; // the statement would never see the BIRTH it asks for: asking would only repeat, every 10 s
        }
        node.lastRebirthRequestMs = now;
        SparkplugPayload request = new SparkplugPayload(now, List.of(new SparkplugPayload.Metric(
                "Node Control/Rebirth", null, now, DataType.BOOLEAN, false, false, false, true)), null, null);
        String commandTopic = NAMESPACE + "/" + topic.group() + "/NCMD/" + topic.edgeNode();
        LOG.info("Asking Sparkplug edge node {} for a rebirth on {}", topic.node(), commandTopic);
        events.publish(commandTopic, request.encode());
    }

    private static Struct header(Struct struct, Topic topic, SparkplugPayload message) {
        return struct.put("group_id", topic.group()).put("message_type", topic.type())
                .put("edge_node_id", topic.edgeNode()).put("device_id", topic.device())
                .put("seq", message.seq()).put("payload_timestamp", message.timestamp());
    }

    private static Struct metricValues(Struct struct, SparkplugPayload.Metric metric, String name) {
        struct.put("metric", name).put("alias", metric.alias()).put("timestamp", metric.timestamp())
                .put("datatype", metric.datatype().name()).put("is_null", metric.isNull())
                .put("is_historical", metric.historical()).put("is_transient", metric.transientValue());
        Object value = metric.value();
        if (value != null) {
            String field = switch (metric.datatype().kind()) {
                case INT -> "int_value";
                case LONG -> "long_value";
                case FLOAT -> "float_value";
                case DOUBLE -> "double_value";
                case BOOLEAN -> "boolean_value";
                case STRING -> "string_value";
                case BYTES -> "bytes_value";
                case NONE -> null;
            };
            if (field != null) {
                struct.put(field, value);
            }
        }
        return struct;
    }

    /** {@code spBv1.0/<group>/<type>/<edge node>[/<device>]}. */
    record Topic(String group, String type, String edgeNode, String device) {
        static Topic parse(String mqttTopic) {
            String[] levels = mqttTopic.split("/", -1);
            if (levels.length == 3 && levels[0].equals(NAMESPACE) && levels[1].equals("STATE")) {
                return new Topic("", "STATE", levels[2], null); // spBv1.0/STATE/<host application>
            }
            if (levels.length < 4 || levels.length > 5 || !levels[0].equals(NAMESPACE)) {
                throw new DataException("'" + mqttTopic + "' is not a Sparkplug B topic: " + NAMESPACE
                        + "/<group>/<message type>/<edge node>[/<device>]");
            }
            return new Topic(levels[1], levels[2], levels[3], levels.length == 5 ? levels[4] : null);
        }

        String node() {
            return group + "/" + edgeNode;
        }

        String deviceSuffix() {
            return device == null ? "" : "/" + device;
        }

        boolean isBirth() {
            return type.equals("NBIRTH") || type.equals("DBIRTH");
        }
    }
}
