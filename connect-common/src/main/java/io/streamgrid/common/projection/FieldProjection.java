package io.streamgrid.common.projection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.SelectedField;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;

/**
 * Applies a statement's SELECT list and IGNORE clause to a record. A {@link Struct} value gives a
 * Struct with a schema built from the input schemas (kept in a cache, so it is built once per input
 * schema); a {@link Map} value, or a JSON object held in a string or bytes, gives a Map. Field types
 * are kept. A field that is not there is a {@link DataException} that names the record and the field.
 *
 * <p>{@code *} selects every top-level value field except the ignored ones and those the SELECT list
 * names on their own (so {@code SELECT *, a AS b} renames {@code a}); {@code a.*} puts the children of
 * {@code a} at the top level; a path {@code a.b.c} is named {@code c} unless aliased.
 *
 * <p>Not thread-safe: one instance per task.
 */
public final class FieldProjection {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final TypeReference<LinkedHashMap<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };
    private static final int MAX_CACHED_PLANS = 64;

    private final List<SelectedField> fields;
    private final IgnoreTree ignore;
    private final Set<String> namedTopLevel;
    private final boolean identity;
    private final boolean readsValue;
    private final boolean plansCacheable;
    private final boolean readsKey;
    private final Map<List<Schema>, Plan> plans = new HashMap<>();
    private Plan lastPlan;

    public FieldProjection(List<SelectedField> fields, List<FieldPath> ignore) {
        this.fields = List.copyOf(fields);
        this.ignore = IgnoreTree.of(ignore);
        this.namedTopLevel = fields.stream()
                .filter(f -> !f.wildcard() && f.path().kind() == FieldKind.VALUE && f.path().segments().size() == 1)
                .map(f -> f.path().segments().get(0))
                .collect(Collectors.toSet());
        this.identity = fields.size() == 1 && fields.get(0).isSelectAll() && ignore.isEmpty();
        this.readsValue = fields.stream().anyMatch(f -> f.path().kind() == FieldKind.VALUE);
        this.plansCacheable = fields.stream().noneMatch(f -> f.path().kind() == FieldKind.HEADER);
        this.readsKey = fields.stream().anyMatch(f -> f.path().kind() == FieldKind.KEY);
    }

    public static FieldProjection of(KcqlStatement statement) {
        return new FieldProjection(statement.fields(), statement.ignore());
    }

    /** True for a plain {@code SELECT *}: the value passes through untouched. */
    public boolean isIdentity() {
        return identity;
    }

    /**
     * The projected value and its schema (null for a Map result). A null value (a tombstone) stays null,
     * for the caller to handle, unless the projection reads only key, header and metadata fields.
     */
    public SchemaAndValue apply(RecordView record) {
        Object value = record.value();
        if (identity || (value == null && readsValue)) {
            return new SchemaAndValue(record.valueSchema(), value);
        }
        if (value instanceof Struct struct) {
            return applyToStruct(record, struct);
        }
        Map<?, ?> container = readsValue ? asMap(record, value) : null;
        return new SchemaAndValue(null, applyToMap(record, container));
    }

    // ---------------------------------------------------------------- Struct values

    private SchemaAndValue applyToStruct(RecordView record, Struct value) {
        Plan plan = plan(record, value.schema());
        Struct out = new Struct(plan.schema());
        List<Field> outFields = plan.schema().fields();
        for (int i = 0; i < outFields.size(); i++) {
            Object projected = plan.entries().get(i).read(record, value);
            try {
                out.put(outFields.get(i), projected);
            } catch (DataException e) {
                throw new DataException("Field '" + outFields.get(i).name() + "' of record " + record.describe()
                        + " does not match its schema: " + e.getMessage(), e);
            }
        }
        return new SchemaAndValue(plan.schema(), out);
    }

    /**
     * A plan is cached per value and key schema. A schemaless key gets its schema from its value, which may
     * differ from record to record ("abc", then 42, then null), so such plans are built per record.
     */
    private Plan plan(RecordView record, Schema valueSchema) {
        boolean cacheable = plansCacheable && !(readsKey && record.keySchema() == null);
        Plan last = lastPlan;
        if (cacheable && last != null && last.valueSchema() == valueSchema && last.keySchema() == record.keySchema()) {
            return last;
        }
        List<Schema> cacheKey = Arrays.asList(valueSchema, record.keySchema());
        Plan plan = cacheable ? plans.get(cacheKey) : null;
        if (plan == null) {
            plan = buildPlan(record, valueSchema);
            if (cacheable) {
                if (plans.size() >= MAX_CACHED_PLANS) {
                    plans.clear();
                }
                plans.put(cacheKey, plan);
            }
        }
        lastPlan = cacheable ? plan : null;
        return plan;
    }

    private Plan buildPlan(RecordView record, Schema valueSchema) {
        List<Entry> entries = new ArrayList<>();
        for (SelectedField field : fields) {
            FieldPath path = field.path();
            switch (path.kind()) {
                case VALUE -> addPart(entries, field, valueSchema, Part.VALUE, record);
                case KEY -> {
                    if (record.keySchema() != null) {
                        addPart(entries, field, record.keySchema(), Part.KEY, record);
                    } else if (field.wildcard()) {
                        addPart(entries, field, inferred(record, path, record.key()), Part.KEY, record);
                    } else { // schemaless: the type of what is at the path, which is not looked up again
                        Schema schema = inferred(record, path, navigate(record, path, record.key(), path.segments()));
                        entries.add(new Entry(field.outputName(), schema, Part.KEY, path, path.segments(), null));
                    }
                }
                case HEADER -> {
                    Header header = header(record, path);
                    List<String> inside = path.segments().subList(headerNameLength(record, path), path.segments().size());
                    Schema schema = header.schema() != null ? resolve(record, path, header.schema(), inside)
                            : inferred(record, path, navigate(record, path, header.value(), inside));
                    entries.add(new Entry(field.outputName(), schema, Part.HEADER, path, inside, null));
                }
                case METADATA -> entries.add(new Entry(field.outputName(), metadataSchema(path), Part.METADATA, path,
                        List.of(), null));
            }
        }
        SchemaBuilder builder = SchemaBuilder.struct();
        if (valueSchema.isOptional()) {
            builder.optional();
        }
        Set<String> names = new HashSet<>();
        for (Entry entry : entries) {
            if (!names.add(entry.name())) {
                throw duplicate(record, entry.name());
            }
            builder.field(entry.name(), entry.schema());
        }
        return new Plan(valueSchema, record.keySchema(), builder.build(), entries);
    }

    /** Adds a single field, or the children of a struct for a wildcard, read from the key or value. */
    private void addPart(List<Entry> entries, SelectedField field, Schema root, Part part, RecordView record) {
        FieldPath path = field.path();
        Schema schema = resolve(record, path, root, path.segments());
        IgnoreTree ignored = part == Part.VALUE ? ignore.at(path.segments()) : null;
        if (!field.wildcard()) {
            entries.add(new Entry(field.outputName(), strip(schema, ignored), part, path, path.segments(), ignored));
            return;
        }
        if (schema.type() != Schema.Type.STRUCT) {
            throw new DataException("'" + field + "' in record " + record.describe() + " selects the children of '"
                    + path + "', but it is a " + schema.type() + ", not a struct");
        }
        boolean topLevel = part == Part.VALUE && path.segments().isEmpty();
        for (Field child : schema.fields()) {
            IgnoreTree childIgnored = ignored == null ? null : ignored.child(child.name());
            if ((childIgnored != null && childIgnored.isWhole()) || (topLevel && namedTopLevel.contains(child.name()))) {
                continue;
            }
            List<String> childPath = append(path.segments(), child.name());
            Schema childSchema = schema.isOptional() ? Schemas.optional(child.schema()) : child.schema();
            entries.add(new Entry(child.name(), strip(childSchema, childIgnored), part, path, childPath, childIgnored));
        }
    }

    /** The schema at a path, optional when any struct on the way is optional. */
    private static Schema resolve(RecordView record, FieldPath full, Schema root, List<String> path) {
        Schema schema = root;
        boolean optional = false;
        for (String segment : path) {
            if (schema.type() == Schema.Type.STRUCT) {
                Field field = schema.field(segment);
                if (field == null) {
                    throw new DataException("Field '" + full + "' is not in record " + record.describe() + ": '"
                            + segment + "' is not one of its fields " + fieldNames(schema));
                }
                optional |= schema.isOptional();
                schema = field.schema();
            } else if (schema.type() == Schema.Type.MAP && schema.keySchema().type() == Schema.Type.STRING) {
                optional = true;
                schema = schema.valueSchema();
            } else {
                throw new DataException("Field '" + full + "' is not in record " + record.describe() + ": '"
                        + segment + "' is looked up inside a " + schema.type() + ", which has no fields");
            }
        }
        return optional ? Schemas.optional(schema) : schema;
    }

    private static Schema inferred(RecordView record, FieldPath path, Object value) {
        Schema schema = Schemas.infer(value);
        if (schema == null) {
            throw new DataException("Cannot tell the type of '" + path + "' in record " + record.describe()
                    + ": it has no schema and its value is a " + value.getClass().getSimpleName());
        }
        return schema;
    }

    private static Schema metadataSchema(FieldPath path) {
        return switch (path.segments().get(0)) {
            case "topic" -> Schema.STRING_SCHEMA;
            case "partition" -> Schema.OPTIONAL_INT32_SCHEMA;
            default -> Schema.OPTIONAL_INT64_SCHEMA;
        };
    }

    /** The schema without the ignored fields under it. */
    private static Schema strip(Schema schema, IgnoreTree ignored) {
        if (ignored == null || !ignored.hasChildren() || schema.type() != Schema.Type.STRUCT) {
            return schema;
        }
        SchemaBuilder builder = Schemas.copyHeader(schema);
        if (schema.isOptional()) {
            builder.optional();
        }
        for (Field field : schema.fields()) {
            IgnoreTree child = ignored.child(field.name());
            if (child == null || !child.isWhole()) {
                builder.field(field.name(), strip(field.schema(), child));
            }
        }
        return builder.build();
    }

    private static Object stripStruct(Object value, Schema stripped, IgnoreTree ignored) {
        if (ignored == null || !ignored.hasChildren() || !(value instanceof Struct struct)) {
            return value;
        }
        Struct out = new Struct(stripped);
        for (Field field : stripped.fields()) {
            out.put(field, stripStruct(struct.get(field.name()), field.schema(), ignored.child(field.name())));
        }
        return out;
    }

    // ---------------------------------------------------------------- Map and JSON values

    private Map<String, Object> applyToMap(RecordView record, Map<?, ?> value) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SelectedField field : fields) {
            FieldPath path = field.path();
            Object root = switch (path.kind()) {
                case VALUE -> value;
                case KEY -> record.key();
                case HEADER -> header(record, path).value();
                case METADATA -> metadata(record, path);
            };
            List<String> inside = switch (path.kind()) {
                case HEADER -> path.segments().subList(headerNameLength(record, path), path.segments().size());
                case METADATA -> List.of();
                default -> path.segments();
            };
            Object found = navigate(record, path, root, inside);
            IgnoreTree ignored = path.kind() == FieldKind.VALUE ? ignore.at(path.segments()) : null;
            if (!field.wildcard()) {
                put(out, record, field.outputName(), stripMap(found, ignored));
                continue;
            }
            boolean topLevel = path.kind() == FieldKind.VALUE && path.segments().isEmpty();
            for (Map.Entry<String, Object> child : children(record, field, found).entrySet()) {
                IgnoreTree childIgnored = ignored == null ? null : ignored.child(child.getKey());
                if ((childIgnored != null && childIgnored.isWhole()) || (topLevel && namedTopLevel.contains(child.getKey()))) {
                    continue;
                }
                put(out, record, child.getKey(), stripMap(child.getValue(), childIgnored));
            }
        }
        return out;
    }

    private static Map<String, Object> children(RecordView record, SelectedField field, Object container) {
        Map<String, Object> children = new LinkedHashMap<>();
        if (container instanceof Map<?, ?> map) {
            map.forEach((k, v) -> children.put(String.valueOf(k), v));
        } else if (container instanceof Struct struct) {
            struct.schema().fields().forEach(f -> children.put(f.name(), struct.get(f)));
        } else if (container != null) {
            throw new DataException("'" + field + "' in record " + record.describe() + " selects the children of '"
                    + field.path() + "', but it is a " + container.getClass().getSimpleName() + ", not an object");
        }
        return children;
    }

    private static Object stripMap(Object value, IgnoreTree ignored) {
        if (ignored == null || !ignored.hasChildren() || !(value instanceof Map<?, ?> map)) {
            return value;
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            IgnoreTree child = ignored.child(String.valueOf(k));
            if (child == null || !child.isWhole()) {
                out.put(k, stripMap(v, child));
            }
        });
        return out;
    }

    private static void put(Map<String, Object> out, RecordView record, String name, Object value) {
        if (out.containsKey(name)) {
            throw duplicate(record, name);
        }
        out.put(name, value);
    }

    private static Map<?, ?> asMap(RecordView record, Object value) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        String text = value instanceof String s ? s
                : value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
        if (text == null || !text.stripLeading().startsWith("{")) {
            throw new DataException("Cannot select fields from the value of record " + record.describe()
                    + ": it is a " + value.getClass().getSimpleName()
                    + ", not a struct, a map or a JSON object");
        }
        try {
            return JSON.readValue(text, JSON_OBJECT);
        } catch (JsonProcessingException e) {
            throw new DataException("The value of record " + record.describe() + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    // ---------------------------------------------------------------- shared

    /** Walks a path through structs and maps; a null on the way gives null, a missing name an error. */
    private static Object navigate(RecordView record, FieldPath full, Object root, List<String> path) {
        Object current = root;
        for (String segment : path) {
            if (current == null) {
                return null;
            }
            if (current instanceof Struct struct) {
                Field field = struct.schema().field(segment);
                if (field == null) {
                    throw new DataException("Field '" + full + "' is not in record " + record.describe() + ": '"
                            + segment + "' is not one of its fields " + fieldNames(struct.schema()));
                }
                current = struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(segment)) {
                    throw new DataException("Field '" + full + "' is not in record " + record.describe() + ": '"
                            + segment + "' is not one of its fields " + map.keySet());
                }
                current = map.get(segment);
            } else {
                throw new DataException("Field '" + full + "' is not in record " + record.describe() + ": '"
                        + segment + "' is looked up inside a " + current.getClass().getSimpleName()
                        + ", which has no fields");
            }
        }
        return current;
    }

    /**
     * How many segments of a header path name the header: names may hold dots ({@code mqtt.user.site}), so the
     * longest run that names a header of the record wins; 1 when none does.
     */
    private static int headerNameLength(RecordView record, FieldPath path) {
        List<String> segments = path.segments();
        for (int length = segments.size(); length > 1; length--) {
            if (record.headers().lastWithName(String.join(".", segments.subList(0, length))) != null) {
                return length;
            }
        }
        return 1;
    }

    private static Header header(RecordView record, FieldPath path) {
        String name = String.join(".", path.segments().subList(0, headerNameLength(record, path)));
        Header header = record.headers().lastWithName(name);
        if (header == null) {
            throw new DataException("Header '" + name + "' selected by '" + path
                    + "' is not in record " + record.describe());
        }
        return header;
    }

    private static Object metadata(RecordView record, FieldPath path) {
        return switch (path.segments().get(0)) {
            case "topic" -> record.topic();
            case "partition" -> record.partition();
            case "offset" -> record.offset();
            default -> record.timestamp();
        };
    }

    private static DataException duplicate(RecordView record, String name) {
        return new DataException("The projection of record " + record.describe() + " gives two fields named '"
                + name + "'; rename one with AS or IGNORE one");
    }

    private static String fieldNames(Schema struct) {
        return struct.fields().stream().map(Field::name).toList().toString();
    }

    private static List<String> append(List<String> path, String name) {
        List<String> longer = new ArrayList<>(path);
        longer.add(name);
        return longer;
    }

    private enum Part { VALUE, KEY, HEADER, METADATA }

    /** One output field: where it is read from and the ignores to apply to what is read. */
    private record Entry(String name, Schema schema, Part part, FieldPath path, List<String> inside,
                         IgnoreTree ignored) {

        Object read(RecordView record, Struct value) {
            Object root = switch (part) {
                case VALUE -> value;
                case KEY -> record.key();
                case HEADER -> header(record, path).value();
                case METADATA -> metadata(record, path);
            };
            Object found = navigate(record, path, root, inside);
            return stripStruct(found, schema, ignored);
        }
    }

    private record Plan(Schema valueSchema, Schema keySchema, Schema schema, List<Entry> entries) {
    }
}
