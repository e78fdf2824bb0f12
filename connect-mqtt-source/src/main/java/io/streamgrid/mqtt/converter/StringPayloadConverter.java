package io.streamgrid.mqtt.converter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** The payload as UTF-8 text; bytes that are not UTF-8 are bad data, not silently replaced. */
public final class StringPayloadConverter implements PayloadConverter {

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString();
            return new SchemaAndValue(Schema.STRING_SCHEMA, text);
        } catch (CharacterCodingException e) {
            throw new DataException("The payload is not UTF-8 text: " + e.getMessage(), e);
        }
    }
}
