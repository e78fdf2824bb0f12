package io.streamgrid.mqtt.converter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.common.format.JsonSchemaInference;
import java.io.IOException;
import java.util.Locale;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/**
 * JSON, with a schema inferred from each message (whole numbers INT64, objects structs, all optional). The
 * payload must be one JSON object: an empty payload, a top-level array or scalar, or a number no 64-bit float
 * holds is a bad message (the bad-message policy decides), never a null value that Kafka would take for a
 * tombstone, nor a value of another shape than the struct the statements select from.
 */
public final class JsonPayloadConverter implements PayloadConverter {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new DataException("The payload is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new DataException("The payload is empty; the json converter needs a JSON object");
        }
        if (!root.isObject()) {
            throw new DataException("The json converter needs a JSON object at the top level; the payload is "
                    + (root.isArray() ? "an array" : "a " + root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        checkFinite(root, "$");
        return JsonSchemaInference.infer(root);
    }

    /** A number too large for a double reads as Infinity, which no converter can write as JSON again. */
    private static void checkFinite(JsonNode node, String path) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw new DataException("The number at " + path + " is too large for a 64-bit float");
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> checkFinite(field.getValue(), path + "." + field.getKey()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkFinite(node.get(i), path + "[" + i + "]");
            }
        }
    }

    @Override
    public boolean structured() {
        return true;
    }
}
