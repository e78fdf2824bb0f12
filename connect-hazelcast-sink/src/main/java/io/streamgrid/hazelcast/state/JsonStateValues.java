package io.streamgrid.hazelcast.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.HazelcastJsonValue;
import io.streamgrid.common.format.JsonValueFormat;
import java.math.BigDecimal;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** Device state as JSON objects, stored as strings or, with {@code jsonValue = true}, as HazelcastJsonValue. */
public final class JsonStateValues implements StateValues {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonValueFormat json = new JsonValueFormat();
    private final boolean jsonValue;

    public JsonStateValues(boolean jsonValue) {
        this.jsonValue = jsonValue;
    }

    @Override
    public Object document(SchemaAndValue projected) {
        String text = json.encode(projected.schema(), projected.value());
        JsonNode node = parse(text);
        if (!(node instanceof ObjectNode object)) {
            throw new DataException("a merged or versioned value is a JSON object, not " + abbreviate(text));
        }
        return object;
    }

    @Override
    public Object fromStored(Object stored, Object key) {
        String text;
        if (stored instanceof String s) {
            text = s;
        } else if (stored instanceof HazelcastJsonValue value) {
            text = value.getValue();
        } else {
            throw new IllegalArgumentException("the stored value of key '" + key + "' is a "
                    + stored.getClass().getSimpleName() + ", not JSON: something else writes this map");
        }
        JsonNode node;
        try {
            node = parse(text);
        } catch (DataException e) {
            throw new IllegalArgumentException("the stored value of key '" + key + "' is not JSON: "
                    + abbreviate(text), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("the stored value of key '" + key + "' is not a JSON object: "
                    + abbreviate(text));
        }
        return object;
    }

    @Override
    public Object toStored(Object document) {
        String text = document.toString();
        return jsonValue ? new HazelcastJsonValue(text) : text;
    }

    @Override
    public Object merge(Object stored, Object update) {
        ObjectNode merged = ((ObjectNode) stored).deepCopy();
        merged.setAll((ObjectNode) update);
        return merged;
    }

    @Override
    public BigDecimal version(Object document, String field, String where) {
        return Versions.of(((ObjectNode) document).get(field), where);
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DataException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
