package io.streamgrid.mqtt.sink;

import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.ErrorPolicy;
import io.streamgrid.common.config.ErrorPolicyConfig;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.metrics.TaskIds;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.mqtt.connection.MqttConnectionConfig;
import io.streamgrid.mqtt.transport.MqttTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** The MQTT sink's configuration: the single place its keys, defaults, docs and validators live. */
public final class MqttSinkConfig extends AbstractConfig {

    public static final String PREFIX = MqttConnectionConfig.PREFIX;

    /** What the MQTT sink accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.MQTT_SINK.capabilities();

    private static final String KCQL_GROUP = "KCQL";
    private static final String DELIVERY_GROUP = "Delivery";
    private static final String ERRORS_GROUP = "Errors";

    public static final String KCQL_CONFIG = PREFIX + ".kcql";
    public static final String QOS_CONFIG = PREFIX + ".service.quality";
    public static final String RETAINED_CONFIG = PREFIX + ".retained";
    public static final String MAX_IN_FLIGHT_CONFIG = PREFIX + ".max.in.flight";
    public static final String MAX_PACKET_SIZE_CONFIG = PREFIX + ".max.packet.size";
    public static final String OUTAGE_TIMEOUT_CONFIG = PREFIX + ".broker.outage.timeout";
    public static final String ERROR_POLICY_CONFIG = PREFIX + "." + ErrorPolicyConfig.POLICY_SUFFIX;

    /** stream-reactor's sink keys: docs/migrating-from-stream-reactor.md lists each, MqttSinkConfigTest checks it. */
    static final ConfigAliases ALIASES = new ConfigAliases(
            Map.of(MqttConnectionConfig.OLD_CONNECTION_TIMEOUT_CONFIG, MqttConnectionConfig.CONNECTION_TIMEOUT_CONFIG,
                    PREFIX + ".retained.messages", RETAINED_CONFIG),
            Map.of(PREFIX + ".clean", "the sink always starts a clean session and publishes again, itself, whatever "
                            + "the broker had not acknowledged when a connection was lost",
                    PREFIX + ".converter.throw.on.error", "the sink has no converters: a record it cannot publish is a "
                            + "bad record, for the dead-letter queue or " + ERROR_POLICY_CONFIG));

    public static final ConfigDef CONFIG_DEF = configDef();

    private final List<KcqlStatement> statements;
    private final MqttConnectionConfig connection;

