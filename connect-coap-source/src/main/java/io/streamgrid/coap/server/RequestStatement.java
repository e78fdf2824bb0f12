package io.streamgrid.coap.server;

import io.streamgrid.coap.MessageShape;
import io.streamgrid.coap.TopicNames;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.template.LevelFilter;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * One server-mode statement at work: the request paths it takes (FROM as an MQTT filter: {@code telemetry/+},
 * {@code readings/#}), the Kafka topic (the target, with {@code ${N}} the path's N-th segment and {@code ${field}}
 * a field of the request), the device a path names ({@code PROPERTIES('device.id' = '${2}')}), and what the record
 * keeps of each request ({@link MessageShape}).
 */
public final class RequestStatement {

    public static final String DEVICE_ID = "device.id";
    public static final Set<String> PROPERTIES = Set.of(DEVICE_ID);
    private static final Pattern SEGMENT = Pattern.compile("\\d+");

    private final KcqlStatement statement;
    private final String filter;
    private final NameTemplate topic;
    private final NameTemplate deviceId;
    private final MessageShape shape;
    private final RecordFields fields = new RecordFields();

    private RequestStatement(KcqlStatement statement, String filter, NameTemplate topic, NameTemplate deviceId,
                             MessageShape shape) {
        this.statement = statement;
        this.filter = filter;
        this.topic = topic;
        this.deviceId = deviceId;
        this.shape = shape;
    }

    /** Compiles a statement for server mode; any fault is a KcqlException with its position. */
    public static RequestStatement compile(KcqlStatement statement) {
        String source = statement.source().trim();
        String filter = source.startsWith("/") ? source.substring(1) : source;
        String problem = LevelFilter.problem(filter);
        if (problem == null && filter.contains("?")) {
            problem = "a request path has no query; the query is a field of the record (query)";
        }
        if (problem != null) {
            throw statement.errorAt(statement.positionAfter("FROM", statement.source()), statement.source(),
                    "FROM '" + source + "' is not a request path filter: " + problem);
        }
        for (String key : statement.properties().keySet()) {
            if (!PROPERTIES.contains(key)) {
                throw propertyError(statement, "unknown property '" + key + "'; in server mode a CoAP statement "
                        + "takes " + PROPERTIES);
            }
        }
        NameTemplate topic = TopicNames.template(statement);
        List<FieldPath> templateFields = new ArrayList<>();
        for (String reference : topic.references()) {
            if (!SEGMENT.matcher(reference).matches()) {
                FieldPath path = FieldPath.parse(reference);
                if (path.kind() != FieldKind.VALUE) {
                    throw statement.errorAt(statement.positionAfter("INTO", statement.target()), statement.target(),
                            "'${" + reference + "}' is neither a path segment (${1}, ${2}, ...) nor a field of the "
                                    + "request");
                }
                templateFields.add(path);
            }
        }
        checkSegments(statement, topic, filter, statement.positionAfter("INTO", statement.target()),
                statement.target());
        NameTemplate deviceId = null;
        if (statement.properties().containsKey(DEVICE_ID)) {
            try {
                deviceId = NameTemplate.parse(statement.properties().get(DEVICE_ID));
            } catch (IllegalArgumentException e) {
                throw propertyError(statement, DEVICE_ID + ": " + e.getMessage());
            }
            for (String reference : deviceId.references()) {
                if (!SEGMENT.matcher(reference).matches()) {
                    throw propertyError(statement, DEVICE_ID + " names the device after path segments: ${1}, ${2}, "
                            + "..., not ${" + reference + "}");
                }
            }
            checkSegments(statement, deviceId, filter, statement.clausePositions().getOrDefault(Clause.PROPERTIES,
                    statement.start()), "PROPERTIES");
        }
        MessageShape shape = MessageShape.compile(statement, RequestRecords.VALUE_SCHEMA, "CoAP request",
                templateFields);
        return new RequestStatement(statement, filter, topic, deviceId, shape);
    }

    /** A ${N} beyond the segments every path the filter matches has (none beyond a '#') is a KcqlException. */
    private static void checkSegments(KcqlStatement statement, NameTemplate template, String filter,
                                      io.streamgrid.kcql.Position at, String written) {
        String[] levels = filter.split("/", -1);
        boolean open = levels[levels.length - 1].equals("#");
        int fixed = open ? levels.length - 1 : levels.length;
        for (String reference : template.references()) {
            if (SEGMENT.matcher(reference).matches()) {
                int n = Integer.parseInt(reference);
                if (n < 1 || (!open && n > fixed)) {
                    throw statement.errorAt(at, written, "'${" + reference + "}': the paths of FROM " + filter
                            + " have " + fixed + " segment" + (fixed == 1 ? "" : "s") + ", numbered from 1");
                }
            }
        }
    }

    private static RuntimeException propertyError(KcqlStatement statement, String reason) {
        return statement.errorAt(statement.clausePositions().getOrDefault(Clause.PROPERTIES, statement.start()),
                "PROPERTIES", reason);
    }

    boolean matches(String path) {
        return LevelFilter.matches(filter, path);
    }

    /** The device the path names by PROPERTIES('device.id' = ...), or null (no such property, or a segment short). */
    String deviceId(String path) {
        if (deviceId == null) {
            return null;
        }
        String[] segments = path.split("/", -1);
        try {
            return deviceId.resolve(reference -> {
                int n = Integer.parseInt(reference);
                return n <= segments.length && !segments[n - 1].isEmpty() ? segments[n - 1] : null;
            });
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The records of one request; bad data: DataException. Called on the task's poll thread only. */
    MessageShape.Result shape(Struct request, String path) {
        return shape.shape(request, path);
    }

    /**
     * The Kafka topic of a record: the target with its ${N} and ${field} filled in (characters a topic name cannot
     * hold as '_'); one that cannot be named (a missing field) is bad data. Called on the task's poll thread only.
     */
    String topic(String path, Struct message) {
        if (topic.isConstant()) {
            return statement.target();
        }
        String[] segments = path.split("/", -1);
        try {
            return topic.resolve(reference -> {
                if (SEGMENT.matcher(reference).matches()) {
                    int n = Integer.parseInt(reference);
                    return n <= segments.length ? TopicNames.safe(segments[n - 1]) : null;
                }
                Object value = fields.read(RecordView.ofValue(path, message.schema(), message), FieldPath.parse(reference));
                if (value instanceof Struct || value instanceof Map || value instanceof java.util.Collection) {
                    throw new IllegalArgumentException("'${" + reference + "}' is a " + value.getClass().getSimpleName()
                            + ", not a value a name can hold");
                }
                return value == null ? null : TopicNames.safe(String.valueOf(value));
            });
        } catch (IllegalArgumentException e) {
            throw new DataException("the Kafka topic of the request to " + path + ": " + e.getMessage(), e);
        } finally {
            fields.release();
        }
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
