package io.streamgrid.coap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.common.format.JsonSchemaInference;
import io.streamgrid.common.format.Senml;
import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.KeyFields;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.Condition;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.Position;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * What a CoAP statement makes of one message, a response (client mode) or a device's request (server mode), the
 * same in both modes: the message struct, its {@code payload.<field>}s read from the JSON text of the payload (CBOR
 * payloads hold theirs as JSON text), kept or not by WHERE, projected by SELECT and IGNORE, keyed by WITHKEY. With
 * {@code WITHCONVERTER = `senml`} each record of the payload's SenML pack (JSON or CBOR, by content format) is a value
 * of its own, keyed by its name. Both schemas are known before any message arrives, so every field a statement names
 * is checked at compile time, with its position.
 */
public final class MessageShape {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record a message gives: its key (null: the mode's default key) and value, and the message it came from. */
    public record Shaped(String key, SchemaAndValue value, Struct message) {
    }

    /** The records a message gives, and how many of its values WHERE kept out. */
    public record Result(List<Shaped> records, int filtered) {
        public Result {
            records = List.copyOf(records);
        }
    }

    /** WITHCONVERTER's name for SenML packs. */
    public static final String SENML = "senml";

    private final boolean senml;
    private final FieldProjection projection;
    private final RecordFilter where;
    private final KeyFields keys;
    /** Whether SELECT, IGNORE, WHERE, WITHKEY or a topic template read payload.<field>. */
    private final boolean readsPayloadFields;

    private MessageShape(KcqlStatement statement, boolean senml, boolean readsPayloadFields) {
        this.senml = senml;
        FieldProjection fields = FieldProjection.of(statement);
        this.projection = fields.isIdentity() ? null : fields;
        this.where = RecordFilter.of(statement);
        this.keys = KeyFields.of(statement);
        this.readsPayloadFields = readsPayloadFields;
    }

    /**
     * Checks the fields of {@code statement} against {@code schema} (a {@code what}, e.g. "CoAP response", names it
     * in errors) and compiles it; {@code templateFields} are the fields a topic template reads.
     */
    public static MessageShape compile(KcqlStatement statement, Schema schema, String what,
                                       List<FieldPath> templateFields) {
        boolean senml = false;
        if (statement.converter().isPresent()) {
            String name = statement.converter().get().trim().toLowerCase(Locale.ROOT);
            if (!name.equals(SENML)) {
                throw statement.errorAt(statement.clausePositions().getOrDefault(Clause.WITHCONVERTER,
                        statement.start()), statement.converter().get(), "unknown converter '" + name + "' for a "
                        + "CoAP statement: WITHCONVERTER = `senml` makes a record of each SenML record; without it "
                        + "the record is the " + what + " (payload.<field> reads a JSON or CBOR payload)");
            }
            senml = true;
            schema = Senml.RECORD_SCHEMA;
            what = "SenML record (WITHCONVERTER = `senml`)";
        }
        boolean readsPayload = false;
        List<FieldPath> paths = new ArrayList<>();
        statement.fields().forEach(f -> paths.add(f.path()));
        int selected = paths.size();
        paths.addAll(statement.ignore());
        int ignored = paths.size();
        paths.addAll(statement.keyFields());
        for (int i = 0; i < paths.size(); i++) {
            FieldPath path = paths.get(i);
            if (path.segments().isEmpty()) {
                continue;
            }
            String first = path.segments().get(0);
            Position at = i < selected ? statement.positionInSelect(first)
                    : statement.positionIn(i < ignored ? Clause.IGNORE : Clause.WITHKEY, first);
            readsPayload |= checkField(statement, schema, what, path, at, path.toString());
        }
        for (FieldPath path : templateFields) {
            readsPayload |= checkField(statement, schema, what, path, statement.positionAfter("INTO",
                    statement.target()), statement.target());
        }
        if (statement.where().isPresent()) {
            Condition condition = statement.where().get();
            for (Condition.Operand.Field field : condition.fields()) {
                if (field.path().kind() == FieldKind.VALUE) {
                    readsPayload |= checkField(statement, schema, what, field.path(), field.position(), field.written());
                }
            }
            checkKinds(statement, condition, schema, what);
        }
        return new MessageShape(statement, senml, readsPayload);
    }

    /** Checks one value field; true when it reads inside the payload. */
    private static boolean checkField(KcqlStatement statement, Schema schema, String what, FieldPath path, Position at,
                                      String written) {
        if (path.kind() != FieldKind.VALUE || path.segments().isEmpty()) {
            return false;
        }
        String first = path.segments().get(0);
        if (schema.field(first) == null) {
            throw statement.errorAt(at, written, "'" + first + "' is not a field of a " + what + "; the fields are "
                    + schema.fields().stream().map(Field::name).toList());
        }
        if (path.segments().size() == 1) {
            return false;
        }
        if (!first.equals("payload")) {
            throw statement.errorAt(at, written, "'" + first + "' has no fields; only payload.<field> reads inside a "
                    + "(JSON or CBOR) value");
        }
        return true;
    }

    private static void checkKinds(KcqlStatement statement, Condition condition, Schema schema, String what) {
        if (condition instanceof Condition.And and) {
            checkKinds(statement, and.left(), schema, what);
            checkKinds(statement, and.right(), schema, what);
        } else if (condition instanceof Condition.Or or) {
            checkKinds(statement, or.left(), schema, what);
            checkKinds(statement, or.right(), schema, what);
        } else if (condition instanceof Condition.Not not) {
            checkKinds(statement, not.inner(), schema, what);
        } else if (condition instanceof Condition.Comparison c) {
            checkKind(statement, c.left(), c.right(), schema, what);
            checkKind(statement, c.right(), c.left(), schema, what);
        } else if (condition instanceof Condition.In in) {
            in.values().forEach(value -> checkKind(statement, in.operand(), value, schema, what));
        } else if (condition instanceof Condition.Like like && like.operand() instanceof Condition.Operand.Field f
                && kindOf(f, schema) != null && !kindOf(f, schema).equals("string")) {
            throw statement.errorAt(like.position(), "LIKE", "'" + f + "' is a " + kindOf(f, schema)
                    + " field of a " + what + ", and LIKE matches strings");
        }
    }

    private static void checkKind(KcqlStatement statement, Condition.Operand side, Condition.Operand other,
                                  Schema schema, String what) {
        if (!(side instanceof Condition.Operand.Field field) || !(other instanceof Condition.Operand.Literal literal)) {
            return;
        }
        String fieldKind = kindOf(field, schema);
        String literalKind = literal.value() instanceof BigDecimal ? "number"
                : literal.value() instanceof String ? "string" : "boolean";
        if (fieldKind != null && !fieldKind.equals(literalKind)) {
            throw statement.errorAt(field.position(), field.written(), "'" + field + "' is a " + fieldKind
                    + " field of a " + what + ", compared here with the " + literalKind + " " + literal);
        }
    }

    /** The kind of a top-level field (number, string, boolean), or null for payload fields and other types. */
    private static String kindOf(Condition.Operand.Field field, Schema schema) {
        FieldPath path = field.path();
        if (path.kind() != FieldKind.VALUE || path.segments().size() != 1 || schema.field(path.segments().get(0)) == null) {
            return null;
        }
        return switch (schema.field(path.segments().get(0)).schema().type()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 -> "number";
            default -> null;
        };
    }

    /**
     * The records of one message (from {@code origin}, a resource or a request path, for messages); bad data (a
     * payload field of a payload that is not JSON, a missing key field) is a DataException.
     */
    public Result shape(Struct message, String origin) {
        if (senml) {
            return shapeSenml(message, origin);
        }
        Struct input = readsPayloadFields ? withParsedPayload(message) : message;
        RecordView view = RecordView.ofValue(origin, input.schema(), input);
        if (where != null && !where.keeps(view)) {
            return new Result(List.of(), 1);
        }
        SchemaAndValue value = projection == null ? new SchemaAndValue(input.schema(), input) : projection.apply(view);
        String key = keys == null ? null : keys.key(view, "the message of " + origin);
        return new Result(List.of(new Shaped(key, value, input)), 0);
    }

    /** Each resolved record of the message's SenML pack, relative times from the message's arrival. */
    private Result shapeSenml(Struct message, String origin) {
        byte[] payload = message.getBytes("payload_bytes");
        Integer contentFormat = message.getInt32("content_format");
        List<Struct> pack = Senml.records(payload == null ? new byte[0] : payload, Senml.isCbor(contentFormat),
                message.getInt64("ingest_time"));
        List<Shaped> records = new ArrayList<>(pack.size());
        int filtered = 0;
        for (Struct record : pack) {
            RecordView view = RecordView.ofValue(origin, Senml.RECORD_SCHEMA, record);
            if (where != null && !where.keeps(view)) {
                filtered++;
                continue;
            }
            SchemaAndValue value = projection == null ? new SchemaAndValue(Senml.RECORD_SCHEMA, record)
                    : projection.apply(view);
            String key = keys == null ? record.getString("n") : keys.key(view, "a SenML record of " + origin);
            records.add(new Shaped(key, value, record));
        }
        return new Result(records, filtered);
    }

    /** Whether the statement has WITHKEY (else the mode's default key applies). */
    public boolean hasKeyFields() {
        return keys != null;
    }

    /** The message with {@code payload} replaced by the struct its JSON text holds. */
    static Struct withParsedPayload(Struct message) {
        String text = message.getString("payload");
        if (text == null) {
            throw new DataException("the payload is not text, JSON or CBOR (content format "
                    + message.get("content_format") + "), so payload.<field> cannot be read");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            throw new DataException("the payload is not JSON, so payload.<field> cannot be read: " + e.getMessage(), e);
        }
        SchemaAndValue payload = JsonSchemaInference.infer(node);
        SchemaBuilder schema = SchemaBuilder.struct().name(message.schema().name());
        for (Field field : message.schema().fields()) {
            schema.field(field.name(), field.name().equals("payload") ? payload.schema() : field.schema());
        }
        Schema expanded = schema.build();
        Struct out = new Struct(expanded);
        for (Field field : expanded.fields()) {
            out.put(field, field.name().equals("payload") ? payload.value() : message.get(field.name()));
        }
        return out;
    }
}
