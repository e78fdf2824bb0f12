package io.streamgrid.kcql;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one connector accepts of KCQL. Checking a statement against it turns "parsed but not
 * supported here" into an error that names the clause and the connector, instead of a clause that is
 * silently ignored.
 *
 * @param connector    the connector's name as users know it, e.g. {@code Hazelcast sink}
 * @param storeAsTypes    the STOREAS types accepted, upper-case (compared ignoring case)
 * @param whereFieldKinds the field kinds a WHERE condition may read (a source's condition sees headers and
 *                        metadata that its SELECT list cannot take)
 * @param withTypes       the WITHTYPE types accepted, upper-case (compared ignoring case)
 * @param required        the clauses every statement must have (a source that reads several kinds of structure
 *                        must be told which one: WITHTYPE), so a statement without one is refused, not guessed at
 */
public record KcqlCapabilities(String connector, Set<WriteMode> writeModes, Set<Clause> clauses,
                               Set<String> storeAsTypes, Set<Format> formats, Set<FieldKind> fieldKinds,
                               Set<FieldKind> whereFieldKinds, Set<String> withTypes, Set<Clause> required) {

    public KcqlCapabilities {
        writeModes = Set.copyOf(writeModes);
        clauses = Set.copyOf(clauses);
        storeAsTypes = Collections.unmodifiableSet(upperCase(storeAsTypes));
        withTypes = Collections.unmodifiableSet(upperCase(withTypes));
        required = Set.copyOf(required);
        formats = Set.copyOf(formats);
        fieldKinds = Set.copyOf(fieldKinds);
        whereFieldKinds = Set.copyOf(whereFieldKinds);
    }

    private static LinkedHashSet<String> upperCase(Set<String> types) {
        LinkedHashSet<String> upperCase = new LinkedHashSet<>();
        types.forEach(type -> upperCase.add(type.toUpperCase(Locale.ROOT)));
        return upperCase;
    }

    public static Builder forConnector(String connector) {
        return new Builder(connector);
    }

    /**
     * Parses the input and checks every statement; the first fault is thrown. A syntax error lists only what this
     * connector accepts at that point, not the clauses and write modes of the grammar it would then refuse.
     */
    public List<KcqlStatement> parse(String input) {
        List<KcqlStatement> statements;
        try {
            statements = Kcql.parse(input);
        } catch (KcqlException e) {
            throw e.expectingOnly(this::accepts);
        }
        statements.forEach(this::check);
        return statements;
    }

    /** Whether a word of a syntax error's "expected" list names something this connector accepts. */
    private boolean accepts(String expectedWord) {
        for (Clause clause : Clause.values()) {
            if (clause.keyword().equals(expectedWord)) {
                return clauses.contains(clause);
            }
        }
        for (WriteMode mode : WriteMode.values()) {
            if (mode.name().equals(expectedWord)) {
                return writeModes.contains(mode);
            }
        }
        return !expectedWord.equals("WITH") || clauses.contains(Clause.WITHFORMAT); // WITH FORMAT
    }

    /** Throws a {@link KcqlException} at the first part of the statement this connector does not accept. */
    public void check(KcqlStatement statement) {
        if (!writeModes.contains(statement.writeMode())) {
            throw statement.errorAt(statement.start(), statement.writeMode().name(), "the " + connector
                    + " does not support " + statement.writeMode() + " INTO; use " + join(writeModes) + " INTO");
        }
        for (Clause clause : statement.clausePositions().keySet()) {
            if (!clauses.contains(clause)) {
                throw statement.errorAt(statement.clausePositions().get(clause), clause.keyword(), "the "
                        + connector + " does not support the " + clause.keyword() + " clause"
                        + (clauses.isEmpty() ? "" : "; it accepts " + join(clauses)));
            }
        }
        statement.storeAs().ifPresent(storeAs -> {
            if (!storeAsTypes.contains(storeAs.type().toUpperCase(Locale.ROOT))) {
                throw statement.errorAt(statement.clausePositions().get(Clause.STOREAS), "STOREAS", "the "
                        + connector + " cannot STOREAS " + storeAs.type() + "; use one of " + join(storeAsTypes));
            }
        });
        for (Clause clause : required) {
            if (!statement.has(clause)) {
                throw statement.errorAt(statement.positionAfter("FROM", statement.source()), statement.source(),
                        "the " + connector + " needs a " + clause.keyword() + " clause, which this statement does not "
                                + "have" + (clause == Clause.WITHTYPE ? ": write what '" + statement.source()
                                + "' is after it, WITHTYPE " + String.join(" | ", withTypes) : ""));
            }
        }
        statement.withType().ifPresent(type -> {
            if (!withTypes.contains(type.toUpperCase(Locale.ROOT))) {
                throw statement.errorAt(statement.positionIn(Clause.WITHTYPE, type), type, "the " + connector
                        + " cannot read WITHTYPE " + type + "; use one of " + join(withTypes));
            }
        });
        statement.format().ifPresent(format -> {
            if (!formats.contains(format)) {
                throw statement.errorAt(statement.clausePositions().get(Clause.WITHFORMAT), "WITHFORMAT", "the "
                        + connector + " does not support WITHFORMAT " + format + "; use one of " + join(formats));
            }
        });
        statement.where().stream().flatMap(c -> c.fields().stream())
                .filter(field -> !whereFieldKinds.contains(field.path().kind()))
                .findFirst()
                .ifPresent(field -> {
                    throw statement.errorAt(field.position(), field.written(), "the " + connector + "'s WHERE "
                            + "cannot read '" + field.written() + "': it reads " + join(whereFieldKinds) + " fields only");
                });
        Stream.of(statement.fields().stream().map(SelectedField::path), statement.primaryKeys().stream(),
                        statement.keyFields().stream())
                .flatMap(s -> s)
                .filter(path -> !fieldKinds.contains(path.kind()))
                .findFirst()
                .ifPresent(path -> {
                    throw statement.errorAt(statement.positionOf(path), path.toString(), "the " + connector
                            + " cannot read '" + path + "': it reads " + join(fieldKinds) + " fields only");
                });
    }

    private static String join(Collection<?> values) {
        return values.stream().map(v -> v instanceof Enum<?> e ? e.name() : String.valueOf(v)).sorted()
                .collect(Collectors.joining(", "));
    }

    /** Builds capabilities; by default INSERT only, no clauses, no STOREAS types, no formats, value fields only. */
    public static final class Builder {
        private final String connector;
        private final Set<WriteMode> writeModes = EnumSet.of(WriteMode.INSERT);
        private final Set<Clause> clauses = EnumSet.noneOf(Clause.class);
        private final Set<String> storeAsTypes = new LinkedHashSet<>();
        private final Set<Format> formats = EnumSet.noneOf(Format.class);
        private final Set<FieldKind> fieldKinds = EnumSet.of(FieldKind.VALUE);
        private Set<FieldKind> whereFieldKinds;
        private final Set<String> withTypes = new LinkedHashSet<>();
        private final Set<Clause> required = EnumSet.noneOf(Clause.class);

        private Builder(String connector) {
            this.connector = connector;
        }

        public Builder writeModes(WriteMode... modes) {
            writeModes.clear();
            writeModes.addAll(Arrays.asList(modes));
            return this;
        }

        public Builder clauses(Clause... accepted) {
            clauses.addAll(Arrays.asList(accepted));
            return this;
        }

        public Builder storeAsTypes(Collection<String> types) {
            storeAsTypes.addAll(types);
            return this;
        }

        public Builder formats(Format... accepted) {
            formats.addAll(Arrays.asList(accepted));
            return this;
        }

        public Builder fieldKinds(FieldKind... kinds) {
            fieldKinds.clear();
            fieldKinds.addAll(Arrays.asList(kinds));
            return this;
        }

        /** The field kinds WHERE may read; by default those of the SELECT list. */
        public Builder whereFieldKinds(FieldKind... kinds) {
            whereFieldKinds = EnumSet.copyOf(Arrays.asList(kinds));
            return this;
        }

        /** The WITHTYPE types accepted, in the order messages list them. */
        public Builder withTypes(Collection<String> types) {
            withTypes.addAll(types);
            return this;
        }

        /** Clauses every statement must have; each is accepted too. */
        public Builder requires(Clause... needed) {
            required.addAll(Arrays.asList(needed));
            clauses.addAll(Arrays.asList(needed));
            return this;
        }

        public KcqlCapabilities build() {
            return new KcqlCapabilities(connector, writeModes, clauses, storeAsTypes, formats, fieldKinds,
                    whereFieldKinds == null ? fieldKinds : whereFieldKinds, withTypes, required);
        }
    }
}
