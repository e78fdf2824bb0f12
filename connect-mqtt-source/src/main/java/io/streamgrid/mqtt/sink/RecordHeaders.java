package io.streamgrid.mqtt.sink;

import io.streamgrid.common.format.Buffers;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.mqtt.transport.MqttTransport.Mqtt5Properties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;

/**
 * What a record's headers say about its message, under the names the MQTT source writes, so a record the source
 * read can be published again unchanged: {@code mqtt.qos} and {@code mqtt.retain} override the statement's QoS and
 * retain flag; {@code mqtt.response.topic}, {@code mqtt.correlation.data}, {@code mqtt.user.<name>} (each one a user
 * property, repeated names kept in order), {@code mqtt.content.type} and {@code mqtt.message.expiry} are MQTT 5's
 * properties. A header that holds no such value (a QoS of 3, an expiry of "soon") is bad data.
 */
final class RecordHeaders {

    private RecordHeaders() {
    }

    static final String QOS = "mqtt.qos";
    static final String RETAIN = "mqtt.retain";
    static final String RESPONSE_TOPIC = "mqtt.response.topic";
    static final String CORRELATION_DATA = "mqtt.correlation.data";
    static final String USER_PREFIX = "mqtt.user.";
    static final String CONTENT_TYPE = "mqtt.content.type";
    static final String MESSAGE_EXPIRY = "mqtt.message.expiry";

    /** The QoS a record's header asks for, if it has one. */
    static Optional<Integer> qos(RecordView record) {
        Header header = record.headers().lastWithName(QOS);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        String text = String.valueOf(header.value()).trim();
        if (!text.equals("0") && !text.equals("1") && !text.equals("2")) {
            throw new DataException("Record " + record.describe() + " has the header " + QOS + " = '" + text
                    + "', not 0, 1 or 2");
        }
        return Optional.of(Integer.parseInt(text));
    }

    /** The retain flag a record's header asks for, if it has one. */
    static Optional<Boolean> retain(RecordView record) {
        Header header = record.headers().lastWithName(RETAIN);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        String text = String.valueOf(header.value()).trim();
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new DataException("Record " + record.describe() + " has the header " + RETAIN + " = '" + text
                    + "', not true or false");
        }
        return Optional.of(Boolean.parseBoolean(text));
    }

    /** Whether a record carries any header that makes an MQTT 5 property. */
    static boolean hasPropertyHeaders(RecordView record) {
        for (Header header : record.headers()) {
            if (isPropertyHeader(header.key())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPropertyHeader(String name) {
        return name.startsWith(USER_PREFIX) || name.equals(RESPONSE_TOPIC) || name.equals(CORRELATION_DATA)
                || name.equals(CONTENT_TYPE) || name.equals(MESSAGE_EXPIRY);
    }

    /** The MQTT 5 properties a record's headers give, or null when it has none of those headers. */
    static Mqtt5Properties properties(RecordView record) {
        if (!hasPropertyHeaders(record)) {
            return null;
        }
        List<Map.Entry<String, String>> user = new ArrayList<>();
        String contentType = null;
        String responseTopic = null;
        byte[] correlationData = null;
        Long expiry = null;
        for (Header header : record.headers()) {
            String name = header.key();
            Object value = header.value();
            if (value == null || !isPropertyHeader(name)) {
                continue;
            }
            if (name.startsWith(USER_PREFIX)) {
                user.add(Map.entry(name.substring(USER_PREFIX.length()), text(record, name, value)));
            } else if (name.equals(CONTENT_TYPE)) {
                contentType = text(record, name, value);
            } else if (name.equals(RESPONSE_TOPIC)) {
                responseTopic = responseTopic(record, text(record, name, value));
            } else if (name.equals(CORRELATION_DATA)) {
                correlationData = bytes(value, record, name);
            } else {
                try {
                    expiry = SinkStatement.expirySeconds(text(record, name, value));
                } catch (IllegalArgumentException e) {
                    throw new DataException("Record " + record.describe() + " has the header " + name + ": "
                            + e.getMessage(), e);
                }
            }
        }
        return new Mqtt5Properties(user, contentType, responseTopic, correlationData, expiry);
    }

    private static String responseTopic(RecordView record, String topic) {
        if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            throw new DataException("Record " + record.describe() + " has the header " + RESPONSE_TOPIC + " = '"
                    + topic + "', which is not an MQTT topic name (empty, or holding '+' or '#')");
        }
        return topic;
    }

    private static String text(RecordView record, String name, Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer buffer) {
            return new String(Buffers.toArray(buffer), StandardCharsets.UTF_8);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new DataException("Record " + record.describe() + " has the header " + name + " holding a "
                + value.getClass().getSimpleName() + ", not a text an MQTT property can carry");
    }

    private static byte[] bytes(Object value, RecordView record, String name) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            return Buffers.toArray(buffer);
        }
        return text(record, name, value).getBytes(StandardCharsets.UTF_8);
    }
}
