package io.streamgrid.hazelcast.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import io.streamgrid.common.format.JsonSchemaInference;
import io.streamgrid.hazelcast.state.CompactStructs;
import io.streamgrid.kcql.Format;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * What a value read from Hazelcast becomes in Kafka Connect: JSON ({@link HazelcastJsonValue}, and a string that
 * holds a JSON object) a struct with a schema inferred from the document, as the MQTT source's json converter makes
 * it; other strings text; {@code byte[]} bytes; a Compact (or Portable) {@link GenericRecord} a struct
 * ({@link CompactStructs}); numbers, booleans, decimals and points in time their Connect types. {@code WITHFORMAT
 * JSON} makes every string and byte array JSON (text that is not is bad data), {@code WITHFORMAT TEXT} keeps strings,
 * JSON values and UTF-8 bytes as text. A value of any other class is bad data that names it.
 */
final class HazelcastValues {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private HazelcastValues() {
    }

    /** The Connect form of a value; {@code format} is the statement's WITHFORMAT, null without one. */
    static SchemaAndValue of(Object value, Format format) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        if (value instanceof HazelcastJsonValue json) {
            return format == Format.TEXT ? text(json.getValue()) : json(json.getValue(), true);
        }
        if (value instanceof String text) {
            if (format == Format.JSON) {
                return json(text, true);
            }
            return format == null && looksLikeObject(text) ? jsonOrText(text) : text(text);
        }
        if (value instanceof byte[] bytes) {
            if (format == Format.JSON) {
                return json(new String(bytes, StandardCharsets.UTF_8), true);
            }
            return format == Format.TEXT ? text(new String(bytes, StandardCharsets.UTF_8))
                    : new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, bytes);
        }
        if (value instanceof GenericRecord record) {
            return CompactStructs.of(record);
        }
        return scalar(value);
    }

    private static SchemaAndValue scalar(Object value) {
        if (value instanceof Boolean) {
            return new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, value);
        }
        if (value instanceof Byte) {
            return new SchemaAndValue(Schema.OPTIONAL_INT8_SCHEMA, value);
        }
        if (value instanceof Short) {
            return new SchemaAndValue(Schema.OPTIONAL_INT16_SCHEMA, value);
        }
        if (value instanceof Integer) {
            return new SchemaAndValue(Schema.OPTIONAL_INT32_SCHEMA, value);
        }
        if (value instanceof Long) {
            return new SchemaAndValue(Schema.OPTIONAL_INT64_SCHEMA, value);
        }
        if (value instanceof Float) {
            return new SchemaAndValue(Schema.OPTIONAL_FLOAT32_SCHEMA, value);
        }
        if (value instanceof Double) {
            return new SchemaAndValue(Schema.OPTIONAL_FLOAT64_SCHEMA, value);
        }
        if (value instanceof BigInteger whole) {
            return decimal(new BigDecimal(whole));
        }
        if (value instanceof BigDecimal decimal) {
            return decimal(decimal);
        }
        if (value instanceof Character || value instanceof UUID) {
            return text(value.toString());
        }
        Instant instant = instant(value);
        if (instant != null) {
            return new SchemaAndValue(Timestamp.builder().optional().build(), Date.from(instant));
        }
        if (value instanceof LocalDate day) {
            return new SchemaAndValue(org.apache.kafka.connect.data.Date.builder().optional().build(),
                    new Date(day.toEpochDay() * MILLIS_PER_DAY));
        }
        if (value instanceof LocalTime time) {
            return new SchemaAndValue(Time.builder().optional().build(), new Date(time.toNanoOfDay() / 1_000_000L));
        }
        throw new DataException("a value of class " + value.getClass().getName() + " has no Kafka Connect form; "
                + "store JSON (HazelcastJsonValue or a string), text, bytes, a Compact record, a number or a boolean");
    }

    /** A point in time ({@code LocalDateTime} read as UTC), or null for a value that is none. */
    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        if (value instanceof ZonedDateTime time) {
            return time.toInstant();
        }
        if (value instanceof LocalDateTime time) {
            return time.toInstant(ZoneOffset.UTC);
        }
        return null;
    }

    private static SchemaAndValue decimal(BigDecimal value) {
        BigDecimal decimal = value.scale() < 0 ? value.setScale(0) : value;
        return new SchemaAndValue(Decimal.builder(decimal.scale()).optional().build(), decimal);
    }

    private static SchemaAndValue text(String text) {
        return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, text);
    }

    /** Whether the text starts like a JSON object (after white space); only then is it parsed. */
    private static boolean looksLikeObject(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    private static SchemaAndValue jsonOrText(String text) {
        try {
            return json(text, false);
        } catch (DataException e) {
            return text(text); // it only looked like an object: text as it is
        }
    }

    /** JSON text as a schema and value; {@code strict}: text that is not JSON is bad data. */
    private static SchemaAndValue json(String text, boolean strict) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DataException("the value is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new DataException("the value is empty, not JSON");
        }
        if (!strict && !node.isObject()) {
            throw new DataException("not a JSON object");
        }
        return JsonSchemaInference.infer(node);
    }
}
