package io.streamgrid.common.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * A Connect schema and value for a JSON document that came without one, inferred from this document alone:
 * objects become structs (fields in document order), whole numbers INT64, other numbers FLOAT64, and every
 * schema is optional, so a field that is null or missing here still fits. An array takes the type its elements
 * share (structs merge their fields); an array of mixed kinds becomes an array of JSON text. Binary nodes, which only
 * binary formats such as CBOR give, become bytes.
 */
public final class JsonSchemaInference {

    private JsonSchemaInference() {
    }

    public static SchemaAndValue infer(JsonNode node) {
        Schema schema = schemaOf(node);
        return new SchemaAndValue(schema, valueOf(node, schema));
    }

    private static Schema schemaOf(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Schema.OPTIONAL_STRING_SCHEMA;
        }
        if (node.isObject()) {
            SchemaBuilder struct = SchemaBuilder.struct().optional();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                struct.field(field.getKey(), schemaOf(field.getValue()));
            }
            return struct.build();
        }
        if (node.isArray()) {
            Schema element = null;
            for (JsonNode item : node) {
                if (item.isNull()) {
                    continue;
                }
                Schema itemSchema = schemaOf(item);
                element = element == null ? itemSchema : merge(element, itemSchema);
            }
            return SchemaBuilder.array(element == null ? Schema.OPTIONAL_STRING_SCHEMA : element).optional().build();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Schema.OPTIONAL_INT64_SCHEMA;
        }
        if (node.isNumber()) {
            return Schema.OPTIONAL_FLOAT64_SCHEMA;
        }
        if (node.isBoolean()) {
            return Schema.OPTIONAL_BOOLEAN_SCHEMA;
        }
        if (node.isBinary()) {
            return Schema.OPTIONAL_BYTES_SCHEMA;
        }
        return Schema.OPTIONAL_STRING_SCHEMA;
    }

    /** One schema two array elements both fit; JSON text when they are of different kinds. */
    private static Schema merge(Schema a, Schema b) {
        if (a.equals(b)) {
            return a;
        }
        if (isNumber(a) && isNumber(b)) {
            return Schema.OPTIONAL_FLOAT64_SCHEMA;
        }
        if (a.type() == Schema.Type.STRUCT && b.type() == Schema.Type.STRUCT) {
            Map<String, Schema> fields = new LinkedHashMap<>();
            a.fields().forEach(f -> fields.put(f.name(), f.schema()));
            for (Field f : b.fields()) {
                Schema known = fields.get(f.name());
                fields.put(f.name(), known == null ? f.schema() : merge(known, f.schema()));
            }
            SchemaBuilder struct = SchemaBuilder.struct().optional();
            fields.forEach(struct::field);
            return struct.build();
        }
        if (a.type() == Schema.Type.ARRAY && b.type() == Schema.Type.ARRAY) {
            return SchemaBuilder.array(merge(a.valueSchema(), b.valueSchema())).optional().build();
        }
        return JSON_TEXT;
    }

    /** Marks an array element schema whose values are kept as JSON text. */
    private static final Schema JSON_TEXT = SchemaBuilder.string().optional().name("io.streamgrid.JsonText").build();

    private static boolean isNumber(Schema s) {
        return s.type() == Schema.Type.INT64 || s.type() == Schema.Type.FLOAT64;
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new org.apache.kafka.connect.errors.DataException("Cannot read binary data: " + e.getMessage(), e);
        }
    }

    private static Object valueOf(JsonNode node, Schema schema) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (schema == JSON_TEXT || JSON_TEXT.name().equals(schema.name())) {
            return node.isTextual() ? node.textValue() : node.toString();
        }
        return switch (schema.type()) {
            case STRUCT -> {
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    struct.put(field, valueOf(node.get(field.name()), field.schema()));
                }
                yield struct;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(valueOf(item, schema.valueSchema())));
                yield list;
            }
            case INT64 -> node.longValue();
            case FLOAT64 -> node.doubleValue();
            case BOOLEAN -> node.booleanValue();
            case BYTES -> binary(node);
            default -> node.isTextual() ? node.textValue() : node.toString();
        };
    }
}
