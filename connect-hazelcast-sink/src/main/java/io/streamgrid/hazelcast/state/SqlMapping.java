package io.streamgrid.hazelcast.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Hazelcast SQL mapping of a map in step with the values the sink writes
 * ({@code STOREAS IMAP (sqlMapping = true)}), so {@code SELECT ... FROM <map>} works with no manual step.
 * Columns come from the written values' fields (Compact field kinds, or JSON value types for
 * {@code jsonValue = true}); a value with a field no column has yet makes the mapping again with the union
 * of the columns it had and the new ones, so a field added in Kafka becomes a column. Nested records and
 * arrays are not mapped: SQL reads only top-level scalar fields here. The sink owns this mapping: it is
 * replaced ({@code CREATE OR REPLACE MAPPING}) when columns are added.
 */
public final class SqlMapping {

    private static final Logger LOG = LoggerFactory.getLogger(SqlMapping.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Names SQL gives the key and the whole value: never value columns. */
    private static final List<String> RESERVED = List.of("__key", "this");

    private final HazelcastInstance client;
    private final String mapName;
    private final String compactType;
    /** The mapping's columns as last made or read, by name; empty until the first batch. */
    private final Map<String, String> columns = new LinkedHashMap<>();
    private String keyType;

    /** @param compactType the values' Compact type name, or null for JSON values */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "EI_EXPOSE_REP2", justification = "it runs SQL "
            + "through the task's client")
    public SqlMapping(HazelcastInstance client, String mapName, String compactType) {
        this.client = client;
        this.mapName = mapName;
        this.compactType = compactType;
    }

    /** Makes or widens the mapping for the columns this batch's values have; blocks on SQL. */
    public synchronized void ensure(List<WriteEntry> batch) {
        Map<String, String> seen = new LinkedHashMap<>();
        String batchKeyType = null;
        for (int i = 0; i < batch.size(); i++) {
            WriteEntry entry = batch.get(i);
            if (batchKeyType == null && entry.key() != null) {
                batchKeyType = keyType(entry.key());
            }
            Object value = entry.value() instanceof StateUpdate update ? update.document() : entry.value();
            if (value instanceof HazelcastJsonValue json && i != 0 && i != batch.size() - 1) {
                continue; // JSON text is parsed for its fields only at the ends of a batch: parsing is not free
            }
            columnsOf(value, seen);
        }
        if (keyType == null) {
            keyType = batchKeyType;
        }
        if (keyType == null || seen.isEmpty() || columns.keySet().containsAll(seen.keySet()) && !columns.isEmpty()) {
            return; // nothing (new) to map: SQL takes no mapping without value columns
        }
        if (columns.isEmpty()) {
            columns.putAll(existingColumns());
        }
        Map<String, String> wanted = new LinkedHashMap<>(columns);
        seen.forEach(wanted::putIfAbsent);
        if (wanted.equals(columns) && !columns.isEmpty()) {
            return;
        }
        String ddl = createMapping(wanted);
        try (SqlResult ignored = client.getSql().execute(ddl)) {
            LOG.info("SQL mapping of map '{}' now has the columns {}", mapName, wanted.keySet());
        }
        columns.clear();
        columns.putAll(wanted);
    }

    /** The statement that makes the mapping with these value columns. */
    String createMapping(Map<String, String> valueColumns) {
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE MAPPING ").append(quote(mapName))
                .append(" EXTERNAL NAME ").append(quote(mapName)).append(" (__key ").append(keyType);
        valueColumns.forEach((name, type) -> sql.append(", ").append(quote(name)).append(' ').append(type));
        sql.append(") TYPE IMap OPTIONS ('keyFormat' = '").append(keyFormat(keyType)).append("', ");
        if (compactType != null) {
            sql.append("'valueFormat' = 'compact', 'valueCompactTypeName' = '")
                    .append(compactType.replace("'", "''")).append("')");
        } else {
            sql.append("'valueFormat' = 'json-flat')");
        }
        return sql.toString();
    }

    /** The value columns of the map's mapping as the cluster has it now; empty when there is none. */
    private Map<String, String> existingColumns() {
        Map<String, String> existing = new LinkedHashMap<>();
        String query = "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                + "ORDER BY ordinal_position";
        try (SqlResult result = client.getSql().execute(query, mapName)) {
            for (SqlRow row : result) {
                String name = row.getObject(0);
                if (!RESERVED.contains(name)) {
                    existing.put(name, row.getObject(1));
                }
            }
        }
        return existing;
    }

    private static void columnsOf(Object value, Map<String, String> seen) {
        if (value instanceof GenericRecord record) {
            for (String name : record.getFieldNames()) {
                FieldKind kind = record.getFieldKind(name);
                if (kind == FieldKind.STRING && record.getString(name) == null) {
                    continue; // schemaless JSON's null: its kind says nothing of the field's type
                }
                String type = sqlType(kind);
                if (type != null && !RESERVED.contains(name)) {
                    seen.putIfAbsent(name, type);
                }
            }
        } else if (value instanceof ObjectNode node) {
            jsonColumns(node, seen);
        } else if (value instanceof HazelcastJsonValue json) {
            try {
                JsonNode node = MAPPER.readTree(json.getValue());
                if (node instanceof ObjectNode object) {
                    jsonColumns(object, seen);
                }
            } catch (IOException e) {
                // not JSON: nothing to map; Hazelcast stores it all the same
            }
        }
    }

    private static void jsonColumns(ObjectNode node, Map<String, String> seen) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            String type = value.isIntegralNumber() ? "BIGINT" : value.isNumber() ? "DOUBLE"
                    : value.isTextual() ? "VARCHAR" : value.isBoolean() ? "BOOLEAN" : null;
            if (type != null && !RESERVED.contains(field.getKey())) {
                seen.putIfAbsent(field.getKey(), type);
            }
        }
    }

    /** The SQL type of a Compact field kind; null for kinds SQL cannot read as a column (records, arrays). */
    static String sqlType(FieldKind kind) {
        return switch (kind) {
            case BOOLEAN, NULLABLE_BOOLEAN -> "BOOLEAN";
            case INT8, NULLABLE_INT8 -> "TINYINT";
            case INT16, NULLABLE_INT16 -> "SMALLINT";
            case INT32, NULLABLE_INT32 -> "INTEGER";
            case INT64, NULLABLE_INT64 -> "BIGINT";
            case FLOAT32, NULLABLE_FLOAT32 -> "REAL";
            case FLOAT64, NULLABLE_FLOAT64 -> "DOUBLE";
            case STRING -> "VARCHAR";
            case DECIMAL -> "DECIMAL";
            case TIME -> "TIME";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP WITH TIME ZONE";
            default -> null;
        };
    }

    private static String keyType(Object key) {
        if (key instanceof String) {
            return "VARCHAR";
        }
        if (key instanceof Long) {
            return "BIGINT";
        }
        if (key instanceof Integer) {
            return "INTEGER";
        }
        throw new IllegalArgumentException("sqlMapping = true maps keys that are strings or whole numbers, not "
                + key.getClass().getSimpleName() + "; use PK fields or a string key");
    }

    private static String keyFormat(String sqlType) {
        return switch (sqlType) {
            case "BIGINT" -> "bigint";
            case "INTEGER" -> "int";
            default -> "varchar";
        };
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
