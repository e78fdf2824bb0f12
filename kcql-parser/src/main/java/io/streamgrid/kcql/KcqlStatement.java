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
 * @param withType        {@code WITHTYPE type}: the kind of structure a source reads, as written (connectors compare it
 *                        ignoring case)
 * @param where           the WHERE condition, if any
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
        Optional<String> withType,
        Optional<Condition> where,
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

    /**
     * Where the statement first names {@code written} (a field name as it is written) after its SELECT keyword, so an
     * error about that field points at it; the statement's start when it does not name it.
     */
    public Position positionInSelect(String written) {
        return positionAfter("SELECT", written);
    }

    /** Where a field path is first written after SELECT (by its first name, as it is written). */
    public Position positionOf(FieldPath path) {
        Position inSelect = positionInSelect(path.toString().split("\\.", 2)[0]);
        if (!inSelect.equals(start) || where.isEmpty()) {
            return inSelect;
        }
        return where.get().fields().stream().filter(f -> f.path().equals(path)).findFirst()
                .map(Condition.Operand.Field::position).orElse(start);
    }

    /**
     * Where the statement first names {@code written} after the first {@code keyword} (INTO, SELECT, FROM); the
     * statement's start when it does not.
     */
    public Position positionAfter(String keyword, String written) {
        java.util.regex.Matcher word = java.util.regex.Pattern.compile("(?i)(?<![A-Za-z0-9_`])"
                + java.util.regex.Pattern.quote(keyword) + "(?![A-Za-z0-9_])").matcher(text);
        return word.find() ? find(written, word.end(), start) : start;
    }

    /** Where {@code clause} first names {@code written} after its keyword; the clause's start when it does not. */
    public Position positionIn(Clause clause, String written) {
        Position keyword = clausePositions.get(clause);
        if (keyword == null) {
            return start;
        }
        int from = offsetOf(keyword);
        return from < 0 ? keyword : find(written, from + clause.keyword().length(), keyword);
    }

    private Position find(String written, int from, Position fallback) {
        java.util.regex.Matcher word = java.util.regex.Pattern.compile("(?<![A-Za-z0-9_])"
                + java.util.regex.Pattern.quote(written) + "(?![A-Za-z0-9_])").matcher(text);
        return word.find(from) ? positionAt(word.start()) : fallback;
    }

    /** The offset in {@link #text} of a position in the whole input, or -1 when it is not in this statement. */
    private int offsetOf(Position position) {
        int line = start.line();
        int column = start.column();
        for (int i = 0; i < text.length(); i++) {
            if (line == position.line() && column == position.column()) {
                return i;
            }
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return -1;
    }

    private Position positionAt(int offset) {
        int line = start.line();
        int column = start.column();
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Position(line, column);
    }

    @Override
    public String toString() {
        return text;
    }
}
