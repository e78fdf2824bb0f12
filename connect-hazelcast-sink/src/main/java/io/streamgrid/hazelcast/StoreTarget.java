package io.streamgrid.hazelcast;

import com.hazelcast.ringbuffer.OverflowPolicy;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.FieldPath;
import io.streamgrid.kcql.FieldKind;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.SelectedField;
import io.streamgrid.kcql.StoreAs;
import io.streamgrid.kcql.WriteMode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where and how one statement writes: the structure, its name, the stored format and the STOREAS parameters.
 * {@code STOREAS RING_BUFFER (overflow = FAIL)} makes a full ringbuffer push back (retry) instead of
 * overwriting its oldest items; {@code (jsonValue = true)} stores JSON as {@code HazelcastJsonValue}, so
 * Hazelcast SQL and predicates can query its fields. For device state, {@code (merge = true)} merges a
 * record's fields into the stored value, {@code (version = ts)} keeps an older reading from overwriting a
 * newer one, {@code (compactType = 'DeviceState')} names the Compact type of {@code WITHFORMAT COMPACT}
 * values, and {@code (sqlMapping = true)} makes the sink create the map's SQL mapping.
 *
 * @param versionField the value field whose order guards writes, or null
 * @param compactType  the Compact type name of stored values, or null unless the format is COMPACT
 */
