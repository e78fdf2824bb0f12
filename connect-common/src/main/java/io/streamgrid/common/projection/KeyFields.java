package io.streamgrid.common.projection;

import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.SelectedField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * A source statement's {@code WITHKEY (a, b) KEYDELIMITER = '.'}: the record key as the named fields' values joined
 * by the delimiter ('.' by default), the same in the MQTT and the CoAP source. Not thread-safe: one per statement of
 * a task.
 */
public final class KeyFields {

    public static final String DEFAULT_DELIMITER = ".";

    private final List<FieldPath> paths;
    private final FieldProjection projection;
    private final String delimiter;

    private KeyFields(List<FieldPath> paths, String delimiter) {
        this.paths = List.copyOf(paths);
        List<SelectedField> keys = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            keys.add(new SelectedField(paths.get(i), false, "k" + i));
        }
        this.projection = new FieldProjection(keys, List.of());
        this.delimiter = delimiter;
    }

    /** The statement's key fields, or null when it has no WITHKEY. */
    public static KeyFields of(KcqlStatement statement) {
        return statement.keyFields().isEmpty() ? null
                : new KeyFields(statement.keyFields(), statement.keyDelimiter().orElse(DEFAULT_DELIMITER));
    }

    /** The key of one value; a missing or null field is a DataException naming it and {@code where}. */
    public String key(RecordView value, String where) {
        Object fields = projection.apply(value).value();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < paths.size(); i++) {
            Object part = fields instanceof Struct struct ? struct.get("k" + i) : ((Map<?, ?>) fields).get("k" + i);
            if (part == null) {
                throw new DataException("WITHKEY field '" + paths.get(i) + "' is missing or null in " + where);
            }
            key.append(i == 0 ? "" : delimiter).append(part);
        }
        return key.toString();
    }
}
