package io.streamgrid.common.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamgrid.kcql.Format;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * JSON text. Structs and maps become objects; Decimal a JSON number; Date, Time and Timestamp ISO-8601
 * strings ({@code 2024-01-31}, {@code 13:45:10.123}, {@code 2024-01-31T13:45:10.123Z}); bytes base64.
 * A string value that already holds a JSON object or array (as StringConverter gives) is written as it is.
 * Decoding reads JSON against a Connect schema, or into maps and lists when there is none.
 */
public final class JsonValueFormat implements ValueFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final long MILLIS_PER_DAY = 86_400_000L;

    @Override
    public Format format() {
        return Format.JSON;
    }

    @Override
    public String encode(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text && isJsonText(text) && (schema == null || schema.type() == Schema.Type.STRING)) {
            return text;
        }
        StringWriter out = new StringWriter(128);
        try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
            write(generator, schema, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Whether a string is one complete JSON object or array, so it may be stored as it is. Text that only
     * starts like one ({@code [WARN] disk full}) is written as a JSON string instead: stored as it is, no JSON
     * reader could read it.
     */
    private static boolean isJsonText(String text) {
        return JsonText.isObjectOrArray(text);
    }

    /**
     * Writes a Connect value with any Jackson generator, so that a binary JSON format (the CoAP sink's CBOR) writes
     * every kind of value as this JSON does: byte arrays become the generator's binary (base64 in JSON text, a byte
     * string in CBOR). A string is written as a string, also one holding JSON text.
     */
    public static void write(JsonGenerator g, Schema schema, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
            return;
        }
        String logical = schema == null ? null : schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            g.writeNumber((BigDecimal) value);
        } else if (Date.LOGICAL_NAME.equals(logical)) {
            g.writeString(LocalDate.ofEpochDay(Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY)).toString());
        } else if (Time.LOGICAL_NAME.equals(logical)) {
            g.writeString(LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() * 1_000_000L).toString());
        } else if (Timestamp.LOGICAL_NAME.equals(logical) || value instanceof java.util.Date) {
            g.writeString(Instant.ofEpochMilli(((java.util.Date) value).getTime()).toString());
        } else if (value instanceof Struct struct) {
            g.writeStartObject();
            for (Field field : struct.schema().fields()) {
                g.writeFieldName(field.name());
                write(g, field.schema(), struct.get(field));
            }
            g.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            Schema valueSchema = schema == null ? null : schema.valueSchema();
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName(String.valueOf(entry.getKey()));
                write(g, valueSchema, entry.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            Schema valueSchema = schema == null ? null : schema.valueSchema();
            g.writeStartArray();
            for (Object item : list) {
                write(g, valueSchema, item);
            }
            g.writeEndArray();
        } else if (value instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            g.writeBinary(Buffers.toArray(buffer));
        } else if (value instanceof String text) {
            g.writeString(text);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Float f) {
            g.writeNumber(f);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else {
            throw new DataException("Cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    @Override
    public SchemaAndValue decode(Schema schema, Object stored) {
        if (stored == null) {
            return new SchemaAndValue(schema, null);
        }
        String text = stored instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : stored.toString();
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new DataException("Not valid JSON: " + e.getMessage(), e);
        }
        return new SchemaAndValue(schema, read(node, schema, "$"));
    }

    /** The Connect value of a JSON node, read against {@code schema}; {@code where} is a JSON path for errors. */
    public static Object read(JsonNode node, Schema schema, String where) {
        if (schema == null) {
            return node == null || node.isNull() ? null : MAPPER.convertValue(node, Object.class);
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            if (schema.defaultValue() != null) {
                return schema.defaultValue();
            }
            if (!schema.isOptional()) {
                throw new DataException(where + " is required but is " + (node == null ? "missing" : "null"));
            }
            return null;
        }
        String logical = schema.name();
        try {
            if (Decimal.LOGICAL_NAME.equals(logical)) {
                BigDecimal decimal = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText());
                return decimal.setScale(Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)), RoundingMode.UNNECESSARY);
            }
            if (Date.LOGICAL_NAME.equals(logical)) {
                long days = node.isNumber() ? node.longValue() : LocalDate.parse(node.asText()).toEpochDay();
                return new java.util.Date(days * MILLIS_PER_DAY);
            }
            if (Time.LOGICAL_NAME.equals(logical)) {
                long millis = node.isNumber() ? node.longValue() : LocalTime.parse(node.asText()).toNanoOfDay() / 1_000_000L;
                return new java.util.Date(millis);
            }
            if (Timestamp.LOGICAL_NAME.equals(logical)) {
                long millis = node.isNumber() ? node.longValue() : Instant.parse(node.asText()).toEpochMilli();
                return new java.util.Date(millis);
            }
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new DataException(where + " is not a valid " + logical + ": " + node, e);
        }
        return switch (schema.type()) {
            case INT8 -> (byte) integral(node, where, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> (short) integral(node, where, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> (int) integral(node, where, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> integral(node, where, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT32 -> (float) number(node, where).doubleValue();
            case FLOAT64 -> number(node, where).doubleValue();
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw mismatch(where, "a boolean", node);
                }
                yield node.booleanValue();
            }
            case STRING -> node.isTextual() ? node.textValue() : node.toString();
            case BYTES -> {
                try {
                    yield node.binaryValue();
                } catch (IOException e) {
                    throw mismatch(where, "base64 bytes", node);
                }
            }
            case ARRAY -> {
                if (!node.isArray()) {
                    throw mismatch(where, "an array", node);
                }
                List<Object> list = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    list.add(read(node.get(i), schema.valueSchema(), where + "[" + i + "]"));
                }
                yield list;
            }
            case MAP -> {
                if (!node.isObject()) {
                    throw mismatch(where, "an object", node);
                }
                Map<Object, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    Object key = read(keyNode(entry.getKey(), schema.keySchema()), schema.keySchema(),
                            where + " key " + entry.getKey());
                    map.put(key, read(entry.getValue(), schema.valueSchema(), where + "." + entry.getKey()));
                }
                yield map;
            }
            case STRUCT -> {
                if (!node.isObject()) {
                    throw mismatch(where, "an object", node);
                }
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    struct.put(field, read(node.get(field.name()), field.schema(), where + "." + field.name()));
                }
                yield struct;
            }
        };
    }

    /** JSON object keys are strings; a map with other keys (numbers, booleans) reads them as JSON. */
    private static JsonNode keyNode(String key, Schema keySchema) {
        if (keySchema.type() == Schema.Type.STRING) {
            return TextNode.valueOf(key);
        }
        try {
            return MAPPER.readTree(key);
        } catch (IOException e) {
            return TextNode.valueOf(key);
        }
    }

    private static long integral(JsonNode node, String where, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw mismatch(where, "a whole number from " + min + " to " + max, node);
        }
        return node.longValue();
    }

    private static Number number(JsonNode node, String where) {
        if (!node.isNumber()) {
            throw mismatch(where, "a number", node);
        }
        return node.numberValue();
    }

    private static DataException mismatch(String where, String expected, JsonNode node) {
        String shown = node.toString();
        return new DataException(where + " should be " + expected + " but is "
                + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown));
    }
}
