package io.streamgrid.mqtt.converter;

import io.streamgrid.common.format.AvroData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.connect.data.Schema;

/**
 * The schema a statement declares for its payloads, as an Avro schema: in a file
 * ({@code PROPERTIES('schema.file' = '/etc/schemas/reading.avsc')}) or inline ({@code 'schema' = '{...}'}).
 */
record DeclaredSchema(org.apache.avro.Schema avro, Schema connect) {

    static final String FILE = "schema.file";
    static final String INLINE = "schema";

    static DeclaredSchema from(Map<String, String> properties, String converter) {
        String file = properties.get(FILE);
        String inline = properties.get(INLINE);
        if ((file == null) == (inline == null)) {
            throw new IllegalArgumentException("the " + converter + " converter needs the payload schema, as an Avro "
                    + "schema: PROPERTIES('" + FILE + "' = '/path/to/schema.avsc') or PROPERTIES('" + INLINE
                    + "' = '{...}'), one of the two");
        }
        String text;
        try {
            text = file != null ? Files.readString(Path.of(file)) : inline;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the schema file " + file + ": " + e, e);
        }
        try {
            org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(text);
            return new DeclaredSchema(avro, AvroData.toConnectSchema(avro));
        } catch (SchemaParseException | org.apache.kafka.connect.errors.DataException e) {
            throw new IllegalArgumentException("the schema " + (file != null ? "in " + file : "given inline")
                    + " is not a usable Avro schema: " + e.getMessage(), e);
        }
    }
}
