package io.streamgrid.common.format;

import io.streamgrid.kcql.Format;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Turns a Connect value into what is stored (a {@code String} or a {@code byte[]}) and back.
 * Instances keep caches: one per task, not shared between threads.
 */
public interface ValueFormat {

    Format format();

    /** The stored form of {@code value}; null stays null. Bad data is a {@code DataException}. */
    Object encode(Schema schema, Object value);

    /** The Connect value of a stored form, read with {@code schema} (which may be null for schemaless JSON). */
    SchemaAndValue decode(Schema schema, Object stored);

    /** A new instance of the format WITHFORMAT names. */
    static ValueFormat of(Format format) {
        return switch (format) {
            case JSON -> new JsonValueFormat();
            case AVRO -> new AvroValueFormat();
            case TEXT -> new TextValueFormat();
            case BINARY -> new BinaryValueFormat();
            default -> throw new IllegalArgumentException("There is no value format for WITHFORMAT " + format);
        };
    }
}
