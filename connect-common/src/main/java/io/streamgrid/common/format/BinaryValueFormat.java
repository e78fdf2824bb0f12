package io.streamgrid.common.format;

import io.streamgrid.kcql.Format;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** Raw bytes: a bytes value as it is, a string as its UTF-8 bytes; anything else is bad data. */
public final class BinaryValueFormat implements ValueFormat {

    @Override
    public Format format() {
        return Format.BINARY;
    }

    @Override
    public byte[] encode(Schema schema, Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            return Buffers.toArray(buffer);
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw new DataException("WITHFORMAT BINARY needs a bytes or string value, not a "
                + value.getClass().getSimpleName() + "; use JSON, AVRO or TEXT for structured values");
    }

    @Override
    public SchemaAndValue decode(Schema schema, Object stored) {
        byte[] bytes = stored instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : (byte[]) stored;
        return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, bytes);
    }
}