    public MqttSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
        this.connection = MqttConnectionConfig.from(this);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        MqttConnectionConfig.define(def, "publishes");
        KcqlConfig.define(def, KCQL_CONFIG, "One or more statements separated by ';', each INSERT INTO <mqtt topic> "
                        + "SELECT <fields> FROM <kafka topic> [IGNORE ...] [WHERE condition] [WITHFORMAT JSON|TEXT|BINARY] "
                        + "[PROPERTIES('qos' = '1', 'retain' = 'false', 'response.topic' = '...', 'correlation.data' = "
                        + "'...', 'message.expiry' = '30')]. The MQTT topic and the properties may take values from "
                        + "each record: devices/${device_id}/cmd, ${_key}, ${_header.name}, ${_topic}; a value that "
                        + "is missing, empty, or holds '/', '+' or '#' makes the record a bad record.",
                KCQL_GROUP, 1, KCQL, SinkStatement::check);
        def.define(QOS_CONFIG, Type.INT, 1, ConfigDef.Range.between(0, 2), Importance.MEDIUM,
                        "QoS to publish with, unless a statement says PROPERTIES('qos' = 'n') or a record has the "
                                + "header mqtt.qos. QoS 1 and 2 messages count as delivered when the broker "
                                + "acknowledges them (PUBACK, PUBCOMP); QoS 0 messages once they are written to the "
                                + "connection, and may be lost.",
                        KCQL_GROUP, 2, Width.SHORT, "QoS")
                .define(RETAINED_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                        "Whether messages are published retained, unless a statement says PROPERTIES('retain' = ...) "
                                + "or a record has the header mqtt.retain. With retain, a record with a null value (a "
                                + "tombstone) publishes an empty retained message, which clears the topic's retained "
                                + "message; without, tombstones are skipped and counted in skipped-total. Old name "
                                + "(stream-reactor's): " + PREFIX + ".retained.messages.",
                        KCQL_GROUP, 3, Width.SHORT, "Retained");
        int order = 0;
        def.define(MAX_IN_FLIGHT_CONFIG, Type.INT, 100, ConfigDef.Range.between(1, 65_535), Importance.MEDIUM,
                        "How many messages the task publishes before the broker acknowledged them: the window that "
                                + "bounds throughput (each message waits for its acknowledgement before its record's "
                                + "offset may be committed). MQTT 5: at most the Receive Maximum the broker sets "
                                + "when the client connects (mosquitto: max_inflight_messages, 20 by default).",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Messages in flight")
                .define(MAX_PACKET_SIZE_CONFIG, Type.LONG, MqttTransport.MQTT_MAXIMUM_PACKET_SIZE,
                        ConfigDef.Range.between(64L, MqttTransport.MQTT_MAXIMUM_PACKET_SIZE), Importance.LOW,
                        "The largest MQTT packet (payload, topic and properties) the broker takes, in bytes; a record "
                                + "whose message is larger is a bad record. MQTT 5 brokers may say their own limit "
                                + "when the client connects, and the smaller applies; MQTT 3.1.1 brokers cannot, and "
                                + "mosquitto disconnects a 3.1.1 client that sends more than its max_packet_size: "
                                + "set this to the broker's limit.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Maximum packet size (bytes)")
                .define(OUTAGE_TIMEOUT_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "Milliseconds the task waits out a broker it cannot reach (the connection is lost) before it "
                                + "fails, counted from the first put that finds a window's worth of messages waiting "
                                + "for the broker; 0 (the default) waits for as long as it takes. Meanwhile records "
                                + "wait in Kafka (nothing past the last acknowledged record is committed), the client "
                                + "reconnects by itself, and the metric connected is 0. Applies to error policy "
                                + "RETRY; THROW fails the task at once and NOOP drops the waiting records. A broker "
                                + "that stays connected but acknowledges nothing for "
                                + MqttConnectionConfig.CONNECTION_TIMEOUT_CONFIG
                                + " seconds is not an outage but a failed write: retried " + PREFIX + "."
                                + ErrorPolicyConfig.MAX_RETRIES_SUFFIX + " times, " + PREFIX + "."
                                + ErrorPolicyConfig.RETRY_INTERVAL_SUFFIX + " apart.",
                        DELIVERY_GROUP, ++order, Width.SHORT, "Broker outage timeout (ms)");
        ErrorPolicyConfig.define(def, PREFIX, ERRORS_GROUP, 1, ErrorPolicy.RETRY);
        return def;
    }

    public List<KcqlStatement> statements() {
        return statements;
    }

    /** The connection settings the sink shares with the source. */
    public MqttConnectionConfig connection() {
        return connection;
    }

    /** This task's client id: {@code <client.id or connector name>-<task number>}. */
    public String clientId() {
        String task = originalsStrings().getOrDefault(TaskIds.TASK_ID_CONFIG, "0");
        return connection.clientId(originals().get("name"), "streamgrid-mqtt-sink", Integer.parseInt(task));
    }

    public int defaultQos() {
        return getInt(QOS_CONFIG);
    }

    public boolean defaultRetain() {
        return getBoolean(RETAINED_CONFIG);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT_CONFIG);
    }

    public long maxPacketSize() {
        return getLong(MAX_PACKET_SIZE_CONFIG);
    }

    /** How long an outage is waited out; zero: for as long as it takes. */
    public Duration outageTimeout() {
        return Duration.ofMillis(getLong(OUTAGE_TIMEOUT_CONFIG));
    }

    public ErrorPolicyConfig errorPolicy() {
        return ErrorPolicyConfig.from(this, PREFIX);
    }

    /** Writes docs/mqtt-sink-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws java.io.IOException {
        ConfigDocs.writeReference("MQTT sink configuration", CONFIG_DEF, args);
    }
}
