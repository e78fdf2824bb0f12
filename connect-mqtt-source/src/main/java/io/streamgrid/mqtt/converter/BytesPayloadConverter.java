package io.streamgrid.mqtt.converter;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/** The payload as it is: bytes. The default. */
public final class BytesPayloadConverter implements PayloadConverter {

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        return new SchemaAndValue(Schema.BYTES_SCHEMA, payload);
    }
}
