package io.streamgrid.mqtt.converter;

import io.streamgrid.common.format.AvroData;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/** Avro binary payloads written with the schema the statement declares (see {@link DeclaredSchema}). */
public final class AvroPayloadConverter implements PayloadConverter {

    private DeclaredSchema schema;
    private GenericDatumReader<Object> reader;
    private BinaryDecoder decoder;

    @Override
    public void configure(Map<String, String> properties) {
        schema = DeclaredSchema.from(properties, "avro");
        reader = new GenericDatumReader<>(schema.avro());
    }

    @Override
    public SchemaAndValue convert(String mqttTopic, byte[] payload) {
        decoder = DecoderFactory.get().binaryDecoder(payload, decoder);
        try {
            Object datum = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new DataException("The payload has bytes left after an Avro " + schema.avro().getFullName()
                        + "; it was written with another schema");
            }
            return new SchemaAndValue(schema.connect(), AvroData.toConnect(schema.connect(), schema.avro(), datum));
        } catch (IOException | AvroRuntimeException | ClassCastException e) {
            throw new DataException("The payload is not Avro written with " + schema.avro().getFullName() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean structured() {
        return true;
    }
}
