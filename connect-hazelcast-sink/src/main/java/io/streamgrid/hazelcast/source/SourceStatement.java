package io.streamgrid.hazelcast.source;

import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.Position;
import io.streamgrid.kcql.SelectedField;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * One statement at work in a task: which structure it reads, how an item's value becomes the record's value and key,
 * which items it keeps (WHERE) and which Kafka topic they go to. Not thread-safe (one per task, used by poll()).
 */
final class SourceStatement {

    static final String START_PROPERTY = "start";
    static final String ENVELOPE_PROPERTY = "envelope";
    static final String HEADERS_PROPERTY = "headers";
    static final Set<String> PROPERTIES = Set.of(START_PROPERTY, ENVELOPE_PROPERTY, HEADERS_PROPERTY);
    /** Hazelcast reads at most this many items per call (ringbuffers and journals alike). */
    static final int MAX_BATCH = 1000;
    static final String DEFAULT_KEY_DELIMITER = ".";
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final KcqlStatement statement;
    private final int number;
    private final StructureType type;
    private final NameTemplate target;
    private final FieldProjection projection;
    private final RecordFilter where;
    private final FieldProjection keyProjection;
    private final int keyParts;
    private final String keyDelimiter;
    private final Format format;
    private final boolean envelope;
    private final boolean headers;
    private final boolean needsHeaders;
    private final StructureType.Start start;
    private final int batch;
    private final RecordFields fields = new RecordFields();

    private SourceStatement(KcqlStatement statement, int number, NameTemplate target) {
        this.statement = statement;
        this.number = number;
        this.type = StructureType.of(statement.withType().orElseThrow());
        this.target = target;
        FieldProjection selected = FieldProjection.of(statement);
        this.projection = selected.isIdentity() ? null : selected;
        this.where = RecordFilter.of(statement);
        List<SelectedField> keys = new ArrayList<>();
        for (int i = 0; i < statement.keyFields().size(); i++) {
            keys.add(new SelectedField(statement.keyFields().get(i), false, "k" + i));
        }
        this.keyProjection = keys.isEmpty() ? null : new FieldProjection(keys, List.of());
        this.keyParts = keys.size();
        this.keyDelimiter = statement.keyDelimiter().orElse(DEFAULT_KEY_DELIMITER);
        this.format = statement.format().orElse(null);
        this.envelope = Boolean.parseBoolean(statement.properties().getOrDefault(ENVELOPE_PROPERTY, "false").trim());
        this.headers = Boolean.parseBoolean(statement.properties().getOrDefault(HEADERS_PROPERTY, "true").trim());
        this.needsHeaders = headers || readsHeaders(statement);
        String startValue = statement.properties().get(START_PROPERTY);
        this.start = startValue == null ? type.defaultStart()
                : StructureType.Start.valueOf(startValue.trim().toUpperCase(Locale.ROOT));
        this.batch = statement.batch().orElse(MAX_BATCH);
    }

    /** Compiles a statement that passed the capabilities; any other fault is a KcqlException with its position. */
    static SourceStatement compile(KcqlStatement statement, int number) {
        StructureType type = StructureType.of(statement.withType().orElseThrow());
        NameTemplate target = target(statement);
        Map<String, String> properties = statement.properties();
        for (String property : properties.keySet()) {
            if (!PROPERTIES.contains(property)) {
                throw statement.errorAt(position(statement, Clause.PROPERTIES), "PROPERTIES", "the Hazelcast source "
                        + "has no property '" + property + "'; it takes 'start', 'envelope' and 'headers'");
            }
        }
        String start = properties.get(START_PROPERTY);
        if (start != null && !List.of("earliest", "latest").contains(start.trim().toLowerCase(Locale.ROOT))) {
            throw statement.errorAt(position(statement, Clause.PROPERTIES), "PROPERTIES", "start is 'earliest' or "
                    + "'latest', not '" + start + "'");
        }
        for (String flag : List.of(ENVELOPE_PROPERTY, HEADERS_PROPERTY)) {
            String value = properties.get(flag);
            if (value != null && !List.of("true", "false").contains(value.trim().toLowerCase(Locale.ROOT))) {
                throw statement.errorAt(position(statement, Clause.PROPERTIES), "PROPERTIES", flag + " is 'true' or "
                        + "'false', not '" + value + "'");
            }
        }
        String envelope = properties.get(ENVELOPE_PROPERTY);
        if (envelope != null && Boolean.parseBoolean(envelope.trim()) && type != StructureType.MAP_JOURNAL) {
            throw statement.errorAt(position(statement, Clause.PROPERTIES), "PROPERTIES", "envelope = true writes a "
                    + "map change's event, key, old and new value; it needs WITHTYPE MAP_JOURNAL, not " + type);
        }
        if (type == StructureType.MAP_JOURNAL && statement.has(Clause.WITHKEY)) {
            throw statement.errorAt(position(statement, Clause.WITHKEY), "WITHKEY", "the key of a MAP_JOURNAL "
                    + "record is the map entry's key (so a compacted topic mirrors the map); leave WITHKEY out");
        }
        if (statement.batch().isPresent() && statement.batch().getAsInt() > MAX_BATCH) {
            throw statement.errorAt(position(statement, Clause.BATCH), "BATCH", "BATCH is at most " + MAX_BATCH
                    + " (Hazelcast reads at most that many items per call), not " + statement.batch().getAsInt());
        }
        return new SourceStatement(statement, number, target);
    }

