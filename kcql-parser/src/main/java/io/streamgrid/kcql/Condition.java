package io.streamgrid.kcql;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A WHERE condition: comparisons between fields and literals, IS [NOT] NULL, [NOT] IN, [NOT] LIKE, joined with
 * AND, OR and NOT ({@code a BETWEEN x AND y} is kept as {@code a >= x AND a <= y}). Immutable; {@link #toString()}
 * gives it back fully parenthesised, as the KCQL checker shows it.
 */
public sealed interface Condition {

    /** Every field the condition reads, so a connector can check it may read them. */
    List<Operand.Field> fields();

    /** Both must hold. */
    record And(Condition left, Condition right) implements Condition {
        @Override
        public List<Operand.Field> fields() {
            return concat(left.fields(), right.fields());
        }

        @Override
        public String toString() {
            return "(" + left + " AND " + right + ")";
        }
    }

    /** Either holds. */
    record Or(Condition left, Condition right) implements Condition {
        @Override
        public List<Operand.Field> fields() {
            return concat(left.fields(), right.fields());
        }

        @Override
        public String toString() {
            return "(" + left + " OR " + right + ")";
        }
    }

    /** The inner condition does not hold (and is known: NOT of an unknown stays unknown, as in SQL). */
    record Not(Condition inner) implements Condition {
        @Override
        public List<Operand.Field> fields() {
            return inner.fields();
        }

        @Override
        public String toString() {
            return "(NOT " + inner + ")";
        }
    }

    /** The comparison operators. */
    enum Comparator {
        EQUAL("="), NOT_EQUAL("!="), LESS("<"), LESS_EQUAL("<="), GREATER(">"), GREATER_EQUAL(">=");

        private final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** Whether {@code left.compareTo(right)} (its sign) satisfies the operator. */
        public boolean holds(int comparison) {
            return switch (this) {
                case EQUAL -> comparison == 0;
                case NOT_EQUAL -> comparison != 0;
                case LESS -> comparison < 0;
                case LESS_EQUAL -> comparison <= 0;
                case GREATER -> comparison > 0;
                case GREATER_EQUAL -> comparison >= 0;
            };
        }
    }

    /** {@code left op right}, where the operator stands at {@code position}. */
    record Comparison(Operand left, Comparator comparator, Operand right, Position position) implements Condition {
        @Override
        public List<Operand.Field> fields() {
            return concat(Operand.fieldsOf(left), Operand.fieldsOf(right));
        }

        @Override
        public String toString() {
            return "(" + left + " " + comparator.symbol() + " " + right + ")";
        }
    }

    /** {@code operand IS [NOT] NULL}. */
    record IsNull(Operand operand, boolean negated) implements Condition {
        @Override
        public List<Operand.Field> fields() {
            return Operand.fieldsOf(operand);
        }

        @Override
        public String toString() {
            return "(" + operand + (negated ? " IS NOT NULL)" : " IS NULL)");
        }
    }

    /** {@code operand [NOT] IN (values)}. */
    record In(Operand operand, List<Operand> values, boolean negated, Position position) implements Condition {
        public In {
            values = List.copyOf(values);
        }

        @Override
        public List<Operand.Field> fields() {
            List<Operand.Field> fields = Operand.fieldsOf(operand);
            for (Operand value : values) {
                fields = concat(fields, Operand.fieldsOf(value));
            }
            return fields;
        }

        @Override
        public String toString() {
            return "(" + operand + (negated ? " NOT IN (" : " IN (")
                    + values.stream().map(Operand::toString).collect(Collectors.joining(", ")) + "))";
        }
    }

    /** {@code operand [NOT] LIKE 'pattern'}: {@code %} any run of characters, {@code _} any one character. */
    record Like(Operand operand, String pattern, boolean negated, Position position) implements Condition {
        @Override
        public List<Operand.Field> fields() {
            return Operand.fieldsOf(operand);
        }

        @Override
        public String toString() {
            return "(" + operand + (negated ? " NOT LIKE " : " LIKE ") + Operand.quote(pattern) + ")";
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** One side of a comparison: a field of the record, or a literal. */
    sealed interface Operand {

        /** A field as the SELECT list names it ({@code a.b}, {@code _key.x}, {@code _header.h}, {@code _topic}). */
        record Field(FieldPath path, String written, Position position) implements Operand {
            @Override
            public String toString() {
                return written;
            }
        }

        /** A number (BigDecimal), a string, or a boolean. */
        record Literal(Object value) implements Operand {
            public Literal {
                if (!(value instanceof BigDecimal || value instanceof String || value instanceof Boolean)) {
                    throw new IllegalArgumentException("a literal is a number, a string or a boolean, not " + value);
                }
            }

            @Override
            public String toString() {
                return value instanceof String text ? quote(text) : value instanceof BigDecimal d ? d.toPlainString()
                        : value.toString().toUpperCase(java.util.Locale.ROOT);
            }
        }

        static List<Field> fieldsOf(Operand operand) {
            return operand instanceof Field field ? List.of(field) : List.of();
        }

        static String quote(String text) {
            return "'" + text.replace("'", "''") + "'";
        }
    }
}
