package io.streamgrid.mqtt.converter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.common.format.JsonSchemaInference;
import java.io.IOException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** JSON, with a schema inferred from each message (whole numbers INT64, objects structs, all optional). */
public final class JsonPayloadConverter implements PayloadConverter {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        try {
            return JsonSchemaInference.infer(MAPPER.readTree(payload));
        } catch (IOException e) {
            throw new DataException("The payload is not valid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean structured() {
        return true;
    }
}
