package io.streamgrid.common.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Maps Connect schemas and values to Avro and back, without Confluent's libraries (not on Maven
 * Central). Optional schemas become {@code ["null", T]} unions with a null default; INT8 and INT16
 * become {@code int} marked with {@code connect.type}; Decimal, Date, Time and Timestamp become the
 * Avro logical types {@code decimal}, {@code date}, {@code time-millis} and {@code timestamp-millis};
 * a map with non-string keys becomes an array of key/value records. Field names Avro does not allow
 * are rewritten (with {@code connect.name} keeping the original); values are matched by position.
 */
public final class AvroData {

    static final String CONNECT_TYPE = "connect.type";
    static final String CONNECT_NAME = "connect.name";
    static final String DECIMAL_PRECISION = "connect.decimal.precision";
    /** On a record whose name this mapping made up for a nameless Connect struct. */
    static final String GENERATED_NAME = "connect.generated.name";
    /** On the array of key/value records that stands for a Connect map with non-string keys. */
    static final String MAP_TYPE = "map";
    private static final int DEFAULT_DECIMAL_PRECISION = 64;
    private static final String DEFAULT_RECORD_NAME = "io.streamgrid.ConnectRecord";
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private AvroData() {
    }

    /** The Avro schema for a Connect schema. */
    public static org.apache.avro.Schema toAvroSchema(Schema schema) {
        return new SchemaBuilding().avro(schema, DEFAULT_RECORD_NAME);
    }

    /**
     * The Connect schema for an Avro schema, e.g. one a user declares in an {@code .avsc} file: records become
     * structs, {@code ["null", T]} an optional T, enums strings, fixed bytes, and the logical types decimal,
     * date, time-millis and timestamp-millis the Connect logical types. Other unions have no Connect form and
     * are an error.
     */
    public static Schema toConnectSchema(org.apache.avro.Schema avro) {
        return toConnectSchema(avro, false, new HashMap<>());
    }

