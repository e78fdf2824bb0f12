package io.streamgrid.common.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.common.format.Buffers;
import io.streamgrid.kcql.FieldPath;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;

/**
 * Reads single fields of one record, as the SELECT list names them (value paths on Struct, Map or JSON text,
 * {@code _key...}, {@code _header.h}, {@code _topic}, ...), leniently: a field the record does not have is null.
 * JSON text is parsed once per record; {@code _timestamp} is an Instant. For WHERE conditions and names taken
 * from the data. Not thread-safe.
 */
public final class RecordFields {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final TypeReference<LinkedHashMap<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private RecordView current;
    private Object parsedValue;

    /** The value of {@code path} in {@code record}, or null when the record has no such field. */
    public Object read(RecordView record, FieldPath path) {
        if (record != current) {
            current = record;
            parsedValue = null;
        }
        return switch (path.kind()) {
            case VALUE -> navigate(value(), path.segments());
            case KEY -> navigate(record.key(), path.segments());
            case HEADER -> header(path.segments());
            case METADATA -> switch (path.segments().get(0)) {
                case "topic" -> record.topic();
                case "partition" -> record.partition();
                case "offset" -> record.offset();
                default -> record.timestamp() == null ? null : java.time.Instant.ofEpochMilli(record.timestamp());
            };
        };
    }

    /** Forgets the record read last, so that its value can be collected. */
    public void release() {
        current = null;
        parsedValue = null;
    }

    /**
     * A header's value, or a field inside it. Header names may hold dots ({@code mqtt.qos}), so the longest run of
     * segments that names a header wins: {@code _header.mqtt.qos} reads the header {@code mqtt.qos}.
     */
    private Object header(List<String> segments) {
        for (int length = segments.size(); length >= 1; length--) {
            Header header = current.headers().lastWithName(String.join(".", segments.subList(0, length)));
            if (header != null) {
                return navigate(header.value(), segments.subList(length, segments.size()));
            }
        }
        return null;
    }

    /** The record's value, with JSON text (a string or bytes holding an object) read once per record. */
    private Object value() {
        Object value = current.value();
        if (!(value instanceof String || value instanceof byte[] || value instanceof ByteBuffer)) {
            return value;
        }
        if (parsedValue == null) {
            String text = value instanceof String s ? s : new String(value instanceof byte[] bytes ? bytes
                    : Buffers.toArray((ByteBuffer) value), StandardCharsets.UTF_8);
            try {
                parsedValue = text.stripLeading().startsWith("{") ? JSON.readValue(text, JSON_OBJECT) : text;
            } catch (JsonProcessingException e) {
                parsedValue = text;
            }
        }
        return parsedValue;
    }

    private static Object navigate(Object root, List<String> segments) {
        Object current = root;
        for (String segment : segments) {
            if (current instanceof Struct struct) {
                Field field = struct.schema().field(segment);
                current = field == null ? null : struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(segment);
            } else {
                return null;
            }
        }
        return current;
    }
}
