package io.streamgrid.common.format;

import io.streamgrid.kcql.Format;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro binary encoding (no registry header) of a value with a Connect schema; the Avro schema is
 * derived by {@link AvroData} and cached per Connect schema.
 */
public final class AvroValueFormat implements ValueFormat {

    private static final int MAX_CACHED_SCHEMAS = 64;

    private final Map<Schema, Codec> codecs = new HashMap<>();
    private Schema lastSchema;
    private Codec lastCodec;
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    @Override
    public Format format() {
        return Format.AVRO;
    }

    /** The Avro schema values of this Connect schema are written with. */
    public org.apache.avro.Schema avroSchema(Schema schema) {
        return codec(schema).avro();
    }

    @Override
    public byte[] encode(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema == null) {
            throw new DataException("WITHFORMAT AVRO needs a value with a schema (a Struct from Avro, JSON with "
                    + "schemas, or Protobuf), not a schemaless " + value.getClass().getSimpleName());
        }
        Codec codec = codec(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            codec.writer().write(AvroData.toAvro(schema, codec.avro(), value), encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException e) {
            throw new DataException("Cannot write the value as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public SchemaAndValue decode(Schema schema, Object stored) {
        if (stored == null) {
            return new SchemaAndValue(schema, null);
        }
        Codec codec = codec(schema);
        decoder = DecoderFactory.get().binaryDecoder((byte[]) stored, decoder);
        try {
            return new SchemaAndValue(schema, AvroData.toConnect(schema, codec.avro(), codec.reader().read(null, decoder)));
        } catch (IOException | AvroRuntimeException e) {
            throw new DataException("Cannot read the bytes as Avro: " + e.getMessage(), e);
        }
    }

    private Codec codec(Schema schema) {
        if (schema == lastSchema) {
            return lastCodec;
        }
        Codec codec = codecs.get(schema);
        if (codec == null) {
            org.apache.avro.Schema avro = AvroData.toAvroSchema(schema);
            codec = new Codec(avro, new GenericDatumWriter<>(avro), new GenericDatumReader<>(avro));
            if (codecs.size() >= MAX_CACHED_SCHEMAS) {
                codecs.clear();
            }
            codecs.put(schema, codec);
        }
        lastSchema = schema;
        lastCodec = codec;
        return codec;
    }

    private record Codec(org.apache.avro.Schema avro, GenericDatumWriter<Object> writer,
                         GenericDatumReader<Object> reader) {
    }
}
