package io.streamgrid.mqtt.converter;

import io.streamgrid.common.format.CborDocuments;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * CBOR (RFC 8949): a payload that is one CBOR map becomes a struct as the json converter makes of a JSON object
 * (integer keys as field names, byte strings as bytes); anything else is a bad message.
 */
public final class CborPayloadConverter implements PayloadConverter {

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        return CborDocuments.struct(payload);
    }

    @Override
    public boolean structured() {
        return true;
    }
}
