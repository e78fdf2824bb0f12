package io.streamgrid.coap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgrid.common.format.JsonSchemaInference;
import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.Condition;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.Position;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * One statement at work: which resource (or, for {@code .well-known/core}, which discovered resources), how
 * it is read (observed, polled, discovered), and what the record keeps of each response.
 */
final class CoapStatement {

    enum Mode { OBSERVE, POLL, DISCOVER }

    static final String DISCOVERY_PATH = ".well-known/core";
    static final String MODE = "mode";
    static final String INTERVAL = "interval.ms";
    static final String RESOURCE_TYPE = "rt";
    static final String INTERFACE = "if";
    static final String DISCOVERY_INTERVAL = "discovery.interval.ms";
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(60);
    private static final Set<String> PROPERTIES = Set.of(MODE, INTERVAL, RESOURCE_TYPE, INTERFACE, DISCOVERY_INTERVAL);
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KcqlStatement statement;
    private final String resource;
    private final Mode mode;
    private final Duration interval;
    private final String resourceType;
    private final String interfaceDescription;
    private final FieldProjection projection;
    private final boolean readsPayloadFields;
    private final NameTemplate targetTemplate;
    /** The WHERE condition, or null; whether it reads payload.<field>. */
    private final RecordFilter where;
    private final boolean whereReadsPayloadFields;

    private CoapStatement(KcqlStatement statement, String resource, Mode mode, Duration interval, String resourceType,
                          String interfaceDescription, boolean readsPayloadFields) {
        this.statement = statement;
        this.resource = resource;
        this.mode = mode;
        this.interval = interval;
        this.resourceType = resourceType;
        this.interfaceDescription = interfaceDescription;
        FieldProjection fields = FieldProjection.of(statement);
        this.projection = fields.isIdentity() ? null : fields;
        this.readsPayloadFields = readsPayloadFields;
        this.where = RecordFilter.of(statement);
        this.targetTemplate = NameTemplate.parse(statement.target());
        this.whereReadsPayloadFields = statement.where().stream().flatMap(c -> c.fields().stream())
                .anyMatch(f -> f.path().kind() == io.streamgrid.kcql.FieldKind.VALUE && f.path().segments().size() > 1);
    }

    static void check(KcqlStatement statement) {
        compile(statement);
    }

