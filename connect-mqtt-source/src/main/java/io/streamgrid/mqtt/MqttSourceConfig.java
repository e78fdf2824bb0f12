package io.streamgrid.mqtt;

import io.streamgrid.common.config.BadMessagePolicy;
import io.streamgrid.common.config.ConfigAliases;
import io.streamgrid.common.config.ConfigDocs;
import io.streamgrid.common.config.KcqlConfig;
import io.streamgrid.common.config.SourceQueueConfig;
import io.streamgrid.kcql.KcqlCapabilities;
import io.streamgrid.kcql.KcqlConnector;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.mqtt.connection.MqttConnectionConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** The MQTT source's configuration: the single place its keys, defaults, docs and validators live. */
public final class MqttSourceConfig extends AbstractConfig {

    public static final String PREFIX = MqttConnectionConfig.PREFIX;

    /** What the MQTT source accepts of KCQL, declared in kcql-parser so the KCQL checker applies it too. */
    public static final KcqlCapabilities KCQL = KcqlConnector.MQTT.capabilities();

    private static final String KCQL_GROUP = "KCQL";
    private static final String QUEUE_GROUP = "Queue";

    public static final String CLEAN_CONFIG = PREFIX + ".clean";
    public static final String RECEIVE_MAXIMUM_CONFIG = PREFIX + ".receive.maximum";
    public static final String SESSION_EXPIRY_CONFIG = PREFIX + ".session.expiry";

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
            Map.of(MqttConnectionConfig.OLD_CONNECTION_TIMEOUT_CONFIG, MqttConnectionConfig.CONNECTION_TIMEOUT_CONFIG,
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
    private final MqttConnectionConfig connection;

    public MqttSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, ALIASES.resolve(props));
        this.statements = List.copyOf(KcqlConfig.statements(this, KCQL_CONFIG, KCQL));
        this.connection = MqttConnectionConfig.from(this);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = MqttConnectionConfig.define(def, "subscribes");
        String group = MqttConnectionConfig.CONNECTION_GROUP;
        def.define(CLEAN_CONFIG, Type.BOOLEAN, false, Importance.HIGH,
                        "false (default): a persistent session; the broker keeps subscriptions and the QoS 1 and 2 "
                                + "messages not yet acknowledged while the task is away, and sends them again to the "
                                + "same client id. true: every connection starts empty; messages sent while away are "
                                + "lost.",
                        group, ++order, Width.SHORT, "Clean session")
                .define(RECEIVE_MAXIMUM_CONFIG, Type.INT, 65_535, ConfigDef.Range.between(1, 65_535),
                        Importance.MEDIUM, "MQTT 5: how many QoS 1 and 2 messages the broker may send this client "
                                + "before it has acknowledged them. The task acknowledges only after Kafka has the "
                                + "records, so this window bounds throughput (with 3.1.1 the broker alone decides: "
                                + "mosquitto's default is 20).",
                        group, ++order, Width.SHORT, "Receive maximum")
                .define(SESSION_EXPIRY_CONFIG, Type.LONG, 86_400L, ConfigDef.Range.between(0L, 4_294_967_295L),
                        Importance.MEDIUM, "MQTT 5: seconds the broker keeps the session (subscriptions and "
                                + "unacknowledged messages) after the client went away; 0 starts clean every time. "
                                + "It takes the place of " + CLEAN_CONFIG + " for MQTT 5.",
                        group, ++order, Width.SHORT, "Session expiry (s)");

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

    /** The connection settings the source shares with the sink. */
    public MqttConnectionConfig connection() {
        return connection;
    }

    /** The broker URIs as Paho takes them: tcp:// or ssl://, with the default port where none was given. */
    public List<String> hosts() {
        return connection.hosts();
    }

    /** This task's client id: {@code <client.id or connector name>-<task number>}. */
    public String clientId() {
        return connection.clientId(originals().get(CONNECTOR_NAME_CONFIG), "streamgrid-mqtt-source",
                getInt(TASK_INDEX_CONFIG));
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

    /** Writes docs/...-config.md (see the module's exec-maven-plugin), or prints it. */
    public static void main(String[] args) throws java.io.IOException {
        ConfigDocs.writeReference("MQTT source configuration", CONFIG_DEF, args);
    }
}
