package io.streamgrid.kcql;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One parsed KCQL statement. Immutable: every collection is unmodifiable, and an absent clause is
 * an empty {@code Optional} or an empty collection, never {@code null}.
 *
 * @param text            the statement as written, from its first to its last token
 * @param start           where the statement starts in the whole KCQL input
 * @param clausePositions where each clause that is present starts (its keyword)
 */
public record KcqlStatement(
        WriteMode writeMode,
        String target,
        String source,
        List<SelectedField> fields,
        List<FieldPath> ignore,
        List<FieldPath> primaryKeys,
        Optional<Format> format,
        Optional<StoreAs> storeAs,
        List<FieldPath> keyFields,
        Optional<String> keyDelimiter,
        Optional<String> converter,
        Optional<String> regex,
        OptionalLong ttl,
        OptionalInt batch,
        OptionalInt limit,
        Map<String, String> properties,
        String text,
        Position start,
        Map<Clause, Position> clausePositions) {

    public KcqlStatement {
        fields = List.copyOf(fields);
        ignore = List.copyOf(ignore);
        primaryKeys = List.copyOf(primaryKeys);
        keyFields = List.copyOf(keyFields);
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        Map<Clause, Position> positions = new EnumMap<>(Clause.class);
        positions.putAll(clausePositions);
        clausePositions = Collections.unmodifiableMap(positions);
    }

    public boolean has(Clause clause) {
        return clausePositions.containsKey(clause);
    }

    /** True when the statement selects {@code *} (possibly with more fields or IGNORE). */
    public boolean selectsAll() {
        return fields.stream().anyMatch(SelectedField::isSelectAll);
    }

    /** The format, or the given default when WITHFORMAT is absent. */
    public Format formatOr(Format fallback) {
        return format.orElse(fallback);
    }

    /** The error to raise for a fault at {@code position} in this statement, with the caret line. */
    public KcqlException errorAt(Position position, String offendingText, String reason) {
        return KcqlException.inStatement(text, start, position, offendingText, reason);
    }

    @Override
    public String toString() {
        return text;
    }
}
