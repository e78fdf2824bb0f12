package io.streamgrid.common.format;

import io.streamgrid.kcql.Format;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;

/** A string: text as it is, bytes as UTF-8, numbers and booleans as written, structured values as JSON. */
public final class TextValueFormat implements ValueFormat {

    private final JsonValueFormat json = new JsonValueFormat();

    @Override
    public Format format() {
        return Format.TEXT;
    }

    @Override
    public String encode(Schema schema, Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer buffer) {
            return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        if (value instanceof Struct || value instanceof Map<?, ?> || value instanceof Collection<?>
                || value instanceof java.util.Date || (schema != null && schema.name() != null)) {
            String text = json.encode(schema, value);
            return text.startsWith("\"") ? text.substring(1, text.length() - 1) : text;
        }
        return value.toString();
    }

    @Override
    public SchemaAndValue decode(Schema schema, Object stored) {
        String text = stored instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : stored == null ? null : stored.toString();
        return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, text);
    }
}
