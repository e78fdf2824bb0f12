package io.streamgrid.common.projection;

import io.streamgrid.common.format.IsoTimes;
import io.streamgrid.kcql.Condition;
import io.streamgrid.kcql.KcqlStatement;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.errors.DataException;

/**
 * A statement's WHERE condition applied to a record, with SQL's three-valued logic: a comparison with a null
 * or missing field is unknown, and only a condition that holds keeps the record. Fields are read as the SELECT
 * list reads them (value paths on Struct, Map or JSON text, {@code _key...}, {@code _header.h},
 * {@code _topic}, ...), but a field the record does not have is null here, not an error. Numbers compare by
 * value whatever their type, a timestamp with an ISO-8601 string as points in time; comparing a string with a
 * number (or any two kinds that have no order) is bad data for the record, named. Not thread-safe.
 */
public final class RecordFilter {

    private final Condition condition;
    private final Map<String, Pattern> likePatterns = new HashMap<>();
    private final RecordFields fields = new RecordFields();
    /** The record being tested. */
    private RecordView current;

    public RecordFilter(Condition condition) {
        this.condition = condition;
    }

    /** The statement's filter, or null when it has no WHERE. */
    public static RecordFilter of(KcqlStatement statement) {
        return statement.where().map(RecordFilter::new).orElse(null);
    }

    /** Whether the condition holds for the record; bad data (no order between two values) is a DataException. */
    public boolean keeps(RecordView record) {
        current = record;
        try {
            return evaluate(condition) == Truth.TRUE;
        } finally {
            current = null;
            fields.release();
        }
    }

    /** SQL's three truth values: a comparison with a null is unknown. */
    private enum Truth {
        TRUE, FALSE, UNKNOWN;

        static Truth of(boolean value) {
            return value ? TRUE : FALSE;
        }

        Truth and(java.util.function.Supplier<Truth> other) {
            if (this == FALSE) {
                return FALSE;
            }
            Truth right = other.get();
            return right == FALSE ? FALSE : this == UNKNOWN || right == UNKNOWN ? UNKNOWN : TRUE;
        }

        Truth or(java.util.function.Supplier<Truth> other) {
            if (this == TRUE) {
                return TRUE;
            }
            Truth right = other.get();
            return right == TRUE ? TRUE : this == UNKNOWN || right == UNKNOWN ? UNKNOWN : FALSE;
        }

        Truth not() {
            return this == UNKNOWN ? UNKNOWN : this == TRUE ? FALSE : TRUE;
        }

        Truth negatedIf(boolean negated) {
            return negated ? not() : this;
        }
    }

    private Truth evaluate(Condition c) {
        if (c instanceof Condition.And and) {
            return evaluate(and.left()).and(() -> evaluate(and.right()));
        }
        if (c instanceof Condition.Or or) {
            return evaluate(or.left()).or(() -> evaluate(or.right()));
        }
        if (c instanceof Condition.Not not) {
            return evaluate(not.inner()).not();
        }
        if (c instanceof Condition.IsNull isNull) {
            return Truth.of((value(isNull.operand()) == null) != isNull.negated());
        }
        if (c instanceof Condition.In in) {
            return in(in).negatedIf(in.negated());
        }
        if (c instanceof Condition.Like like) {
            return like(like).negatedIf(like.negated());
        }
        Condition.Comparison comparison = (Condition.Comparison) c;
        Object left = value(comparison.left());
        Object right = value(comparison.right());
        if (left == null || right == null) {
            return Truth.UNKNOWN;
        }
        return Truth.of(comparison.comparator().holds(compare(left, right, comparison.left(), comparison.right())));
    }

    private Truth in(Condition.In in) {
        Object value = value(in.operand());
        if (value == null) {
            return Truth.UNKNOWN;
        }
        boolean unknown = false;
        for (Condition.Operand candidate : in.values()) {
            Object other = value(candidate);
            if (other == null) {
                unknown = true;
            } else if (compare(value, other, in.operand(), candidate) == 0) {
                return Truth.TRUE;
            }
        }
        return unknown ? Truth.UNKNOWN : Truth.FALSE;
    }

