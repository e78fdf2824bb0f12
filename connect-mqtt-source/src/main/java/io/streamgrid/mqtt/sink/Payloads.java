package io.streamgrid.mqtt.sink;

import io.streamgrid.common.format.BinaryValueFormat;
import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.common.format.TextValueFormat;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.Format;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * The payload of a message from the selected fields: JSON (the fields as one JSON document; a string that already
 * holds a JSON object or array goes as it is), TEXT (one string, or a number or boolean as written) or BINARY (one
 * bytes value, or a string's UTF-8 bytes). TEXT and BINARY take a value that is itself a string or bytes, or a
 * struct, map or JSON object with exactly one field; anything else is bad data.
 */
final class Payloads {

    private final Format format;
    private final JsonValueFormat json = new JsonValueFormat();
    private final TextValueFormat text = new TextValueFormat();
    private final BinaryValueFormat binary = new BinaryValueFormat();

    Payloads(Format format) {
        this.format = format;
    }

    byte[] encode(RecordView record, org.apache.kafka.connect.data.SchemaAndValue projected) {
        try {
            return switch (format) {
                case TEXT -> text.encode(null, textValue(single(projected.value()))).getBytes(StandardCharsets.UTF_8);
                case BINARY -> binary.encode(null, single(projected.value()));
                default -> json.encode(projected.schema(), projected.value()).getBytes(StandardCharsets.UTF_8);
            };
        } catch (DataException e) {
            throw new DataException("Record " + record.describe() + " has no " + format + " payload: "
                    + e.getMessage(), e);
        }
    }

    /** The one value TEXT and BINARY publish: the value itself, or the only field of a struct or map. */
    private Object single(Object value) {
        Object one = value;
        if (value instanceof Struct struct) {
            if (struct.schema().fields().size() != 1) {
                throw new DataException("WITHFORMAT " + format + " publishes one value, but the selected fields are "
                        + struct.schema().fields().size() + "; select one field");
            }
            one = struct.get(struct.schema().fields().get(0));
        } else if (value instanceof Map<?, ?> map) {
            if (map.size() != 1) {
                throw new DataException("WITHFORMAT " + format + " publishes one value, but the selected fields are "
                        + map.size() + "; select one field");
            }
            one = map.values().iterator().next();
        }
        if (one == null) {
            throw new DataException("the value to publish is null");
        }
        if (one instanceof Struct || one instanceof Map || one instanceof Collection) {
            throw new DataException("WITHFORMAT " + format + " publishes a " + (format == Format.TEXT ? "string"
                    : "bytes value") + ", not a " + one.getClass().getSimpleName() + "; use WITHFORMAT JSON");
        }
        return one;
    }

    /** TEXT takes strings, numbers and booleans; bytes are BINARY's. */
    private static Object textValue(Object value) {
        if (value instanceof byte[] || value instanceof java.nio.ByteBuffer) {
            throw new DataException("WITHFORMAT TEXT publishes a string, not bytes; use WITHFORMAT BINARY");
        }
        return value;
    }
}