    static CoapStatement compile(KcqlStatement statement) {
        String target = statement.target();
        NameTemplate template;
        try {
            template = NameTemplate.parse(target);
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, e.getMessage());
        }
        for (String reference : template.references()) {
            if (!reference.equals("resource") && !reference.equals("host")) {
                throw statement.errorAt(statement.positionAfter("INTO", target), target, "'${" + reference + "}': a "
                        + "CoAP statement names its Kafka topic after ${resource} (the resource path) or ${host}");
            }
        }
        String literal = template.literalText();
        if (!template.isConstant()) {
            if (!literal.isEmpty() && !KAFKA_TOPIC.matcher(literal).matches()) {
                throw statement.errorAt(statement.positionAfter("INTO", target), target, "'" + target + "' has "
                        + "characters a Kafka topic name cannot hold outside its ${...}");
            }
        } else if (!KAFKA_TOPIC.matcher(target).matches() || target.equals(".") || target.equals("..")) {
            throw statement.errorAt(statement.positionAfter("INTO", target), target, "'" + target + "' is not a Kafka topic name (letters, "
                    + "digits, '.', '_' and '-', at most 249)");
        }
        String resource = statement.source().startsWith("/") ? statement.source().substring(1) : statement.source();
        Map<String, String> properties = statement.properties();
        for (String key : properties.keySet()) {
            if (!PROPERTIES.contains(key)) {
                throw propertyError(statement, "unknown property '" + key + "'; a CoAP statement takes " + PROPERTIES);
            }
        }
        boolean discovery = resource.equals(DISCOVERY_PATH) || resource.startsWith(DISCOVERY_PATH + "?");
        String modeName = properties.getOrDefault(MODE, "observe").trim().toLowerCase(Locale.ROOT);
        if (!modeName.equals("observe") && !modeName.equals("poll")) {
            throw propertyError(statement, "mode is observe or poll, not " + properties.get(MODE));
        }
        Mode mode = discovery ? Mode.DISCOVER : modeName.equals("poll") ? Mode.POLL : Mode.OBSERVE;
        if (discovery && modeName.equals("poll")) {
            throw propertyError(statement, "FROM " + DISCOVERY_PATH + " observes what it discovers; it cannot poll");
        }
        if (!discovery && (properties.containsKey(RESOURCE_TYPE) || properties.containsKey(INTERFACE)
                || properties.containsKey(DISCOVERY_INTERVAL))) {
            throw propertyError(statement, "rt, if and discovery.interval.ms apply to FROM " + DISCOVERY_PATH);
        }
        Duration interval = millis(statement, discovery ? DISCOVERY_INTERVAL : INTERVAL,
                discovery ? DEFAULT_DISCOVERY_INTERVAL : DEFAULT_POLL_INTERVAL);
        boolean readsPayloadFields = false;
        List<FieldPath> paths = new ArrayList<>();
        statement.fields().forEach(f -> paths.add(f.path()));
        int selected = paths.size();
        paths.addAll(statement.ignore());
        for (int i = 0; i < paths.size(); i++) {
            FieldPath path = paths.get(i);
            if (path.segments().isEmpty()) {
                continue;
            }
            String first = path.segments().get(0);
            Position where = i < selected ? statement.positionInSelect(first)
                    : statement.positionIn(Clause.IGNORE, first);
            if (CoapRecords.VALUE_SCHEMA.field(first) == null) {
                throw statement.errorAt(where, path.toString(), "'" + first + "' is not a field of a CoAP "
                        + "response; the fields are " + CoapRecords.VALUE_SCHEMA.fields().stream().map(Field::name).toList());
            }
            if (path.segments().size() > 1) {
                if (!first.equals("payload")) {
                    throw statement.errorAt(where, path.toString(), "'" + first + "' has no fields; only "
                            + "payload.<field> reads inside a (JSON) value");
                }
                readsPayloadFields = true;
            }
        }
        statement.where().ifPresent(condition -> checkWhere(statement, condition));
        return new CoapStatement(statement, discovery ? DISCOVERY_PATH : resource, mode, interval,
                properties.get(RESOURCE_TYPE), properties.get(INTERFACE), readsPayloadFields);
    }

    /**
     * A CoAP response's schema is known before any response arrives, so WHERE is checked against it here: every
     * field must be one of the response's (payload.<field> reads its JSON), and a field compared with a literal
     * must be of the literal's kind.
     */
    private static void checkWhere(KcqlStatement statement, Condition condition) {
        for (Condition.Operand.Field field : condition.fields()) {
            FieldPath path = field.path();
            if (path.kind() != io.streamgrid.kcql.FieldKind.VALUE || path.segments().isEmpty()) {
                continue;
            }
            String first = path.segments().get(0);
            if (CoapRecords.VALUE_SCHEMA.field(first) == null) {
                throw statement.errorAt(field.position(), field.written(), "'" + first + "' is not a field of a CoAP "
                        + "response; the fields are " + CoapRecords.VALUE_SCHEMA.fields().stream().map(Field::name).toList());
            }
            if (path.segments().size() > 1 && !first.equals("payload")) {
                throw statement.errorAt(field.position(), field.written(), "'" + first + "' has no fields; only "
                        + "payload.<field> reads inside a (JSON) value");
            }
        }
        checkKinds(statement, condition);
    }

    private static void checkKinds(KcqlStatement statement, Condition condition) {
        if (condition instanceof Condition.And and) {
            checkKinds(statement, and.left());
            checkKinds(statement, and.right());
        } else if (condition instanceof Condition.Or or) {
            checkKinds(statement, or.left());
            checkKinds(statement, or.right());
        } else if (condition instanceof Condition.Not not) {
            checkKinds(statement, not.inner());
        } else if (condition instanceof Condition.Comparison c) {
            checkKind(statement, c.left(), c.right());
            checkKind(statement, c.right(), c.left());
        } else if (condition instanceof Condition.In in) {
            in.values().forEach(value -> checkKind(statement, in.operand(), value));
        } else if (condition instanceof Condition.Like like && like.operand() instanceof Condition.Operand.Field f
                && kindOf(f) != null && !kindOf(f).equals("string")) {
            throw statement.errorAt(like.position(), "LIKE", "'" + f + "' is a " + kindOf(f)
                    + " field of a CoAP response, and LIKE matches strings");
        }
    }

    private static void checkKind(KcqlStatement statement, Condition.Operand side, Condition.Operand other) {
        if (!(side instanceof Condition.Operand.Field field) || !(other instanceof Condition.Operand.Literal literal)) {
            return;
        }
        String fieldKind = kindOf(field);
        String literalKind = literal.value() instanceof java.math.BigDecimal ? "number"
                : literal.value() instanceof String ? "string" : "boolean";
        if (fieldKind != null && !fieldKind.equals(literalKind)) {
            throw statement.errorAt(field.position(), field.written(), "'" + field + "' is a " + fieldKind
                    + " field of a CoAP response, compared here with the " + literalKind + " " + literal);
        }
    }

    /** The kind of a top-level response field (number, string, boolean), or null for payload fields. */
    private static String kindOf(Condition.Operand.Field field) {
        FieldPath path = field.path();
        if (path.kind() != io.streamgrid.kcql.FieldKind.VALUE || path.segments().size() != 1) {
            return null;
        }
        Schema.Type type = CoapRecords.VALUE_SCHEMA.field(path.segments().get(0)).schema().type();
        return switch (type) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 -> "number";
            default -> null;
        };
    }

    /** Whether the statement's WHERE keeps a response (always without WHERE); bad data: DataException. */
    boolean keeps(Struct response, String resourcePath) {
        if (where == null) {
            return true;
        }
        Struct input = whereReadsPayloadFields ? withJsonPayload(response) : response;
        return where.keeps(RecordView.ofValue(resourcePath, input.schema(), input));
    }

    private static Duration millis(KcqlStatement statement, String key, Duration fallback) {
        String value = statement.properties().get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms >= 10) {
                return Duration.ofMillis(ms);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw propertyError(statement, key + " is a number of milliseconds, at least 10, not " + value);
    }

    private static RuntimeException propertyError(KcqlStatement statement, String reason) {
        return statement.errorAt(statement.clausePositions().getOrDefault(Clause.PROPERTIES, statement.start()),
                "PROPERTIES", reason);
    }

    String target() {
        return statement.target();
    }

    /**
     * The Kafka topic of a resource's records: the target, with {@code ${resource}} the resource path ('/' as '.',
     * other characters a topic name cannot hold as '_') and {@code ${host}} the server's host.
     */
    String topicFor(CoapUri resource) {
        if (targetTemplate.isConstant()) {
            return statement.target();
        }
        return targetTemplate.resolve(reference -> reference.equals("host") ? topicSafe(resource.host())
                : topicSafe(resource.path() == null ? "" : resource.path().replace('/', '.')));
    }

    private static String topicSafe(String text) {
        String safe = text.replaceAll("[^a-zA-Z0-9._-]", "_");
        return safe.isEmpty() ? "_" : safe;
    }

    /** The resource path (without leading '/'), or {@code .well-known/core} for a discovery statement. */
    String resource() {
        return resource;
    }

    Mode mode() {
        return mode;
    }

    Duration interval() {
        return interval;
    }

    /** Whether a discovered link belongs to this statement: observable, with the wanted rt and if, if any. */
    boolean wants(List<String> resourceTypes, List<String> interfaces, boolean observable) {
        return observable && (resourceType == null || resourceTypes.contains(resourceType))
                && (interfaceDescription == null || interfaces.contains(interfaceDescription));
    }

    /** The record value: the response struct, projected; payload fields read from its JSON. Bad data: DataException. */
    SchemaAndValue value(Struct response, String resourcePath) {
        if (projection == null) {
            return new SchemaAndValue(CoapRecords.VALUE_SCHEMA, response);
        }
        Struct input = readsPayloadFields ? withJsonPayload(response) : response;
        return projection.apply(RecordView.ofValue(resourcePath, input.schema(), input));
    }

    /** The response with {@code payload} replaced by the struct its JSON text holds. */
    private static Struct withJsonPayload(Struct response) {
        String text = response.getString("payload");
        if (text == null) {
            throw new DataException("the payload is not text (content format " + response.get("content_format")
                    + "), so payload.<field> cannot be read");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            throw new DataException("the payload is not JSON, so payload.<field> cannot be read: " + e.getMessage(), e);
        }
        SchemaAndValue payload = JsonSchemaInference.infer(node);
        SchemaBuilder schema = SchemaBuilder.struct().name(CoapRecords.VALUE_SCHEMA.name());
        for (Field field : CoapRecords.VALUE_SCHEMA.fields()) {
            schema.field(field.name(), field.name().equals("payload") ? payload.schema() : field.schema());
        }
        Schema expanded = schema.build();
        Struct out = new Struct(expanded);
        for (Field field : expanded.fields()) {
            out.put(field, field.name().equals("payload") ? payload.value() : response.get(field.name()));
        }
        return out;
    }

    @Override
    public String toString() {
        return statement.text();
    }

}