    private Truth like(Condition.Like like) {
        Object value = value(like.operand());
        if (value == null) {
            return Truth.UNKNOWN;
        }
        if (!(value instanceof String text)) {
            throw new DataException("WHERE " + like.operand() + " LIKE ... in record " + current.describe()
                    + ": the field is a " + kind(value) + ", and LIKE matches strings");
        }
        return Truth.of(likePatterns.computeIfAbsent(like.pattern(), RecordFilter::likeRegex).matcher(text).matches());
    }

    /** SQL LIKE as a regular expression: % any run of characters, _ any one, everything else as it is. */
    static Pattern likeRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '%' || ch == '_') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(ch == '%' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The sign of comparing two non-null values, or bad data when they have no order between them. */
    private int compare(Object a, Object b, Condition.Operand left, Condition.Operand right) {
        Object x = normal(a);
        Object y = normal(b);
        if (x instanceof Instant && y instanceof String text) {
            y = instant(text, right);
        } else if (y instanceof Instant && x instanceof String text) {
            x = instant(text, left);
        } else if (x instanceof Instant time && y instanceof BigDecimal) {
            x = BigDecimal.valueOf(time.toEpochMilli()); // a timestamp against a number: epoch milliseconds
        } else if (y instanceof Instant time && x instanceof BigDecimal) {
            y = BigDecimal.valueOf(time.toEpochMilli());
        }
        if (x instanceof BigDecimal p && y instanceof BigDecimal q) {
            return p.compareTo(q);
        }
        if (x instanceof String p && y instanceof String q) {
            return p.compareTo(q);
        }
        if (x instanceof Boolean p && y instanceof Boolean q) {
            return p.compareTo(q);
        }
        if (x instanceof Instant p && y instanceof Instant q) {
            return p.compareTo(q);
        }
        throw new DataException("WHERE compares " + describe(left, a) + " with " + describe(right, b)
                + " in record " + current.describe() + ", and a " + kind(a) + " has no order with a " + kind(b));
    }

    private static String describe(Condition.Operand operand, Object value) {
        return operand instanceof Condition.Operand.Field ? "field '" + operand + "' (" + kind(value) + " "
                + abbreviate(value) + ")" : "the " + kind(value) + " " + operand;
    }

    private static String abbreviate(Object value) {
        String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static String kind(Object value) {
        Object normal = normal(value);
        if (normal instanceof BigDecimal) {
            return "number";
        }
        if (normal instanceof String) {
            return "string";
        }
        if (normal instanceof Boolean) {
            return "boolean";
        }
        if (normal instanceof Instant) {
            return "timestamp";
        }
        return value.getClass().getSimpleName();
    }

    private static Object normal(Object value) {
        if (value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Float f) { // 21.7f is 21.7 as its writer meant it, not 21.700000762939453
            return Float.isFinite(f) ? new BigDecimal(Float.toString(f)) : value;
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : value;
        }
        if (value instanceof Number number) {
            return number instanceof java.math.BigInteger big ? new BigDecimal(big) : BigDecimal.valueOf(number.longValue());
        }
        if (value instanceof java.util.Date date) {
            return date.toInstant();
        }
        return value;
    }

    private Instant instant(String text, Condition.Operand where) {
        return IsoTimes.instant(text).orElseThrow(() -> new DataException("WHERE compares a timestamp with " + where
                + " in record " + current.describe() + ", which is not an ISO-8601 date or time"));
    }

    private Object value(Condition.Operand operand) {
        if (operand instanceof Condition.Operand.Literal literal) {
            return literal.value();
        }
        return fields.read(current, ((Condition.Operand.Field) operand).path());
    }
}
