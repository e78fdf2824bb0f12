package io.streamgrid.hazelcast.state;

import com.hazelcast.nio.serialization.FieldKind;
import io.streamgrid.common.format.JsonMembers;
import java.util.List;

/**
 * The SQL column types of the sink's mappings: what a value's kind maps to, and the one type two kinds share.
 * Hazelcast's {@code json-flat} format converts each stored value to its column's type as it reads it (a whole
 * number reads as a DOUBLE, any scalar as a VARCHAR), but a fraction in a BIGINT column reads truncated, so a
 * JSON column takes the widest type its values need. The {@code compact} format converts nothing: a field reads
 * only as the type of its Compact kind, so a Compact column and the field's kind must agree in every record.
 */
final class ColumnTypes {

    static final String BOOLEAN = "BOOLEAN";
    static final String BIGINT = "BIGINT";
    static final String DOUBLE = "DOUBLE";
    static final String DECIMAL = "DECIMAL";
    static final String VARCHAR = "VARCHAR";

    /** Whole-number types, narrowest first. */
    private static final List<String> WHOLE = List.of("TINYINT", "SMALLINT", "INTEGER", BIGINT);

    private ColumnTypes() {
    }

    /** The column type of a JSON value's kind; null for kinds that give no column (null, objects, arrays). */
    static String of(JsonMembers.Kind kind) {
        return switch (kind) {
            case STRING -> VARCHAR;
            case WHOLE -> BIGINT;
            case NUMBER -> DOUBLE; // json-flat reads whole numbers beyond 64 bits as NULL in any column type
            case BOOLEAN -> BOOLEAN;
            case NULL, OBJECT, ARRAY -> null;
        };
    }

    /** The SQL type of a Compact field kind; null for kinds SQL cannot read as a column (records, arrays). */
    static String of(FieldKind kind) {
        return switch (kind) {
            case BOOLEAN, NULLABLE_BOOLEAN -> BOOLEAN;
            case INT8, NULLABLE_INT8 -> "TINYINT";
            case INT16, NULLABLE_INT16 -> "SMALLINT";
            case INT32, NULLABLE_INT32 -> "INTEGER";
            case INT64, NULLABLE_INT64 -> BIGINT;
            case FLOAT32, NULLABLE_FLOAT32 -> "REAL";
            case FLOAT64, NULLABLE_FLOAT64 -> DOUBLE;
            case STRING -> VARCHAR;
            case DECIMAL -> DECIMAL;
            case TIME -> "TIME";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP WITH TIME ZONE";
            default -> null;
        };
    }

    /**
     * The Compact kind whose fields read as a column of this type, nullable or not; null for a type no Compact
     * kind reads as.
     */
    static FieldKind kind(String type, boolean nullable) {
        return switch (type) {
            case BOOLEAN -> nullable ? FieldKind.NULLABLE_BOOLEAN : FieldKind.BOOLEAN;
            case "TINYINT" -> nullable ? FieldKind.NULLABLE_INT8 : FieldKind.INT8;
            case "SMALLINT" -> nullable ? FieldKind.NULLABLE_INT16 : FieldKind.INT16;
            case "INTEGER" -> nullable ? FieldKind.NULLABLE_INT32 : FieldKind.INT32;
            case BIGINT -> nullable ? FieldKind.NULLABLE_INT64 : FieldKind.INT64;
            case "REAL" -> nullable ? FieldKind.NULLABLE_FLOAT32 : FieldKind.FLOAT32;
            case DOUBLE -> nullable ? FieldKind.NULLABLE_FLOAT64 : FieldKind.FLOAT64;
            case VARCHAR -> FieldKind.STRING;
            case DECIMAL -> FieldKind.DECIMAL;
            case "TIME" -> FieldKind.TIME;
            case "DATE" -> FieldKind.DATE;
            case "TIMESTAMP" -> FieldKind.TIMESTAMP;
            case "TIMESTAMP WITH TIME ZONE" -> FieldKind.TIMESTAMP_WITH_TIMEZONE;
            default -> null;
        };
    }

    /**
     * The narrowest type that holds values of both types: the wider of two whole-number types; DECIMAL with a
     * DECIMAL; DOUBLE for whole numbers with REAL or DOUBLE; VARCHAR for anything else that differs (it reads
     * every scalar as text). Never narrower than either, so a mapping made again never narrows a column. DOUBLE,
     * not DECIMAL, for whole numbers with fractions, since a JSON field that has both is a measurement (21, then
     * 21.5) that SQL users read as a double; the price, stated in docs/hazelcast-sink.md, is that a whole number
     * beyond 2^53 in such a column reads as the nearest double.
     */
    static String widest(String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        if (isNumber(a) && isNumber(b)) {
            if (a.equals(DECIMAL) || b.equals(DECIMAL)) {
                return DECIMAL;
            }
            if (WHOLE.contains(a) && WHOLE.contains(b)) {
                return WHOLE.indexOf(a) > WHOLE.indexOf(b) ? a : b;
            }
            return DOUBLE;
        }
        return VARCHAR;
    }

    private static boolean isNumber(String type) {
        return WHOLE.contains(type) || type.equals("REAL") || type.equals(DOUBLE) || type.equals(DECIMAL);
    }
}