public record StoreTarget(StoreType type, String name, Format format, OverflowPolicy overflow, boolean jsonValue,
                          boolean merge, String versionField, String compactType, boolean sqlMapping) {

    public static final String OVERFLOW = "overflow";
    public static final String JSON_VALUE = "jsonValue";
    public static final String MERGE = "merge";
    public static final String VERSION = "version";
    public static final String COMPACT_TYPE = "compactType";
    public static final String SQL_MAPPING = "sqlMapping";
    private static final Set<StoreType> WITH_TTL = Set.of(StoreType.IMAP, StoreType.ICACHE, StoreType.REPLICATED_MAP);
    /** Structures with an atomic compare-and-set, which merge and the version guard need. */
    private static final Set<StoreType> WITH_CAS = Set.of(StoreType.IMAP, StoreType.ICACHE);
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The target of a statement; any statement the sink cannot carry out is a KCQL error with its position. */
    public static StoreTarget of(KcqlStatement statement) {
        StoreType type = statement.storeAs().map(StoreAs::type)
                .map(t -> StoreType.byName(t).orElseThrow(() -> statement.errorAt(
                        statement.clausePositions().get(Clause.STOREAS), "STOREAS",
                        "unknown STOREAS type " + t + "; use one of " + String.join(", ", StoreType.names()))))
                .orElse(StoreType.DEFAULT);
        Format format = statement.formatOr(Format.JSON);
        Parameters p = new Parameters(statement, type);
        Map<String, String> parameters = statement.storeAs().map(StoreAs::parameters).orElse(Map.of());
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            p.read(parameter.getKey(), parameter.getValue().trim());
        }
        p.check(format);
        if (statement.has(Clause.TTL) && !WITH_TTL.contains(type)) {
            throw statement.errorAt(statement.clausePositions().get(Clause.TTL), "TTL",
                    "TTL applies to STOREAS IMAP, ICACHE and REPLICATED_MAP, not " + type);
        }
        for (Clause keyClause : new Clause[] {Clause.PK, Clause.KEYDELIMITER}) {
            if (statement.has(keyClause) && !type.keyed()) {
                throw statement.errorAt(statement.clausePositions().get(keyClause), keyClause.keyword(),
                        keyClause.keyword() + " makes keys, but STOREAS " + type + " has no keys; use IMAP, MULTI_MAP, "
                                + "ICACHE or REPLICATED_MAP");
            }
        }
        if (statement.writeMode() == WriteMode.UPSERT && !type.keyed()) {
            throw statement.errorAt(statement.start(), "UPSERT", "UPSERT replaces entries by key, but STOREAS " + type
                    + " has no keys; use INSERT");
        }
        NameTemplate name;
        try {
            name = NameTemplate.parse(statement.target());
            name.references().forEach(FieldPath::parse);
        } catch (IllegalArgumentException e) {
            throw statement.errorAt(statement.positionAfter("INTO", statement.target()), statement.target(),
                    "the target names a structure after the data with ${field}: " + e.getMessage());
        }
        if (format == Format.COMPACT && p.compactType == null && !name.isConstant()) {
            throw statement.errorAt(statement.clausePositions().getOrDefault(Clause.STOREAS, statement.start()),
                    "STOREAS", "a target named from the data has no one name for its Compact type; set "
                    + COMPACT_TYPE + " = 'Name'");
        }
        String compactType = format == Format.COMPACT ? (p.compactType != null ? p.compactType : statement.target())
                : null;
        return new StoreTarget(type, statement.target(), format, p.overflow, p.jsonValue, p.merge, p.version,
                compactType, p.sqlMapping);
    }

    /** The target's name as a template: {@code telemetry_${site}} names a structure per value of {@code site}. */
    public NameTemplate nameTemplate() {
        return NameTemplate.parse(name);
    }

    /** The same target under the name one record gives it. */
    public StoreTarget named(String resolved) {
        return new StoreTarget(type, resolved, format, overflow, jsonValue, merge, versionField, compactType,
                sqlMapping);
    }

    /** Whether writes read the stored value first (merge, version guard), atomically per key. */
    public boolean guarded() {
        return merge || versionField != null;
    }

    /** How the target is named in messages, e.g. {@code RING_BUFFER 'sensor_ringbuffer'}. */
    public String describe() {
        return type + " '" + name + "'";
    }

    /** The STOREAS parameters as read, checked against the structure and the format. */
    private static final class Parameters {
        private final KcqlStatement statement;
        private final StoreType type;
        OverflowPolicy overflow = OverflowPolicy.OVERWRITE;
        boolean jsonValue;
        boolean merge;
        String version;
        String compactType;
        boolean sqlMapping;

        Parameters(KcqlStatement statement, StoreType type) {
            this.statement = statement;
            this.type = type;
        }

        void read(String key, String value) {
            if (key.equalsIgnoreCase(OVERFLOW) && type == StoreType.RING_BUFFER) {
                String upper = value.toUpperCase(Locale.ROOT);
                if (!upper.equals("OVERWRITE") && !upper.equals("FAIL")) {
                    throw error("overflow is OVERWRITE or FAIL, not " + value);
                }
                overflow = OverflowPolicy.valueOf(upper);
            } else if (key.equalsIgnoreCase(JSON_VALUE)) {
                jsonValue = bool(JSON_VALUE, value);
            } else if (key.equalsIgnoreCase(MERGE) && type.keyed()) {
                merge = bool(MERGE, value);
            } else if (key.equalsIgnoreCase(VERSION) && type.keyed()) {
                if (!FIELD_NAME.matcher(value).matches()) {
                    throw error("version names a top-level value field, not '" + value + "'");
                }
                version = value;
            } else if (key.equalsIgnoreCase(COMPACT_TYPE)) {
                if (value.isEmpty()) {
                    throw error("compactType needs a type name");
                }
                compactType = value;
            } else if (key.equalsIgnoreCase(SQL_MAPPING) && type == StoreType.IMAP) {
                sqlMapping = bool(SQL_MAPPING, value);
            } else {
                throw error("STOREAS " + type + " has no parameter '" + key + "'; it takes " + accepted());
            }
        }

        private String accepted() {
            StringBuilder names = new StringBuilder();
            if (type == StoreType.RING_BUFFER) {
                names.append(OVERFLOW).append(", ");
            }
            names.append(JSON_VALUE).append(", ").append(COMPACT_TYPE);
            if (type.keyed()) {
                names.append(", ").append(MERGE).append(", ").append(VERSION);
            }
            if (type == StoreType.IMAP) {
                names.append(", ").append(SQL_MAPPING);
            }
            return names.toString();
        }

        void check(Format format) {
            if (jsonValue && format != Format.JSON) {
                throw error("jsonValue = true stores JSON, so it needs WITHFORMAT JSON, not " + format);
            }
            if (compactType != null && format != Format.COMPACT) {
                throw error("compactType names the type of Compact values, so it needs WITHFORMAT COMPACT, not "
                        + format);
            }
            boolean guarded = merge || version != null;
            String what = merge ? "merge = true" : "version = " + version;
            if (guarded && !WITH_CAS.contains(type)) {
                throw error(what + " needs an atomic compare-and-set per key, which " + type + " does not have"
                        + (type == StoreType.REPLICATED_MAP ? " (its replicas converge by last write)" : "")
                        + "; use IMAP or ICACHE");
            }
            if (guarded && format != Format.JSON && format != Format.COMPACT) {
                throw error(what + " reads the stored value's fields, so it needs WITHFORMAT JSON or COMPACT, not "
                        + format);
            }
            if (version != null && !selects(version)) {
                throw error("version = " + version + " compares the stored value's field '" + version
                        + "', but the SELECT list does not store it; select it");
            }
            if (sqlMapping && !jsonValue && format != Format.COMPACT) {
                throw error("sqlMapping = true maps the value's fields for SQL, which needs values SQL can read: "
                        + "WITHFORMAT COMPACT or jsonValue = true");
            }
        }

        /** Whether the stored value has this top-level field: {@code *} keeps every field. */
        private boolean selects(String field) {
            for (SelectedField selected : statement.fields()) {
                if (selected.wildcard() ? selected.path().kind() == FieldKind.VALUE
                        : selected.outputName().equals(field)) {
                    return true;
                }
            }
            return false;
        }

        private boolean bool(String name, String value) {
            String upper = value.toUpperCase(Locale.ROOT);
            if (!upper.equals("TRUE") && !upper.equals("FALSE")) {
                throw error(name + " is true or false, not " + value);
            }
            return upper.equals("TRUE");
        }

        private RuntimeException error(String reason) {
            return statement.errorAt(statement.clausePositions().get(Clause.STOREAS), "STOREAS", reason);
        }
    }
}
