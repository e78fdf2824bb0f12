package io.streamgrid.mqtt.sink;

import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.SelectedField;
import io.streamgrid.mqtt.transport.MqttTransport.Mqtt5Properties;
import io.streamgrid.mqtt.transport.MqttTransport.Outgoing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * One KCQL statement of the MQTT sink at work: which records of its Kafka topic it publishes (WHERE), to which MQTT
 * topic (a template), with which QoS and retain flag (PROPERTIES, overridden per record by the headers
 * {@code mqtt.qos} and {@code mqtt.retain}), which payload (the selected fields as JSON, TEXT or BINARY) and, with
 * MQTT 5, which properties (from the record's {@code mqtt.*} headers, else the statement's PROPERTIES).
 */
final class SinkStatement {

    static final String QOS = "qos";
    static final String RETAIN = "retain";
    static final String RESPONSE_TOPIC = "response.topic";
    static final String CORRELATION_DATA = "correlation.data";
    static final String MESSAGE_EXPIRY = "message.expiry";
    /** The PROPERTIES that make MQTT 5 properties, which 3.1.1 cannot carry. */
    static final List<String> MQTT5_PROPERTIES = List.of(RESPONSE_TOPIC, CORRELATION_DATA, MESSAGE_EXPIRY);
    private static final Set<String> PROPERTIES = Set.of(QOS, RETAIN, RESPONSE_TOPIC, CORRELATION_DATA,
            MESSAGE_EXPIRY);
    /** stream-reactor's PROPERTIES key that made the target a field's name; here the topic names its fields. */
    private static final String STREAM_REACTOR_TARGET_FROM_FIELD = "mqtt.target.from.field";
    private static final long MAX_MESSAGE_EXPIRY = 4_294_967_295L;
    private static final String MQTT_TOPIC_LIMIT = "65,535 bytes";

    private final KcqlStatement statement;
    private final int number;
    private final RecordTemplate topic;
    private final int qos;
    private final boolean retain;
    private final FieldProjection projection;
    private final Payloads payloads;
    private final RecordFilter where;
    /** The statement's MQTT 5 properties, null where it sets none. */
    private final RecordTemplate responseTopic;
    private final RecordTemplate correlationData;
    private final RecordTemplate messageExpiry;
    private final RecordFields fields = new RecordFields();
    /** The top-level value fields the templates read from JSON text; the scan that finds them also checks the text. */
    private final Set<String> scannedFields;
    /** Whether a JSON text value goes out as it is: SELECT * and WITHFORMAT JSON. */
    private final boolean jsonTextAsIs;

    private SinkStatement(KcqlStatement statement, int number, RecordTemplate topic, int qos, boolean retain,
                          RecordTemplate responseTopic, RecordTemplate correlationData, RecordTemplate messageExpiry) {
        this.statement = statement;
        this.number = number;
        this.topic = topic;
        this.qos = qos;
        this.retain = retain;
        this.responseTopic = responseTopic;
        this.correlationData = correlationData;
        this.messageExpiry = messageExpiry;
        this.projection = FieldProjection.of(statement);
        this.payloads = new Payloads(statement.formatOr(Format.JSON));
        this.where = RecordFilter.of(statement);
        Set<String> scanned = new HashSet<>(topic.topLevelFields());
        for (RecordTemplate property : new RecordTemplate[] {responseTopic, correlationData, messageExpiry}) {
            if (property != null) {
                scanned.addAll(property.topLevelFields());
            }
        }
        this.scannedFields = Set.copyOf(scanned);
        this.jsonTextAsIs = projection.isIdentity() && statement.formatOr(Format.JSON) == Format.JSON;
    }

    /** A statement check for the kcql key: throws the KcqlException a compile would. */
    static void check(KcqlStatement statement) {
        compile(statement, 1, 1, false);
    }

