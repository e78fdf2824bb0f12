package io.streamgrid.hazelcast.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.internal.json.JsonObject;
import com.hazelcast.internal.json.JsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.genericrecord.GenericRecord;
import com.hazelcast.nio.serialization.genericrecord.GenericRecordBuilder;
import com.hazelcast.sql.SqlResult;
import com.hazelcast.sql.SqlRow;
import io.streamgrid.hazelcast.member.CompactFields;
import io.streamgrid.hazelcast.member.StateUpdate;
import io.streamgrid.hazelcast.writer.WriteEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Hazelcast SQL mapping of a map in step with the values the sink writes
 * ({@code STOREAS IMAP (sqlMapping = true)}), so {@code SELECT ... FROM <map>} works with no manual step and
 * answers what the map holds. Every top-level scalar field of every value of a batch counts (JSON texts are
 * scanned, not parsed: {@link JsonColumns}); nested records and arrays are not mapped. The sink owns this
 * mapping and makes it again ({@code CREATE OR REPLACE MAPPING}) when a field needs a column it has not:
 * <ul>
 * <li><b>JSON</b> ({@code json-flat}): SQL converts each stored value to its column's type as it reads it, so a
 * column takes the widest type its values need ({@link ColumnTypes#widest}: BIGINT then 21.5 makes it DOUBLE, a
 * number and a string make it VARCHAR) and is never narrowed.</li>
 * <li><b>Compact</b>: SQL reads a field only as the type of its Compact kind (a DOUBLE column fails on an INT64
 * field), so a field must have one kind in every record of the map. A column's type, once made, is that kind for
 * good: each value is brought to its columns' kinds before it is written where that loses nothing (21 to 21.0 for
 * a DOUBLE column, any scalar to text for a VARCHAR one), and a value that does not fit (21.5 or "hot" for a
 * BIGINT column) is bad data, named, rather than a record that breaks every query of the map; it is handed back
 * on its own, and the rest of its batch is written as one. Widening such a
 * column would mean rewriting every stored record while other tasks go on writing the old kind; instead
 * schemaless JSON numbers are DECIMAL from the start ({@link CompactRecords}), so 21 then 21.5 needs no widening.
 * A new field's column takes the widest type of the batch that brings it.</li>
 * </ul>
 * Before it makes the mapping again, and at least every {@link #RECHECK}, it reads the mapping the cluster has, so
 * a column another task made or widened is kept, and one a concurrent {@code CREATE OR REPLACE} lost is made again.
 * The sink's tasks take turns to change a map's mapping (a lock on the map's name in {@link #LOCKS}): two that
 * read it at the same moment and each made it again from what they read lost one's column or widening, for good
 * if the structure closed before the next check. After it has made the mapping, a task reads it back and makes it
 * again, a few times at most, until the cluster has every column it wants (someone outside the sink may replace it).
 */
public final class SqlMapping {

    /** How often the cluster's mapping is read back even when no value asks for a change. */
    static final Duration RECHECK = Duration.ofSeconds(30);
    /** The map whose keys, the mapped maps' names, the tasks lock to change a mapping in turn; it holds nothing. */
    public static final String LOCKS = "__streamgrid.sql.mapping.locks";
    /** How long a task waits for its turn, and how long it may keep it should it stop without giving it back. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);
    private static final Duration LOCK_LEASE = Duration.ofSeconds(60);
    /** How often a task makes the mapping before it leaves what is still missing to the next check. */
    private static final int ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(SqlMapping.class);
    /** Names SQL gives the key and the whole value: never value columns. */
    private static final List<String> RESERVED = List.of("__key", "this");

    private final HazelcastInstance client;
    private final String mapName;
    private final String compactType;
    private final long recheckNanos;
    /** The mapping's columns as last made or read, by name; empty until the first batch. */
    private final Map<String, String> columns = new LinkedHashMap<>();
    private final JsonColumns jsonColumns = new JsonColumns();
    private String keyType;
    private long checkedAt;

    /** @param compactType the values' Compact type name, or null for JSON values */
    public SqlMapping(HazelcastInstance client, String mapName, String compactType) {
        this(client, mapName, compactType, RECHECK);
    }

    /** @param recheck how often the cluster's mapping is read back when nothing asks for a change */
    SqlMapping(HazelcastInstance client, String mapName, String compactType, Duration recheck) {
        this.client = client;
        this.mapName = mapName;
        this.compactType = compactType;
        this.recheckNanos = recheck.toNanos();
    }

    /**
     * A batch made ready for its map: the entries to write (Compact values brought to their columns' kinds), and,
     * by their place in the batch given, the entries that cannot be written, each with why.
     */
    public record Fitted(List<WriteEntry> batch, Map<Integer, RuntimeException> refused) {
        public Fitted {
            batch = Collections.unmodifiableList(batch);
            refused = Collections.unmodifiableMap(refused);
        }
    }

    /**
     * Makes, widens or mends the mapping for the columns this batch's values need; blocks on SQL. Returns the
     * batch to write: for Compact values, each brought to its columns' kinds, without those that do not fit
     * (a field its column cannot hold without loss: an IllegalArgumentException naming key, field and column).
     */
    public synchronized Fitted ensure(List<WriteEntry> batch) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (WriteEntry entry : batch) {
            if (keyType == null && entry.key() != null) {
                keyType = keyType(entry.key());
            }
            columnsOf(document(entry), seen);
        }
        jsonColumns.drainInto(seen);
        RESERVED.forEach(seen::remove);
        if (keyType != null && (asksForChange(seen) || !columns.isEmpty()
                && System.nanoTime() - checkedAt >= recheckNanos)) {
            reconcile(seen);
        }
        return compactType == null ? new Fitted(batch, Map.of()) : fitted(batch);
    }

    /** Whether a field has no column yet, or (JSON) a column narrower than its values need. */
    private boolean asksForChange(Map<String, String> seen) {
        for (Map.Entry<String, String> field : seen.entrySet()) {
            String column = columns.get(field.getKey());
            if (column == null || compactType == null && !ColumnTypes.widest(column, field.getValue()).equals(column)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the mapping again, if it changes, with the columns the cluster has, those this task made before (a
     * concurrent replacement may have lost them) and those the batch needs: JSON columns widened to what all of
     * them need; Compact columns keep the type they have. The change is made in the task's turn, and read back.
     */
    private void reconcile(Map<String, String> seen) {
        Map<String, String> cluster = existingColumns();
        checkedAt = System.nanoTime();
        Map<String, String> wanted = wanted(cluster, seen);
        if (!wanted.isEmpty() && !wanted.equals(cluster)) { // SQL takes no mapping without value columns
            IMap<String, Boolean> turn = takeTurn();
            try {
                wanted = replaceUntilKept(seen);
            } finally {
                if (turn != null) {
                    giveTurnBack(turn);
                }
            }
        }
        columns.clear();
        columns.putAll(wanted);
    }

    private Map<String, String> wanted(Map<String, String> cluster, Map<String, String> seen) {
        Map<String, String> wanted = new LinkedHashMap<>(cluster);
        BinaryOperator<String> join = compactType == null ? ColumnTypes::widest : (kept, other) -> kept;
        columns.forEach((name, type) -> wanted.merge(name, type, join));
        seen.forEach((name, type) -> wanted.merge(name, type, join));
        return wanted;
    }

    /**
     * Makes the mapping from what the cluster has and what this task wants, then reads it back, until the cluster
     * keeps every column wanted (widest), at most {@link #ATTEMPTS} times; returns the columns wanted last.
     */
    private Map<String, String> replaceUntilKept(Map<String, String> seen) {
        Map<String, String> cluster = existingColumns();
        Map<String, String> wanted = wanted(cluster, seen);
        for (int attempt = 1; !wanted.equals(cluster); attempt++) {
            if (attempt > ATTEMPTS) {
                LOG.warn("The SQL mapping of map '{}' lacks {} after {} attempts to make it: something else "
                        + "replaces it at the same time; the next check, within {} s, makes it again", mapName, wanted,
                        ATTEMPTS, RECHECK.toSeconds());
                break;
            }
            try (SqlResult ignored = client.getSql().execute(createMapping(wanted))) {
                LOG.info("SQL mapping of map '{}' now has the columns {}", mapName, wanted);
            }
            cluster = existingColumns();
            wanted = wanted(cluster, seen);
        }
        return wanted;
    }

    /**
     * Takes this task's turn to change the map's mapping, so no other task's change, made from an older look at it,
     * can undo this one; returns the lock map, or null when the turn was not given within {@link #LOCK_WAIT} or the
     * lock map refused (the change is made all the same: the read-back still mends what it can).
     */
    private IMap<String, Boolean> takeTurn() {
        try {
            IMap<String, Boolean> locks = client.getMap(LOCKS);
            if (locks.tryLock(mapName, LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS, LOCK_LEASE.toMillis(),
                    TimeUnit.MILLISECONDS)) {
                return locks;
            }
            LOG.warn("Another task kept the turn to change the SQL mapping of map '{}' for {} s; changing it all the "
                    + "same", mapName, LOCK_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to change the SQL mapping of map '" + mapName
                    + "'", e);
        } catch (RuntimeException e) {
            LOG.warn("Cannot take the turn to change the SQL mapping of map '{}' ({} in map '{}'); changing it all the "
                    + "same", mapName, e.toString(), LOCKS);
        }
        return null;
    }

    private void giveTurnBack(IMap<String, Boolean> locks) {
        try {
            locks.unlock(mapName);
        } catch (RuntimeException e) {
            LOG.debug("The turn to change the SQL mapping of map '{}' had ended: {}", mapName, e.toString());
        }
    }

    /**
     * The batch with each Compact value brought to its columns' kinds (the batch itself when none needed it), and
     * the values that do not fit, apart.
     */
    private Fitted fitted(List<WriteEntry> batch) {
        List<WriteEntry> fitted = null;
        Map<Integer, RuntimeException> refused = new TreeMap<>();
        for (int i = 0; i < batch.size(); i++) {
            WriteEntry entry = batch.get(i);
            WriteEntry fitEntry = entry;
            if (document(entry) instanceof GenericRecord record) {
                try {
                    GenericRecord fit = fit(record, entry.key());
                    if (fit != record) {
                        fitEntry = new WriteEntry(entry.key(), entry.value() instanceof StateUpdate update
                                ? new StateUpdate(fit, update.version()) : fit);
                    }
                } catch (IllegalArgumentException e) {
                    refused.put(i, e);
                    fitEntry = null;
                }
            }
            if (fitEntry != entry && fitted == null) {
                fitted = new ArrayList<>(batch.subList(0, i));
            }
            if (fitted != null && fitEntry != null) {
                fitted.add(fitEntry);
            }
        }
        return new Fitted(fitted == null ? batch : fitted, refused);
    }

    private GenericRecord fit(GenericRecord record, Object key) {
        Set<String> names = record.getFieldNames();
        boolean fits = true;
        for (String name : names) {
            String column = columns.get(name);
            fits &= column == null || column.equals(ColumnTypes.of(record.getFieldKind(name)));
        }
        if (fits) {
            return record;
        }
        GenericRecordBuilder builder = GenericRecordBuilder.compact(compactType);
        for (String name : names) {
            CompactFields.Field field = CompactFields.get(record, name);
            String column = columns.get(name);
            boolean nullable = field.value() == null || !CompactFields.NOT_NULLABLE.contains(field.kind());
            FieldKind target = column == null || column.equals(ColumnTypes.of(field.kind())) ? null
                    : ColumnTypes.kind(column, nullable);
            if (target != null) {
                CompactFields.Field converted = target == FieldKind.STRING ? CompactFields.asText(field)
                        : CompactFields.convert(field, target);
                if (converted == null) {
                    throw new IllegalArgumentException("The field '" + name + "' of key '" + key + "' is "
                            + describe(field) + ", which the SQL column '" + name + "' " + column + " of map '"
                            + mapName + "' cannot hold without loss: a Compact field keeps the kind of its column in "
                            + "every record of the map (SQL reads a field only as that kind); send this field as "
                            + column + ", or write it to a map of its own");
                }
                field = converted;
            }
            CompactFields.set(builder, name, field);
        }
        return builder.build();
    }

    private static String describe(CompactFields.Field field) {
        Object value = field.value();
        String text = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
        return (text.length() > 40 ? text.substring(0, 37) + "..." : text) + " (" + field.kind() + ")";
    }

    private static Object document(WriteEntry entry) {
        return entry.value() instanceof StateUpdate update ? update.document() : entry.value();
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

    private void columnsOf(Object value, Map<String, String> seen) {
        if (value instanceof GenericRecord record) {
            for (String name : record.getFieldNames()) {
                FieldKind kind = record.getFieldKind(name);
                if (kind == FieldKind.STRING && record.getString(name) == null) {
                    continue; // schemaless JSON's null: its kind says nothing of the field's type
                }
                String type = ColumnTypes.of(kind);
                if (type != null) {
                    seen.merge(name, type, ColumnTypes::widest);
                }
            }
        } else if (value instanceof JsonObject object) {
            for (JsonObject.Member field : object) {
                String type = jsonType(field.getValue());
                if (type != null) {
                    seen.merge(field.getName(), type, ColumnTypes::widest);
                }
            }
        } else if (value instanceof HazelcastJsonValue json) {
            jsonColumns.add(json.getValue()); // not JSON: nothing to map; Hazelcast stores it all the same
        } else if (value instanceof String text) {
            jsonColumns.add(text); // a merged or versioned record's JSON object text (JsonStateValues)
        }
    }

    /** As {@link ColumnTypes#of(io.streamgrid.common.format.JsonMembers.Kind)}, for a parsed value. */
    private static String jsonType(JsonValue value) {
        if (value.isNumber()) {
            return wholeInLong(value.toString()) ? ColumnTypes.BIGINT : ColumnTypes.DOUBLE;
        }
        return value.isString() ? ColumnTypes.VARCHAR : value.isBoolean() ? ColumnTypes.BOOLEAN : null;
    }

    /** Whether a JSON number is written as a whole number a long holds (as Jackson reads it: 1.0 is not). */
    private static boolean wholeInLong(String number) {
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        try {
            Long.parseLong(number);
            return true;
        } catch (NumberFormatException beyondLong) {
            return false;
        }
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
