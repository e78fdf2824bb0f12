package io.streamgrid.coap.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.streamgrid.common.format.BinaryValueFormat;
import io.streamgrid.common.format.JsonValueFormat;
import io.streamgrid.common.format.TextValueFormat;
import io.streamgrid.kcql.Format;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.eclipse.californium.core.coap.MediaTypeRegistry;

/**
 * A request's payload and its Content-Format from the selected fields: JSON (50) or CBOR (60) of all of them, or
 * TEXT (0) or BINARY (42) of the one field selected (or of the value itself). CBOR writes every value as the JSON
 * format does, with bytes as CBOR byte strings; a string that is one whole JSON object or array (what StringConverter
 * gives), strictly as the JSON format takes it, is sent as that object, one that only starts like JSON as a string.
 * Not thread-safe: one per statement, used on the task's thread.
 */
final class PayloadEncoder {

    /** A payload and its CoAP Content-Format. */
    record Payload(byte[] bytes, int contentFormat) {
    }

    /** Strict, as JsonValueFormat is about a string holding JSON: nothing may follow the document. */
    private static final ObjectReader STRICT_JSON = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final CBORMapper CBOR = new CBORMapper();
    private static final CBORFactory CBOR_FACTORY = CBOR.getFactory();

    private final Format format;
    private final JsonValueFormat json = new JsonValueFormat();
    private final TextValueFormat text = new TextValueFormat();
    private final BinaryValueFormat binary = new BinaryValueFormat();

    PayloadEncoder(Format format) {
        this.format = format;
    }

    Format format() {
        return format;
    }

    /** Bad data (a value the format cannot take) is a DataException. */
    Payload encode(SchemaAndValue selected) {
        return switch (format) {
            case TEXT -> {
                SchemaAndValue one = single(selected);
                String value = text.encode(one.schema(), one.value());
                yield new Payload(value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8),
                        MediaTypeRegistry.TEXT_PLAIN);
            }
            case BINARY -> {
                SchemaAndValue one = single(selected);
                byte[] value = binary.encode(one.schema(), one.value());
                yield new Payload(value == null ? new byte[0] : value, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            }
            case CBOR -> new Payload(cbor(selected), MediaTypeRegistry.APPLICATION_CBOR);
            default -> {
                String value = json.encode(selected.schema(), selected.value());
                yield new Payload((value == null ? "null" : value).getBytes(StandardCharsets.UTF_8),
                        MediaTypeRegistry.APPLICATION_JSON);
            }
        };
    }

    /** TEXT and BINARY send one field: the only field of what was selected, or the value itself. */
    private static SchemaAndValue single(SchemaAndValue selected) {
        if (selected.value() instanceof Struct struct && struct.schema().fields().size() == 1) {
            return new SchemaAndValue(struct.schema().fields().get(0).schema(), struct.get(struct.schema().fields().get(0)));
        }
        if (selected.value() instanceof Map<?, ?> map && map.size() == 1) {
            return new SchemaAndValue(null, map.values().iterator().next());
        }
        return selected;
    }

    private static byte[] cbor(SchemaAndValue selected) {
        Object value = selected.value();
        try {
            JsonNode tree = value instanceof String string ? jsonTree(string) : null;
            if (tree != null) {
                return CBOR.writeValueAsBytes(tree);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            try (JsonGenerator generator = CBOR_FACTORY.createGenerator(out)) {
                JsonValueFormat.write(generator, selected.schema(), value);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON object or array a string holds, or null when it holds none (then it is sent as a text string). */
    private static JsonNode jsonTree(String text) {
        String start = text.stripLeading();
        if (!start.startsWith("{") && !start.startsWith("[")) {
            return null;
        }
        try {
            return STRICT_JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
