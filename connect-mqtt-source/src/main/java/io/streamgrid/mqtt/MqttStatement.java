package io.streamgrid.mqtt;

import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.KeyFields;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.Condition;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.Position;
import io.streamgrid.kcql.SelectedField;
import io.streamgrid.mqtt.converter.PayloadConverter;
import io.streamgrid.mqtt.converter.PayloadConverters;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;

/**
 * One statement at work in a task: which MQTT topics it takes, at which QoS, how their payloads become
 * values and keys, and which Kafka topic they go to.
 */
final class MqttStatement {

    static final String DYNAMIC_TARGET = "$";
    static final String QOS_PROPERTY = "qos";
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final KcqlStatement statement;
    private final int qos;
    private final PayloadConverter converter;
    private final FieldProjection projection;
    private final KeyFields keyFields;
    /** The WHERE condition, or null. */
    private final RecordFilter where;
    /** The target as a template, and a reader of the payload fields it names. */
    private final NameTemplate target;
    private final RecordFields fields = new RecordFields();

    private MqttStatement(KcqlStatement statement, int qos, PayloadConverter converter) {
        this.statement = statement;
        this.where = RecordFilter.of(statement);
        this.target = NameTemplate.parse(statement.target());
        this.qos = qos;
        this.converter = converter;
        FieldProjection fields = FieldProjection.of(statement);
        this.projection = fields.isIdentity() ? null : fields;
        this.keyFields = KeyFields.of(statement);
    }

    /**
     * The target as a template: {@code telemetry_${2}} takes the MQTT topic's second level, {@code mqtt_${topic}}
     * the whole MQTT topic (as {@code `$`} maps it), {@code t_${site}} a payload field.
     */
    private static NameTemplate targetTemplate(KcqlStatement statement) {
        try {
            NameTemplate template = NameTemplate.parse(statement.target());
            for (String reference : template.references()) {
                if (!isTopicReference(reference) && FieldPath.parse(reference).kind() != io.streamgrid.kcql.FieldKind.VALUE) {
                    throw new IllegalArgumentException("'${" + reference + "}' is not a topic level (${1}, ${2}, ...), "
                            + "${topic} or a payload field");
                }
            }
            return template;
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(statement.positionAfter("INTO", statement.target()), statement.target(),
                    "the Kafka topic is named after the message with ${...}: " + e.getMessage());
        }
    }

    private static boolean isTopicReference(String reference) {
        return reference.equals("topic") || reference.chars().allMatch(Character::isDigit);
    }

    /** A statement check for the kcql key: throws the KcqlException a compile would. */
    static void check(KcqlStatement statement) {
        compile(statement, 1);
    }

