package io.streamgrid.mqtt.converter;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgrid.common.format.JsonValueFormat;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** JSON read against a declared schema (an Avro schema, see {@link DeclaredSchema}): every record has that schema. */
public final class JsonSchemaPayloadConverter implements PayloadConverter {

    private DeclaredSchema schema;

    @Override
    public void configure(Map<String, String> properties) {
        schema = DeclaredSchema.from(properties, "json-schema");
    }

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        JsonNode node;
        try {
            node = JsonPayloadConverter.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new DataException("The payload is not valid JSON: " + e.getMessage(), e);
        }
        return new SchemaAndValue(schema.connect(), JsonValueFormat.read(node, schema.connect(), "$"));
    }

    @Override
    public boolean structured() {
        return true;
    }
}