    /**
     * Compiles a statement; any fault is a KcqlException with its position.
     *
     * @param number        the statement's place in the KCQL, from 1 (its filtered-total metric's tag)
     * @param defaultQos    the QoS where the statement does not say PROPERTIES('qos' = ...)
     * @param defaultRetain the retain flag where it does not say PROPERTIES('retain' = ...)
     */
    static SinkStatement compile(KcqlStatement statement, int number, int defaultQos, boolean defaultRetain) {
        RecordTemplate topic = topicTemplate(statement);
        Map<String, String> properties = statement.properties();
        for (String key : properties.keySet()) {
            if (key.equals(STREAM_REACTOR_TARGET_FROM_FIELD)) {
                throw propertyError(statement, key, "'" + key + "' is stream-reactor's: here the topic takes the "
                        + "field's value itself, INSERT INTO ${" + statement.target() + "}");
            }
            if (!PROPERTIES.contains(key)) {
                throw propertyError(statement, key, "the MQTT sink does not know the property '" + key + "'; it takes "
                        + String.join(", ", PROPERTIES.stream().sorted().toList()));
            }
        }
        int qos = defaultQos;
        if (properties.containsKey(QOS)) {
            String value = properties.get(QOS).trim();
            if (!value.equals("0") && !value.equals("1") && !value.equals("2")) {
                throw propertyError(statement, QOS, "qos is 0, 1 or 2, not '" + value + "'");
            }
            qos = Integer.parseInt(value);
        }
        boolean retain = defaultRetain;
        if (properties.containsKey(RETAIN)) {
            String value = properties.get(RETAIN).trim();
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw propertyError(statement, RETAIN, "retain is true or false, not '" + value + "'");
            }
            retain = Boolean.parseBoolean(value);
        }
        RecordTemplate responseTopic = propertyTemplate(statement, RESPONSE_TOPIC, "the response topic");
        if (responseTopic != null) {
            String problem = topicNameProblem(responseTopic.template().literalText(), responseTopic.isConstant());
            if (problem != null) {
                throw propertyError(statement, RESPONSE_TOPIC, "'" + responseTopic + "' is not an MQTT topic name: "
                        + problem);
            }
        }
        RecordTemplate correlationData = propertyTemplate(statement, CORRELATION_DATA, "the correlation data");
        RecordTemplate messageExpiry = propertyTemplate(statement, MESSAGE_EXPIRY, "the message expiry");
        if (messageExpiry != null && messageExpiry.isConstant()) {
            try {
                expirySeconds(messageExpiry.toString());
            } catch (IllegalArgumentException e) {
                throw propertyError(statement, MESSAGE_EXPIRY, e.getMessage());
            }
        }
        Format format = statement.formatOr(Format.JSON);
        if (format != Format.JSON && !statement.selectsAll() && statement.fields().size() != 1) {
            throw statement.errorAt(statement.clausePositions().get(Clause.WITHFORMAT), "WITHFORMAT",
                    "WITHFORMAT " + format + " publishes one value: select one field (or *, for a value that is a "
                            + (format == Format.TEXT ? "string" : "bytes") + " itself), not "
                            + statement.fields().size());
        }
        return new SinkStatement(statement, number, topic, qos, retain, responseTopic, correlationData,
                messageExpiry);
    }

    private static RecordTemplate topicTemplate(KcqlStatement statement) {
        RecordTemplate topic;
        try {
            topic = RecordTemplate.parse("the MQTT topic", statement.target(), true);
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(statement.positionAfter("INTO", statement.target()), statement.target(),
                    "the MQTT topic takes values from the record with ${...}: " + e.getMessage());
        }
        String problem = topicNameProblem(topic.template().literalText(), topic.isConstant());
        if (problem != null) {
            throw statement.errorAt(statement.positionAfter("INTO", statement.target()), statement.target(),
                    "'" + statement.target() + "' is not an MQTT topic name to publish to: " + problem);
        }
        String target = statement.target();
        if (topic.isConstant() && (target.equalsIgnoreCase("_key") || target.equalsIgnoreCase("_topic"))) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, "INSERT INTO " + target
                    + " published to the topic the record's " + target.substring(1).toLowerCase(Locale.ROOT)
                    + " names in stream-reactor; here that is INSERT INTO ${" + target.toLowerCase(Locale.ROOT)
                    + "} (this would publish every record to the topic '" + target + "')");
        }
        checkSelected(statement, topic, statement.target(), statement.positionAfter("INTO", statement.target()));
        return topic;
    }

    private static RecordTemplate propertyTemplate(KcqlStatement statement, String key, String what) {
        String written = statement.properties().get(key);
        if (written == null) {
            return null;
        }
        RecordTemplate template;
        try {
            template = RecordTemplate.parse(what, written, key.equals(RESPONSE_TOPIC));
        } catch (IllegalArgumentException e) {
            throw propertyError(statement, key, "'" + key + "' takes values from the record with ${...}: "
                    + e.getMessage());
        }
        checkSelected(statement, template, key, statement.positionIn(Clause.PROPERTIES, key));
        return template;
    }

    /**
     * A template may read a value field only if the SELECT list takes it (by name, by a parent, or with *): a
     * misspelt field is then refused when the connector is configured, not found missing in every record. Key,
     * header and metadata fields ({@code ${_key}}, {@code ${_header.h}}, {@code ${_topic}}) are always there to read.
     */
    private static void checkSelected(KcqlStatement statement, RecordTemplate template, String written,
                                      io.streamgrid.kcql.Position position) {
        for (int i = 0; i < template.paths().size(); i++) {
            FieldPath path = template.paths().get(i);
            if (path.kind() == FieldKind.VALUE && !selects(statement, path)) {
                throw statement.errorAt(position, written, "'${" + template.template().references().get(i)
                        + "}' reads the field '" + path + "', which the SELECT list does not take; select it "
                        + "(SELECT *, or name it), or take the value from the key or a header (${_key}, "
                        + "${_header.<name>})");
            }
        }
    }

    private static boolean selects(KcqlStatement statement, FieldPath path) {
        for (SelectedField field : statement.fields()) {
            FieldPath selected = field.path();
            if (selected.kind() != FieldKind.VALUE) {
                continue;
            }
            List<String> prefix = selected.segments();
            if (prefix.size() <= path.segments().size() && path.segments().subList(0, prefix.size()).equals(prefix)) {
                return true; // * (no segments), a.* or a parent of the path, or the path itself
            }
        }
        return false;
    }

    /** Why a topic's literal text cannot name an MQTT topic to publish to, or null when it can. */
    private static String topicNameProblem(String literal, boolean constant) {
        if (constant && literal.isEmpty()) {
            return "it is empty";
        }
        if (literal.indexOf('+') >= 0 || literal.indexOf('#') >= 0) {
            return "'+' and '#' are wildcards of topic filters, not part of a topic a message is published to";
        }
        if (literal.indexOf('\u0000') >= 0) {
            return "it holds the character U+0000";
        }
        if (literal.startsWith("$")) {
            return "topics starting with '$' are the broker's own ($SYS/...)";
        }
        if (literal.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            return "it is longer than MQTT's " + MQTT_TOPIC_LIMIT;
        }
        return null;
    }

    private static io.streamgrid.kcql.KcqlException propertyError(KcqlStatement statement, String key, String reason) {
        return statement.errorAt(statement.positionIn(Clause.PROPERTIES, key), key, reason);
    }

    /** Seconds of a message expiry: a whole number from 0 to 4,294,967,295 (MQTT 5's four-byte interval). */
    static long expirySeconds(String written) {
        try {
            long seconds = Long.parseLong(written.trim());
            if (seconds >= 0 && seconds <= MAX_MESSAGE_EXPIRY) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("message.expiry is a whole number of seconds from 0 to " + MAX_MESSAGE_EXPIRY
                + ", not '" + written + "'");
    }

    int number() {
        return number;
    }

    String source() {
        return statement.source();
    }

    /** Whether the statement sets MQTT 5 properties, which 3.1.1 cannot carry. */
    boolean setsMqtt5Properties() {
        return responseTopic != null || correlationData != null || messageExpiry != null;
    }

    /**
     * Whether the statement's WHERE keeps the record (always without WHERE). A tombstone is kept: it has no value for
     * a condition to read, and with retain it clears the topic's retained message.
     */
    boolean keeps(RecordView record) {
        return where == null || record.value() == null || where.keeps(record);
    }

    /**
     * The message for a record, or null for a tombstone the statement does not publish (no retain flag). Bad data (a
     * topic or payload the record cannot give, a header override that is no QoS) is a DataException naming the
     * record. {@code mqtt5}: whether the connection carries MQTT 5 properties (3.1.1 has none).
     */
    Outgoing message(RecordView record, boolean mqtt5) {
        try {
            int messageQos = RecordHeaders.qos(record).orElse(qos);
            boolean messageRetain = RecordHeaders.retain(record).orElse(retain);
            if (record.value() == null) {
                return messageRetain ? new Outgoing(topicName(record, null), new byte[0], messageQos, true, null)
                        : null;
            }
            JsonScan scan = scannedFields.isEmpty() && !jsonTextAsIs ? null : JsonScan.of(record.value(), scannedFields);
            String name = topicName(record, scan);
            byte[] payload = scan != null && jsonTextAsIs && isText(record.valueSchema())
                    ? ((String) record.value()).getBytes(StandardCharsets.UTF_8) // checked whole JSON by the scan
                    : payloads.encode(record, projection.apply(record));
            return new Outgoing(name, payload, messageQos, messageRetain, mqtt5 ? properties(record, scan) : null);
        } finally {
            fields.release();
        }
    }

    private static boolean isText(Schema schema) {
        return schema == null || schema.type() == Schema.Type.STRING;
    }

    /** The record's MQTT topic; one that values from the record made unfit to publish to is bad data. */
    private String topicName(RecordView record, JsonScan scan) {
        String name = topic.resolve(record, fields, scan);
        if (topic.isConstant()) {
            return name;
        }
        String problem = name.startsWith("$") ? "it starts with '$', as only the broker's own topics do"
                : name.getBytes(StandardCharsets.UTF_8).length > 65_535 ? "it is longer than MQTT's " + MQTT_TOPIC_LIMIT
                : null;
        if (problem != null) {
            throw new DataException("Record " + record.describe() + " gives the MQTT topic '" + abbreviated(name)
                    + "', which cannot be published to: " + problem);
        }
        return name;
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** MQTT 5 properties: the record's mqtt.* headers, else what the statement's PROPERTIES make of the record. */
    private Mqtt5Properties properties(RecordView record, JsonScan scan) {
        Mqtt5Properties fromHeaders = RecordHeaders.properties(record);
        if (!setsMqtt5Properties()) {
            return fromHeaders;
        }
        String response = fromHeaders != null && fromHeaders.responseTopic() != null ? fromHeaders.responseTopic()
                : responseTopic == null ? null : responseTopic.resolve(record, fields, scan);
        byte[] correlation = fromHeaders != null && fromHeaders.correlationData() != null
                ? fromHeaders.correlationData()
                : correlationData == null ? null
                : correlationData.resolve(record, fields, scan).getBytes(StandardCharsets.UTF_8);
        Long expiry = fromHeaders != null && fromHeaders.messageExpirySeconds() != null
                ? fromHeaders.messageExpirySeconds() : messageExpiry == null ? null : expiry(record, scan);
        return new Mqtt5Properties(fromHeaders == null ? List.of() : new ArrayList<>(fromHeaders.userProperties()),
                fromHeaders == null ? null : fromHeaders.contentType(), response, correlation, expiry);
    }

    private Long expiry(RecordView record, JsonScan scan) {
        String written = messageExpiry.resolve(record, fields, scan);
        try {
            return expirySeconds(written);
        } catch (IllegalArgumentException e) {
            throw new DataException("Record " + record.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