    /** Compiles a statement; any fault is a KcqlException with its position. */
    static MqttStatement compile(KcqlStatement statement, int defaultQos) {
        String problem = TopicFilters.problem(statement.source());
        if (problem != null) {
            throw statement.errorAt(statement.positionAfter("FROM", statement.source()), statement.source(), "FROM '" + statement.source()
                    + "' is not an MQTT topic filter: " + problem);
        }
        String target = statement.target();
        NameTemplate template = targetTemplate(statement);
        if (!template.isConstant()) {
            String literal = template.literalText();
            if (!literal.isEmpty() && !KAFKA_TOPIC.matcher(literal).matches()) {
                throw statement.errorAt(statement.positionAfter("INTO", target), target, "'" + target + "' has "
                        + "characters a Kafka topic name cannot hold outside its ${...} (letters, digits, '.', '_' "
                        + "and '-')");
            }
        } else if (!target.equals(DYNAMIC_TARGET) && (!KAFKA_TOPIC.matcher(target).matches() || target.equals(".")
                || target.equals(".."))) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, "'" + target + "' is not a Kafka topic name (letters, "
                    + "digits, '.', '_' and '-', at most 249); write INSERT INTO `$` to name each Kafka topic after "
                    + "its MQTT topic");
        }
        Map<String, String> properties = statement.properties();
        int qos = defaultQos;
        if (properties.containsKey(QOS_PROPERTY)) {
            String value = properties.get(QOS_PROPERTY).trim();
            if (!value.equals("0") && !value.equals("1") && !value.equals("2")) {
                throw statement.errorAt(position(statement, Clause.PROPERTIES), "PROPERTIES",
                        "qos is 0, 1 or 2, not " + value);
            }
            qos = Integer.parseInt(value);
        }
        String converterName = statement.converter().orElse(PayloadConverters.DEFAULT);
        PayloadConverter converter;
        try {
            converter = PayloadConverters.create(converterName, properties);
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(position(statement, Clause.WITHCONVERTER), converterName, e.getMessage());
        }
        if (converter instanceof io.streamgrid.mqtt.sparkplug.SparkplugConverter && statement.source().startsWith("$share/")) {
            throw statement.errorAt(statement.positionAfter("FROM", statement.source()), statement.source(), "a shared "
                    + "subscription spreads an edge node's messages over tasks, but Sparkplug B needs every message "
                    + "of an edge node in one place (its BIRTH names the aliases of its DATA); subscribe without $share");
        }
        MqttStatement compiled = new MqttStatement(statement, qos, converter);
        boolean namesTopicAfterPayload = template.references().stream().anyMatch(r -> !isTopicReference(r));
        if (!converter.structured() && namesTopicAfterPayload) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, "the Kafka topic is named after "
                    + "a payload field, which needs a converter that makes structs: json, json-schema or avro "
                    + "(WITHCONVERTER = `json`), not " + converterName + "; ${1}, ${2}, ... name MQTT topic levels "
                    + "and ${topic} the whole MQTT topic");
        }
        boolean readsPayloadInWhere = statement.where().stream().flatMap(c -> c.fields().stream())
                .anyMatch(f -> f.path().kind() == io.streamgrid.kcql.FieldKind.VALUE);
        if (!converter.structured() && readsPayloadInWhere && compiled.projection == null
                && compiled.keyFields == null) {
            Condition.Operand.Field first = statement.where().orElseThrow().fields().stream()
                    .filter(f -> f.path().kind() == io.streamgrid.kcql.FieldKind.VALUE).findFirst().orElseThrow();
            throw statement.errorAt(first.position(), first.written(), "WHERE reads fields of the payload, so it needs "
                    + "a converter that makes structs: json, json-schema or avro (WITHCONVERTER = `json`), not "
                    + converterName);
        }
        if (!converter.structured() && (compiled.projection != null || compiled.keyFields != null)) {
            throw statement.errorAt(payloadFieldPosition(statement), statement.source(), "SELECT fields, IGNORE and WITHKEY read "
                    + "fields of the payload, so they need a converter that makes structs: json, json-schema or "
                    + "avro (WITHCONVERTER = `json`), not " + converterName);
        }
        return compiled;
    }

    /** Where the statement first reads a field of the payload: a selected field, then IGNORE, then WITHKEY. */
    private static Position payloadFieldPosition(KcqlStatement statement) {
        for (SelectedField field : statement.fields()) {
            if (!field.isSelectAll() && field.path().kind() == io.streamgrid.kcql.FieldKind.VALUE
                    && !field.path().segments().isEmpty()) {
                return statement.positionInSelect(field.path().segments().get(0));
            }
        }
        if (!statement.ignore().isEmpty() && !statement.ignore().get(0).segments().isEmpty()) {
            return statement.positionIn(Clause.IGNORE, statement.ignore().get(0).segments().get(0));
        }
        if (!statement.keyFields().isEmpty() && !statement.keyFields().get(0).segments().isEmpty()) {
            return statement.positionIn(Clause.WITHKEY, statement.keyFields().get(0).segments().get(0));
        }
        return statement.start();
    }

    private static Position position(KcqlStatement statement, Clause clause) {
        return statement.clausePositions().getOrDefault(clause, statement.start());
    }

    String filter() {
        return statement.source();
    }

    int qos() {
        return qos;
    }

    boolean isShared() {
        return TopicFilters.isShared(statement.source());
    }

    boolean matches(String mqttTopic) {
        return TopicFilters.matches(statement.source(), mqttTopic);
    }

    /** The Kafka topic of a message: the target, or the one its template gives; one it cannot give is bad data. */
    String kafkaTopic(String mqttTopic, SchemaAndValue converted) {
        if (target.isConstant() && !statement.target().equals(DYNAMIC_TARGET)) {
            return statement.target();
        }
        try {
            if (target.isConstant()) {
                return TopicFilters.kafkaTopic(mqttTopic);
            }
            String topic = target.resolve(reference -> topicPart(reference, mqttTopic, converted));
            if (!KAFKA_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw new IllegalArgumentException("'" + topic + "' is not a Kafka topic name");
            }
            return topic;
        } catch (IllegalArgumentException e) {
            throw new DataException("the Kafka topic of the message on " + mqttTopic + ": " + e.getMessage(), e);
        } finally {
            fields.release();
        }
    }

    private Object topicPart(String reference, String mqttTopic, SchemaAndValue converted) {
        if (reference.equals("topic")) {
            return TopicFilters.kafkaTopic(mqttTopic);
        }
        if (reference.chars().allMatch(Character::isDigit)) {
            String[] levels = mqttTopic.split("/", -1);
            int level = Integer.parseInt(reference);
            if (level < 1 || level > levels.length) {
                throw new IllegalArgumentException("'${" + reference + "}' names level " + level + ", but the topic has "
                        + levels.length);
            }
            return TopicFilters.kafkaTopic(levels[level - 1]);
        }
        Object value = fields.read(RecordView.ofValue(mqttTopic, converted.schema(), converted.value()),
                FieldPath.parse(reference));
        if (value == null) {
            return null;
        }
        if (value instanceof Struct || value instanceof Map || value instanceof java.util.Collection) {
            throw new IllegalArgumentException("'${" + reference + "}' is a " + value.getClass().getSimpleName()
                    + ", not a value a name can hold");
        }
        return TopicFilters.kafkaTopic(String.valueOf(value));
    }

    /** The record key: the WITHKEY field values joined by KEYDELIMITER, else null (the caller uses the topic). */
    String key(String mqttTopic, SchemaAndValue converted) {
        return keyFields == null ? null : keyFields.key(RecordView.ofValue(mqttTopic, converted.schema(),
                converted.value()), "the message on " + mqttTopic);
    }

    /**
     * Whether the statement's WHERE keeps the converted message (always, without WHERE); the condition sees the
     * payload's fields, the record's headers and {@code _topic} as the MQTT topic.
     */
    boolean keeps(String mqttTopic, long arrivalMs, SchemaAndValue converted, Headers headers) {
        return where == null || where.keeps(new RecordView(mqttTopic, null, null, arrivalMs, null, null,
                converted.schema(), converted.value(), headers));
    }

    /**
     * Every record the payload gives, each with the key its converter gives it (null: none); not yet projected, so
     * WHERE and WITHKEY can read fields the SELECT list drops.
     */
    List<PayloadConverter.Converted> convertAll(String mqttTopic, byte[] payload) {
        return converter.convertAll(mqttTopic, payload);
    }

    PayloadConverter converter() {
        return converter;
    }

    SchemaAndValue project(String mqttTopic, SchemaAndValue converted) {
        return projection == null ? converted
                : projection.apply(RecordView.ofValue(mqttTopic, converted.schema(), converted.value()));
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
