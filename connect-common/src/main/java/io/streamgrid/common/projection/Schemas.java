package io.streamgrid.common.projection;

import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Values;

/** Small Connect schema helpers the projection needs. */
final class Schemas {

    private Schemas() {
    }

    /** The same schema, optional. */
    static Schema optional(Schema schema) {
        if (schema.isOptional()) {
            return schema;
        }
        SchemaBuilder builder = copyHeader(schema);
        switch (schema.type()) {
            case STRUCT -> schema.fields().forEach(f -> builder.field(f.name(), f.schema()));
            case ARRAY -> {
                return copyParams(schema, SchemaBuilder.array(schema.valueSchema())).optional().build();
            }
            case MAP -> {
                return copyParams(schema, SchemaBuilder.map(schema.keySchema(), schema.valueSchema())).optional().build();
            }
            default -> {
            }
        }
        return builder.optional().build();
    }

    /** A builder of the same type, name, version, doc and parameters (no fields, not optional). */
    static SchemaBuilder copyHeader(Schema schema) {
        SchemaBuilder builder = switch (schema.type()) {
            case ARRAY -> SchemaBuilder.array(schema.valueSchema());
            case MAP -> SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
            default -> new SchemaBuilder(schema.type());
        };
        return copyParams(schema, builder);
    }

    private static SchemaBuilder copyParams(Schema schema, SchemaBuilder builder) {
        if (schema.name() != null) {
            builder.name(schema.name());
        }
        if (schema.version() != null) {
            builder.version(schema.version());
        }
        if (schema.doc() != null) {
            builder.doc(schema.doc());
        }
        Map<String, String> parameters = schema.parameters();
        if (parameters != null && !parameters.isEmpty()) {
            builder.parameters(parameters);
        }
        return builder;
    }

    /** A schema for a value that came without one (schemaless key, header), or null when none fits. */
    static Schema infer(Object value) {
        if (value == null) {
            return Schema.OPTIONAL_STRING_SCHEMA;
        }
        Schema inferred = Values.inferSchema(value);
        return inferred == null ? null : optional(inferred);
    }

    static Field field(Schema struct, String name) {
        return struct.type() == Schema.Type.STRUCT ? struct.field(name) : null;
    }
}
