package io.streamgrid.coap.sink;

import io.streamgrid.common.projection.FieldProjection;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordFilter;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.Position;
import io.streamgrid.kcql.SelectedField;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.californium.core.coap.CoAP;

/**
 * One statement at work: which records it takes (FROM, WHERE), the URI each one goes to, the method, whether the
 * request is confirmable, and the payload made of the selected fields. Not thread-safe: used on the task's thread.
 */
final class DeviceStatement {

    static final String METHOD = "method";
    static final String CONFIRMABLE = "confirmable";
    private static final Set<String> PROPERTIES = Set.of(METHOD, CONFIRMABLE);
    private static final Map<String, CoAP.Code> METHODS = Map.of("PUT", CoAP.Code.PUT, "POST", CoAP.Code.POST,
            "DELETE", CoAP.Code.DELETE);

    /** What one record asks of a device: the URI and the payload. */
    record Request(URI uri, PayloadEncoder.Payload payload) {
    }

    private final KcqlStatement statement;
    private final UriTemplate uri;
    private final CoAP.Code method;
    private final boolean confirmable;
    private final FieldProjection projection;
    private final RecordFilter where;
    private final PayloadEncoder payloads;
    private final RecordFields fields = new RecordFields();

    private DeviceStatement(KcqlStatement statement, UriTemplate uri, CoAP.Code method, boolean confirmable) {
        this.statement = statement;
        this.uri = uri;
        this.method = method;
        this.confirmable = confirmable;
        this.projection = FieldProjection.of(statement);
        this.where = RecordFilter.of(statement);
        this.payloads = new PayloadEncoder(statement.formatOr(Format.JSON));
    }

    /** The check of the connector's KCQL key: every fault is a KcqlException with its line and column. */
    static void check(KcqlStatement statement) {
        compile(statement);
    }

    static DeviceStatement compile(KcqlStatement statement) {
        String target = statement.target();
        Position at = statement.positionAfter("INTO", target);
        Map<String, FieldPath> aliases = new HashMap<>();
        statement.fields().stream().filter(f -> f.alias() != null).forEach(f -> aliases.put(f.alias(), f.path()));
        UriTemplate uri;
        try {
            uri = UriTemplate.parse(target, aliases);
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(at, target, e.getMessage());
        }
        for (int i = 0; i < uri.paths().size(); i++) {
            FieldPath path = uri.paths().get(i);
            if (path.kind() == FieldKind.VALUE && !selected(statement.fields(), path)) {
                throw statement.errorAt(at, target, "'${" + path + "}' reads the value field '" + path + "', which "
                        + "the SELECT list does not name; add it to the SELECT list, or read a key, header or metadata "
                        + "field (${_key}, ${_header.<name>}, ${_topic})");
            }
        }
        for (String key : statement.properties().keySet()) {
            if (!PROPERTIES.contains(key)) {
                throw propertyError(statement, "unknown property '" + key + "'; the CoAP sink takes 'method' "
                        + "(PUT, POST or DELETE) and 'confirmable' (true or false)");
            }
        }
        String methodName = statement.properties().getOrDefault(METHOD, "PUT").trim().toUpperCase(Locale.ROOT);
        CoAP.Code method = METHODS.get(methodName);
        if (method == null) {
            throw propertyError(statement, "'method' is PUT, POST or DELETE, not '"
                    + statement.properties().get(METHOD) + "'");
        }
        String confirmable = statement.properties().getOrDefault(CONFIRMABLE, "true").trim().toLowerCase(Locale.ROOT);
        if (!confirmable.equals("true") && !confirmable.equals("false")) {
            throw propertyError(statement, "'confirmable' is true or false, not '"
                    + statement.properties().get(CONFIRMABLE) + "'");
        }
        Format format = statement.formatOr(Format.JSON);
        if ((format == Format.TEXT || format == Format.BINARY) && statement.fields().size() > 1) {
            throw statement.errorAt(statement.clausePositions().get(Clause.WITHFORMAT), "WITHFORMAT", "WITHFORMAT "
                    + format + " sends one field, and the SELECT list names " + statement.fields().size()
                    + "; select one, or use JSON or CBOR");
        }
        return new DeviceStatement(statement, uri, method, confirmable.equals("true"));
    }

    /** Whether the SELECT list takes the value field {@code path}: by *, by a path that holds it, or by a.*. */
    private static boolean selected(List<SelectedField> fields, FieldPath path) {
        for (SelectedField field : fields) {
            FieldPath selected = field.path();
            if (selected.kind() != FieldKind.VALUE) {
                continue;
            }
            List<String> prefix = selected.segments();
            if (prefix.size() <= path.segments().size() && path.segments().subList(0, prefix.size()).equals(prefix)
                    && (field.wildcard() || prefix.size() > 0)) {
                return true;
            }
        }
        return false;
    }

    private static RuntimeException propertyError(KcqlStatement statement, String reason) {
        return statement.errorAt(statement.clausePositions().getOrDefault(Clause.PROPERTIES, statement.start()),
                "PROPERTIES", reason);
    }

    /** The Kafka topic the statement reads. */
    String source() {
        return statement.source();
    }

    boolean secure() {
        return uri.secure();
    }

    CoAP.Code method() {
        return method;
    }

    boolean confirmable() {
        return confirmable;
    }

    Format format() {
        return payloads.format();
    }

    /** Whether the statement's WHERE keeps the record (always without WHERE); bad data: DataException. */
    boolean keeps(RecordView record) {
        return where == null || where.keeps(record);
    }

    /**
     * A tombstone (no value) has no payload to PUT or POST, so it is skipped; a DELETE, whose request carries no
     * payload, is sent for it (its URI then reads key, header or metadata fields).
     */
    boolean skips(RecordView record) {
        return record.value() == null && method != CoAP.Code.DELETE;
    }

    /** What the record asks; a record that cannot give its URI or payload is a DataException naming it. */
    Request request(RecordView record) {
        try {
            URI target = uri.resolve(record, fields);
            if (method == CoAP.Code.DELETE) {
                return new Request(target, new PayloadEncoder.Payload(new byte[0], -1));
            }
            return new Request(target, payloads.encode(projection.apply(record)));
        } finally {
            fields.release();
        }
    }

    @Override
    public String toString() {
        return statement.text();
    }
}
