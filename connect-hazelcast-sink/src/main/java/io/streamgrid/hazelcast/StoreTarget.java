package io.streamgrid.hazelcast;

import com.hazelcast.ringbuffer.OverflowPolicy;
import io.streamgrid.kcql.Clause;
import io.streamgrid.kcql.Format;
import io.streamgrid.kcql.KcqlStatement;
import io.streamgrid.kcql.StoreAs;
import io.streamgrid.kcql.WriteMode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where and how one statement writes: the structure, its name, and the STOREAS parameters.
 * {@code STOREAS RING_BUFFER (overflow = FAIL)} makes a full ringbuffer push back (retry) instead of
 * overwriting its oldest items; {@code (jsonValue = true)} stores JSON as {@code HazelcastJsonValue}, so
 * Hazelcast SQL and predicates can query its fields.
 */
public record StoreTarget(StoreType type, String name, OverflowPolicy overflow, boolean jsonValue) {

    public static final String OVERFLOW = "overflow";
    public static final String JSON_VALUE = "jsonValue";
    private static final Set<StoreType> WITH_TTL = Set.of(StoreType.IMAP, StoreType.ICACHE, StoreType.REPLICATED_MAP);

    /** The target of a statement; any statement the sink cannot carry out is a KCQL error with its position. */
    public static StoreTarget of(KcqlStatement statement) {
        StoreType type = statement.storeAs().map(StoreAs::type)
                .map(t -> StoreType.byName(t).orElseThrow(() -> statement.errorAt(
                        statement.clausePositions().get(Clause.STOREAS), "STOREAS",
                        "unknown STOREAS type " + t + "; use one of " + String.join(", ", StoreType.names()))))
                .orElse(StoreType.DEFAULT);
        OverflowPolicy overflow = OverflowPolicy.OVERWRITE;
        boolean jsonValue = false;
        Map<String, String> parameters = statement.storeAs().map(StoreAs::parameters).orElse(Map.of());
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String value = parameter.getValue().trim().toUpperCase(Locale.ROOT);
            if (parameter.getKey().equalsIgnoreCase(OVERFLOW) && type == StoreType.RING_BUFFER) {
                if (!value.equals("OVERWRITE") && !value.equals("FAIL")) {
                    throw storeAsError(statement, "overflow is OVERWRITE or FAIL, not " + parameter.getValue());
                }
                overflow = OverflowPolicy.valueOf(value);
            } else if (parameter.getKey().equalsIgnoreCase(JSON_VALUE)) {
                if (!value.equals("TRUE") && !value.equals("FALSE")) {
                    throw storeAsError(statement, "jsonValue is true or false, not " + parameter.getValue());
                }
                jsonValue = value.equals("TRUE");
                if (jsonValue && statement.formatOr(Format.JSON) != Format.JSON) {
                    throw storeAsError(statement, "jsonValue = true stores JSON, so it needs WITHFORMAT JSON, not "
                            + statement.format().orElseThrow());
                }
            } else {
                throw storeAsError(statement, "STOREAS " + type + " has no parameter '" + parameter.getKey()
                        + "'; it takes " + (type == StoreType.RING_BUFFER ? OVERFLOW + ", " : "") + JSON_VALUE);
            }
        }
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
        return new StoreTarget(type, statement.target(), overflow, jsonValue);
    }

    private static RuntimeException storeAsError(KcqlStatement statement, String reason) {
        return statement.errorAt(statement.clausePositions().get(Clause.STOREAS), "STOREAS", reason);
    }

    /** How the target is named in messages, e.g. {@code RING_BUFFER 'sensor_ringbuffer'}. */
    public String describe() {
        return type + " '" + name + "'";
    }
}