    /** The Kafka topic as a template; its literal text and ${...} are checked here. */
    private static NameTemplate target(KcqlStatement statement) {
        String written = statement.target();
        Position at = statement.positionAfter("INTO", written);
        NameTemplate template;
        try {
            template = NameTemplate.parse(written);
            for (String reference : template.references()) {
                FieldKind kind = FieldPath.parse(reference).kind();
                if (kind != FieldKind.VALUE && kind != FieldKind.KEY) {
                    throw new IllegalArgumentException("'${" + reference + "}' is neither a field of the value nor "
                            + "the key (${_key}, ${_key.x})");
                }
            }
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(at, written, "the Kafka topic is named after the data with ${...}: "
                    + e.getMessage());
        }
        String literal = template.literalText();
        if (template.isConstant() ? !isKafkaTopic(written) : !literal.isEmpty() && !KAFKA_TOPIC.matcher(literal)
                .matches()) {
            throw statement.errorAt(at, written, "'" + written + "' is not a Kafka topic name (letters, digits, '.', "
                    + "'_' and '-', at most 249)" + (template.isConstant() ? "" : " outside its ${...}"));
        }
        return template;
    }

    /** Whether {@code name} can name a Kafka topic. */
    static boolean isKafkaTopic(String name) {
        return KAFKA_TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    private static Position position(KcqlStatement statement, Clause clause) {
        return statement.clausePositions().getOrDefault(clause, statement.start());
    }

    StructureType type() {
        return type;
    }

    String structure() {
        return statement.source();
    }

    /** The statement's place in the task's KCQL, from 1: the tag of its filtered-total metric. */
    int number() {
        return number;
    }

    Format format() {
        return format;
    }

    boolean envelope() {
        return envelope;
    }

    /**
     * Whether the records carry the hazelcast.* headers ({@code headers = false} leaves them out: the worker converts
     * and the producer writes every header of every record, a third of the task's time in benchmark case 9). WHERE,
     * SELECT and WITHKEY read them either way.
     */
    boolean headers() {
        return headers;
    }

    /** Whether the item's headers must be made: the records carry them, or SELECT, WITHKEY or WHERE read them. */
    boolean needsHeaders() {
        return needsHeaders;
    }

    private static boolean readsHeaders(KcqlStatement statement) {
        List<FieldPath> read = new ArrayList<>(statement.keyFields());
        statement.fields().forEach(field -> read.add(field.path()));
        statement.where().ifPresent(condition -> condition.fields().forEach(field -> read.add(field.path())));
        return read.stream().anyMatch(path -> path.kind() == FieldKind.HEADER);
    }

    /** Whether WITHKEY makes the record's key (otherwise it has none). */
    boolean keyed() {
        return keyProjection != null;
    }

    StructureType.Start start() {
        return start;
    }

    int batch() {
        return batch;
    }

    boolean hasStart() {
        return statement.properties().containsKey(START_PROPERTY);
    }

    KcqlStatement kcql() {
        return statement;
    }

    /** Whether the WHERE keeps the record (always, without WHERE). */
    boolean keeps(RecordView record) {
        return where == null || where.keeps(record);
    }

    /** The record's value after SELECT and IGNORE; a null value (a tombstone) stays null. */
    SchemaAndValue project(RecordView record) {
        if (record.value() == null || projection == null) {
            return new SchemaAndValue(record.valueSchema(), record.value());
        }
        return projection.apply(record);
    }

    /** The WITHKEY fields joined by KEYDELIMITER; null without WITHKEY. A missing field is bad data. */
    String key(RecordView record) {
        if (keyProjection == null) {
            return null;
        }
        Object projected = keyProjection.apply(record).value();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < keyParts; i++) {
            Object part = projected instanceof Struct struct ? struct.get("k" + i)
                    : projected instanceof Map<?, ?> map ? map.get("k" + i) : null;
            if (part == null) {
                throw new DataException("WITHKEY field '" + statement.keyFields().get(i) + "' is missing or null");
            }
            key.append(i == 0 ? "" : keyDelimiter).append(part);
        }
        return key.toString();
    }

    /**
     * The Kafka topic of a record: the target, or what its template gives for the record ({@code record}'s value is
     * the one that names it: for a tombstone, the value removed). A name it cannot give is bad data.
     */
    String kafkaTopic(RecordView record) {
        if (target.isConstant()) {
            return statement.target();
        }
        try {
            String topic = target.resolve(reference -> part(record, reference));
            if (!isKafkaTopic(topic)) {
                throw new IllegalArgumentException("'" + topic + "' is not a Kafka topic name (letters, digits, '.', "
                        + "'_' and '-', at most 249)");
            }
            return topic;
        } catch (IllegalArgumentException e) {
            throw new DataException("INTO " + statement.target() + ": " + e.getMessage(), e);
        } finally {
            fields.release();
        }
    }

    private Object part(RecordView record, String reference) {
        Object value = fields.read(record, FieldPath.parse(reference));
        if (value instanceof Struct || value instanceof Map || value instanceof Collection) {
            throw new IllegalArgumentException("'${" + reference + "}' is a " + value.getClass().getSimpleName()
                    + ", not a value a name can hold");
        }
        return value;
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
