package io.streamgrid.hazelcast.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.nio.serialization.FieldKind;
import io.streamgrid.hazelcast.member.CompactFields;
import io.streamgrid.hazelcast.member.CompactFields.Field;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Conversions between Compact kinds: only where the value reads back as the same number or text. */
class CompactFieldsTest {

    private static Field convert(FieldKind from, Object value, FieldKind to) {
        return CompactFields.convert(new Field(from, value), to);
    }

    @Test
    void aNumberConvertsToEveryKindThatReadsBackAsTheSameNumber() {
        assertThat(convert(FieldKind.INT64, 21L, FieldKind.FLOAT64)).isEqualTo(new Field(FieldKind.FLOAT64, 21.0));
        assertThat(convert(FieldKind.NULLABLE_FLOAT64, 21.0, FieldKind.INT64))
                .isEqualTo(new Field(FieldKind.INT64, 21L));
        assertThat(convert(FieldKind.DECIMAL, new BigDecimal("21.53"), FieldKind.NULLABLE_FLOAT64))
                .isEqualTo(new Field(FieldKind.NULLABLE_FLOAT64, 21.53));
        assertThat(convert(FieldKind.FLOAT64, 21.53, FieldKind.DECIMAL))
                .isEqualTo(new Field(FieldKind.DECIMAL, new BigDecimal("21.53")));
        assertThat(convert(FieldKind.INT64, 1L << 60, FieldKind.FLOAT64)).as("a double holds 2^60 exactly")
                .isEqualTo(new Field(FieldKind.FLOAT64, 0x1p60));
        assertThat(convert(FieldKind.INT64, 100L, FieldKind.INT8)).isEqualTo(new Field(FieldKind.INT8, (byte) 100));
        assertThat(convert(FieldKind.INT32, 7, FieldKind.NULLABLE_INT64))
                .isEqualTo(new Field(FieldKind.NULLABLE_INT64, 7L));
        assertThat(convert(FieldKind.INT32, 16_777_216, FieldKind.FLOAT32))
                .isEqualTo(new Field(FieldKind.FLOAT32, 16_777_216f));
        assertThat(convert(FieldKind.FLOAT64, 0.5, FieldKind.FLOAT32)).isEqualTo(new Field(FieldKind.FLOAT32, 0.5f));
        assertThat(convert(FieldKind.FLOAT64, 0.1, FieldKind.FLOAT32)).isEqualTo(new Field(FieldKind.FLOAT32, 0.1f));
    }

    @Test
    void aValueThatWouldLoseSomethingDoesNotConvert() {
        assertThat(convert(FieldKind.FLOAT64, 21.5, FieldKind.INT64)).as("a fraction").isNull();
        assertThat(convert(FieldKind.DECIMAL, new BigDecimal("21.5"), FieldKind.NULLABLE_INT32)).isNull();
        assertThat(convert(FieldKind.INT64, 9_007_199_254_740_993L, FieldKind.FLOAT64)).as("beyond 2^53").isNull();
        assertThat(convert(FieldKind.INT64, 1_152_921_504_606_846_980L, FieldKind.FLOAT64))
                .as("its nearest double, 2^60, prints as 1.15292150460684698E18 too").isNull();
        assertThat(convert(FieldKind.DECIMAL, new BigDecimal("1152921504606846980"), FieldKind.NULLABLE_FLOAT64))
                .isNull();
        assertThat(convert(FieldKind.INT64, 1_000_000_000_000L, FieldKind.FLOAT32))
                .as("its nearest float, 999999995904, prints as 1.0E12").isNull();
        assertThat(convert(FieldKind.DECIMAL, new BigDecimal("0.123456789012345678901"), FieldKind.FLOAT64)).isNull();
        assertThat(convert(FieldKind.INT64, 300L, FieldKind.INT8)).as("out of range").isNull();
        assertThat(convert(FieldKind.FLOAT64, Double.NaN, FieldKind.DECIMAL)).isNull();
        assertThat(convert(FieldKind.STRING, "21", FieldKind.INT64)).as("text is not a number").isNull();
        assertThat(convert(FieldKind.BOOLEAN, true, FieldKind.INT8)).isNull();
        assertThat(convert(FieldKind.INT64, 1L, FieldKind.STRING)).as("text only through asText").isNull();
        assertThat(convert(FieldKind.DATE, LocalDate.EPOCH, FieldKind.TIMESTAMP)).isNull();
    }

    @Test
    void aNullConvertsToNullableKindsOnly() {
        assertThat(convert(FieldKind.STRING, null, FieldKind.NULLABLE_FLOAT64))
                .isEqualTo(new Field(FieldKind.NULLABLE_FLOAT64, null));
        assertThat(convert(FieldKind.NULLABLE_INT64, null, FieldKind.DECIMAL))
                .isEqualTo(new Field(FieldKind.DECIMAL, null));
        assertThat(convert(FieldKind.STRING, null, FieldKind.FLOAT64)).isNull();
    }

    @Test
    void everyScalarHasATextAndWholeDoublesHaveNoPointZero() {
        assertThat(CompactFields.asText(new Field(FieldKind.NULLABLE_FLOAT64, 21.0)).value()).isEqualTo("21");
        assertThat(CompactFields.asText(new Field(FieldKind.FLOAT64, 21.5)).value()).isEqualTo("21.5");
        assertThat(CompactFields.asText(new Field(FieldKind.DECIMAL, new BigDecimal("1E+3"))).value())
                .isEqualTo("1000");
        assertThat(CompactFields.asText(new Field(FieldKind.NULLABLE_BOOLEAN, true)).value()).isEqualTo("true");
        assertThat(CompactFields.asText(new Field(FieldKind.DATE, LocalDate.EPOCH)).value()).isEqualTo("1970-01-01");
        assertThat(CompactFields.asText(new Field(FieldKind.NULLABLE_INT64, null)))
                .isEqualTo(new Field(FieldKind.STRING, null));
        assertThat(CompactFields.asText(new Field(FieldKind.ARRAY_OF_INT8, new byte[] {1}))).isNull();
    }

    @Test
    void twoColumnTypesWidenToOneThatHoldsBoth() {
        assertThat(ColumnTypes.widest("BIGINT", "DOUBLE")).isEqualTo("DOUBLE");
        assertThat(ColumnTypes.widest("INTEGER", "BIGINT")).isEqualTo("BIGINT");
        assertThat(ColumnTypes.widest("REAL", "SMALLINT")).isEqualTo("DOUBLE");
        assertThat(ColumnTypes.widest("DECIMAL", "DOUBLE")).isEqualTo("DECIMAL");
        assertThat(ColumnTypes.widest("BIGINT", "VARCHAR")).isEqualTo("VARCHAR");
        assertThat(ColumnTypes.widest("BOOLEAN", "BIGINT")).isEqualTo("VARCHAR");
        assertThat(ColumnTypes.widest("DATE", "TIMESTAMP")).isEqualTo("VARCHAR");
        assertThat(ColumnTypes.widest("DOUBLE", "DOUBLE")).isEqualTo("DOUBLE");
    }
}
