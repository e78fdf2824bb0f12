package io.streamgrid.common.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.util.Locale;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/**
 * CBOR (RFC 8949) payloads as the sources read them: one data item, as a Jackson tree, a struct (a map becomes a
 * struct as a JSON object does: {@link JsonSchemaInference}; byte strings become bytes) or JSON text (byte strings
 * base64). Integer map keys become field names ("1", "-2"), tags are dropped and their content kept.
 */
public final class CborDocuments {

    /** CoAP's content format of application/cbor. */
    public static final int CONTENT_FORMAT = 60;

    private static final ObjectMapper CBOR = CBORMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private CborDocuments() {
    }

    /** The one data item of {@code cbor}; an empty payload, bytes that are not CBOR or more than one item: DataException. */
    public static JsonNode read(byte[] cbor) {
        JsonNode root;
        try {
            root = CBOR.readTree(cbor);
        } catch (IOException e) {
            throw new DataException("The payload is not CBOR: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new DataException("The payload is empty; CBOR needs one data item");
        }
        return root;
    }

    /** A CBOR map as a struct, like a JSON object's; anything else at the top is a DataException. */
    public static SchemaAndValue struct(byte[] cbor) {
        JsonNode root = read(cbor);
        if (!root.isObject()) {
            throw new DataException("A CBOR payload becomes a struct when it is a map; this one is "
                    + (root.isArray() ? "an array" : "a " + root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return JsonSchemaInference.infer(root);
    }

    /** The JSON text of the CBOR item of {@code cbor} (byte strings as base64), or null when it is not CBOR. */
    public static String jsonText(byte[] cbor) {
        try {
            return JSON.writeValueAsString(read(cbor));
        } catch (DataException | JsonProcessingException e) {
            return null;
        }
    }
}