    private static Schema toConnectSchema(org.apache.avro.Schema avro, boolean optional,
                                          Map<String, Schema> records) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            List<org.apache.avro.Schema> branches = avro.getTypes().stream()
                    .filter(b -> b.getType() != org.apache.avro.Schema.Type.NULL).toList();
            if (branches.size() != 1) {
                throw new DataException("An Avro union other than [\"null\", T] has no Connect schema: " + avro);
            }
            return toConnectSchema(branches.get(0), optional || branches.size() < avro.getTypes().size(), records);
        }
        org.apache.kafka.connect.data.SchemaBuilder builder = connectBuilder(avro, records);
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    private static org.apache.kafka.connect.data.SchemaBuilder connectBuilder(org.apache.avro.Schema avro,
                                                                             Map<String, Schema> records) {
        org.apache.avro.LogicalType logical = avro.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            org.apache.kafka.connect.data.SchemaBuilder builder = Decimal.builder(decimal.getScale());
            return decimal.getPrecision() == DEFAULT_DECIMAL_PRECISION ? builder
                    : builder.parameter(DECIMAL_PRECISION, String.valueOf(decimal.getPrecision()));
        }
        if (logical instanceof LogicalTypes.Date) {
            return Date.builder();
        }
        if (logical instanceof LogicalTypes.TimeMillis) {
            return Time.builder();
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
            return Timestamp.builder();
        }
        String connectType = avro.getProp(CONNECT_TYPE);
        return switch (avro.getType()) {
            case INT -> "int8".equals(connectType) ? org.apache.kafka.connect.data.SchemaBuilder.int8()
                    : "int16".equals(connectType) ? org.apache.kafka.connect.data.SchemaBuilder.int16()
                    : org.apache.kafka.connect.data.SchemaBuilder.int32();
            case LONG -> org.apache.kafka.connect.data.SchemaBuilder.int64();
            case FLOAT -> org.apache.kafka.connect.data.SchemaBuilder.float32();
            case DOUBLE -> org.apache.kafka.connect.data.SchemaBuilder.float64();
            case BOOLEAN -> org.apache.kafka.connect.data.SchemaBuilder.bool();
            case STRING, ENUM -> org.apache.kafka.connect.data.SchemaBuilder.string();
            case BYTES, FIXED -> org.apache.kafka.connect.data.SchemaBuilder.bytes();
            case ARRAY -> {
                org.apache.avro.Schema element = avro.getElementType();
                if (MAP_TYPE.equals(connectType) && element.getType() == org.apache.avro.Schema.Type.RECORD) {
                    yield org.apache.kafka.connect.data.SchemaBuilder.map(
                            toConnectSchema(element.getFields().get(0).schema(), false, records),
                            toConnectSchema(element.getFields().get(1).schema(), false, records));
                }
                yield org.apache.kafka.connect.data.SchemaBuilder.array(toConnectSchema(element, false, records));
            }
            case MAP -> org.apache.kafka.connect.data.SchemaBuilder.map(Schema.STRING_SCHEMA,
                    toConnectSchema(avro.getValueType(), false, records));
            case RECORD -> {
                if (records.containsKey(avro.getFullName())) {
                    throw new DataException("Recursive Avro record " + avro.getFullName() + " has no Connect schema");
                }
                records.put(avro.getFullName(), null);
                org.apache.kafka.connect.data.SchemaBuilder struct = org.apache.kafka.connect.data.SchemaBuilder.struct();
                if (!"true".equals(avro.getProp(GENERATED_NAME))) {
                    struct.name(avro.getFullName());
                }
                if (avro.getDoc() != null) {
                    struct.doc(avro.getDoc());
                }
                for (org.apache.avro.Schema.Field field : avro.getFields()) {
                    String name = field.getProp(CONNECT_NAME) != null ? field.getProp(CONNECT_NAME) : field.name();
                    struct.field(name, toConnectSchema(field.schema(), false, records));
                }
                records.remove(avro.getFullName());
                yield struct;
            }
            case UNION, NULL -> throw new DataException("Avro type " + avro.getType() + " has no Connect schema here: "
                    + avro);
        };
    }

    /**
     * The value at the schema's scale: Avro stores only the unscaled digits, so 1.5 (scale 1, as JsonConverter
     * reads a NUMERIC decimal) must become 1.50 for a scale-2 field, or it would read back as 0.15.
     */
    private static BigDecimal atScale(BigDecimal value, Schema schema) {
        int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
        if (value.scale() == scale) {
            return value;
        }
        try {
            return value.setScale(scale, java.math.RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new DataException("decimal " + value.toPlainString() + " does not fit the schema's scale " + scale
                    + " without losing digits");
        }
    }

    /** The Avro datum ({@code GenericRecord}, boxed primitive, list, map, ByteBuffer) of a Connect value. */
    public static Object toAvro(Schema schema, org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        org.apache.avro.Schema target = nonNull(avro);
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return ByteBuffer.wrap(atScale((BigDecimal) value, schema).unscaledValue().toByteArray());
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return (int) Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY);
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return (int) ((java.util.Date) value).getTime();
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return ((java.util.Date) value).getTime();
        }
        return switch (schema.type()) {
            case INT8, INT16 -> ((Number) value).intValue();
            case INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> value;
            case BYTES -> value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    list.add(toAvro(schema.valueSchema(), target.getElementType(), item));
                }
                yield list;
            }
            case MAP -> {
                Map<?, ?> map = (Map<?, ?>) value;
                if (target.getType() == org.apache.avro.Schema.Type.MAP) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    map.forEach((k, v) -> out.put((String) k, toAvro(schema.valueSchema(), target.getValueType(), v)));
                    yield out;
                }
                org.apache.avro.Schema entry = target.getElementType();
                List<GenericRecord> entries = new ArrayList<>();
                map.forEach((k, v) -> {
                    GenericData.Record record = new GenericData.Record(entry);
                    record.put(0, toAvro(schema.keySchema(), entry.getFields().get(0).schema(), k));
                    record.put(1, toAvro(schema.valueSchema(), entry.getFields().get(1).schema(), v));
                    entries.add(record);
                });
                yield entries;
            }
            case STRUCT -> {
                Struct struct = (Struct) value;
                GenericData.Record record = new GenericData.Record(target);
                List<Field> fields = schema.fields();
                for (int i = 0; i < fields.size(); i++) {
                    Field field = fields.get(i);
                    try {
                        record.put(i, toAvro(field.schema(), target.getFields().get(i).schema(), struct.get(field)));
                    } catch (DataException e) {
                        throw new DataException("field '" + field.name() + "': " + e.getMessage(), e);
                    }
                }
                yield record;
            }
        };
    }

    /** The Connect value of an Avro datum, read against the Connect schema it was written with. */
    public static Object toConnect(Schema schema, org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        org.apache.avro.Schema source = nonNull(avro);
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return new BigDecimal(new BigInteger(Buffers.toArray((ByteBuffer) value)), Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return new java.util.Date(((Number) value).longValue() * MILLIS_PER_DAY);
        }
        if (Time.LOGICAL_NAME.equals(logical) || Timestamp.LOGICAL_NAME.equals(logical)) {
            return new java.util.Date(((Number) value).longValue());
        }
        return switch (schema.type()) {
            case INT8 -> ((Number) value).byteValue();
            case INT16 -> ((Number) value).shortValue();
            case INT32 -> ((Number) value).intValue();
            case INT64 -> ((Number) value).longValue();
            case FLOAT32 -> ((Number) value).floatValue();
            case FLOAT64 -> ((Number) value).doubleValue();
            case BOOLEAN -> value;
            case STRING -> value.toString();
            case BYTES -> value instanceof byte[] bytes ? bytes
                    : value instanceof org.apache.avro.generic.GenericFixed fixed ? fixed.bytes()
                    : Buffers.toArray((ByteBuffer) value);
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    list.add(toConnect(schema.valueSchema(), source.getElementType(), item));
                }
                yield list;
            }
            case MAP -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (source.getType() == org.apache.avro.Schema.Type.MAP) {
                    ((Map<?, ?>) value).forEach((k, v) ->
                            map.put(k.toString(), toConnect(schema.valueSchema(), source.getValueType(), v)));
                } else {
                    org.apache.avro.Schema entry = source.getElementType();
                    for (Object item : (Collection<?>) value) {
                        GenericRecord record = (GenericRecord) item;
                        map.put(toConnect(schema.keySchema(), entry.getFields().get(0).schema(), record.get(0)),
                                toConnect(schema.valueSchema(), entry.getFields().get(1).schema(), record.get(1)));
                    }
                }
                yield map;
            }
            case STRUCT -> {
                GenericRecord record = (GenericRecord) value;
                Struct struct = new Struct(schema);
                List<Field> fields = schema.fields();
                for (int i = 0; i < fields.size(); i++) {
                    Field field = fields.get(i);
                    struct.put(field, toConnect(field.schema(), source.getFields().get(i).schema(), record.get(i)));
                }
                yield struct;
            }
        };
    }

    private static org.apache.avro.Schema nonNull(org.apache.avro.Schema schema) {
        if (schema.getType() != org.apache.avro.Schema.Type.UNION) {
            return schema;
        }
        for (org.apache.avro.Schema branch : schema.getTypes()) {
            if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
                return branch;
            }
        }
        throw new DataException("Avro union without a non-null branch: " + schema);
    }

    /** One schema conversion: keeps record names unique and reuses a record for a repeated struct schema. */
    private static final class SchemaBuilding {
        private final Map<Schema, org.apache.avro.Schema> records = new HashMap<>();
        private final Set<String> usedNames = new HashSet<>();

        org.apache.avro.Schema avro(Schema schema, String suggestedName) {
            org.apache.avro.Schema base = nonNullAvro(schema, suggestedName);
            if (!schema.isOptional()) {
                return base;
            }
            return org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), base);
        }

        private org.apache.avro.Schema nonNullAvro(Schema schema, String suggestedName) {
            String logical = schema.name();
            if (Decimal.LOGICAL_NAME.equals(logical)) {
                int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                String precisionParam = schema.parameters().get(DECIMAL_PRECISION);
                int precision = precisionParam != null ? Integer.parseInt(precisionParam)
                        : Math.max(DEFAULT_DECIMAL_PRECISION, scale);
                return LogicalTypes.decimal(precision, scale)
                        .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES));
            }
            if (Date.LOGICAL_NAME.equals(logical)) {
                return LogicalTypes.date().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            }
            if (Time.LOGICAL_NAME.equals(logical)) {
                return LogicalTypes.timeMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            }
            if (Timestamp.LOGICAL_NAME.equals(logical)) {
                return LogicalTypes.timestampMillis()
                        .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
            }
            return switch (schema.type()) {
                case INT8, INT16 -> {
                    org.apache.avro.Schema narrow = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                    narrow.addProp(CONNECT_TYPE, schema.type().getName());
                    yield narrow;
                }
                case INT32 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                case INT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
                case FLOAT32 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.FLOAT);
                case FLOAT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.DOUBLE);
                case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
                case STRING -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
                case BYTES -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES);
                case ARRAY -> org.apache.avro.Schema.createArray(avro(schema.valueSchema(), suggestedName + "_item"));
                case MAP -> {
                    if (schema.keySchema().type() == Schema.Type.STRING && !schema.keySchema().isOptional()
                            && schema.keySchema().name() == null) {
                        yield org.apache.avro.Schema.createMap(avro(schema.valueSchema(), suggestedName + "_value"));
                    }
                    org.apache.avro.Schema entry = org.apache.avro.Schema.createRecord(unique(suggestedName + "_entry"),
                            null, null, false, List.of(
                                    new org.apache.avro.Schema.Field("key", avro(schema.keySchema(), suggestedName + "_key")),
                                    new org.apache.avro.Schema.Field("value", avro(schema.valueSchema(), suggestedName + "_value"))));
                    entry.addProp(GENERATED_NAME, "true");
                    org.apache.avro.Schema entries = org.apache.avro.Schema.createArray(entry);
                    entries.addProp(CONNECT_TYPE, MAP_TYPE);
                    yield entries;
                }
                case STRUCT -> record(schema, suggestedName);
            };
        }

        private org.apache.avro.Schema record(Schema schema, String suggestedName) {
            org.apache.avro.Schema known = records.get(schema);
            if (known != null) {
                return known;
            }
            String fullName = unique(schema.name() != null ? schema.name() : suggestedName);
            int dot = fullName.lastIndexOf('.');
            org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(
                    fullName.substring(dot + 1), schema.doc(), dot < 0 ? null : fullName.substring(0, dot), false);
            if (schema.name() == null) {
                record.addProp(GENERATED_NAME, "true");
            }
            records.put(schema, record);
            List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
            Set<String> fieldNames = new HashSet<>();
            for (Field field : schema.fields()) {
                String name = avroName(field.name());
                while (!fieldNames.add(name)) {
                    name = name + "_";
                }
                org.apache.avro.Schema fieldSchema = avro(field.schema(), fullName + "_" + name);
                org.apache.avro.Schema.Field avroField = field.schema().isOptional()
                        ? new org.apache.avro.Schema.Field(name, fieldSchema, field.schema().doc(), JsonProperties.NULL_VALUE)
                        : new org.apache.avro.Schema.Field(name, fieldSchema, field.schema().doc());
                if (!name.equals(field.name())) {
                    avroField.addProp(CONNECT_NAME, field.name());
                }
                fields.add(avroField);
            }
            record.setFields(fields);
            return record;
        }

        /** A full name (namespace.name) made of Avro-legal parts and not used before in this schema. */
        private String unique(String wanted) {
            String[] parts = wanted.split("\\.");
            StringBuilder legal = new StringBuilder();
            for (String part : parts) {
                if (part.isEmpty()) {
                    continue;
                }
                if (!legal.isEmpty()) {
                    legal.append('.');
                }
                legal.append(avroName(part));
            }
            String base = legal.isEmpty() ? "Record" : legal.toString();
            String name = base;
            for (int i = 2; !usedNames.add(name); i++) {
                name = base + "_" + i;
            }
            return name;
        }

        private static String avroName(String name) {
            StringBuilder out = new StringBuilder(name.length());
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
                boolean digit = c >= '0' && c <= '9';
                out.append(letter || (digit && i > 0) ? c : '_');
            }
            return out.isEmpty() ? "_" : out.toString();
        }
    }
}
