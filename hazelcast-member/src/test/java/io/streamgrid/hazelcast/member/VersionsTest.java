package io.streamgrid.hazelcast.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;

class VersionsTest {

    private static final long NINE_O_CLOCK = 1_796_115_600_000L; // 2026-12-01T09:00:00Z

    private static BigDecimal v(Object value) {
        return Versions.of(value, "ts");
    }

    @Test
    void pointsInTimeCompareAsEpochMillisWhateverTheirForm() {
        BigDecimal millis = v(NINE_O_CLOCK);
        assertThat(v("2026-12-01T09:00:00Z")).isEqualByComparingTo(millis);
        assertThat(v("2026-12-01T10:00:00+01:00")).isEqualByComparingTo(millis);
        assertThat(v("2026-12-01T09:00:00")).as("no offset: UTC").isEqualByComparingTo(millis);
        assertThat(v(new Date(NINE_O_CLOCK))).isEqualByComparingTo(millis);
        assertThat(v(OffsetDateTime.of(2026, 12, 1, 9, 0, 0, 0, ZoneOffset.UTC))).isEqualByComparingTo(millis);
        assertThat(v(LocalDateTime.of(2026, 12, 1, 9, 0))).isEqualByComparingTo(millis);
        assertThat(v(LocalDate.of(2026, 12, 1))).isLessThan(millis);
    }

    @Test
    void nanosecondsAndFractionsKeepTheirOrder() {
        assertThat(v("2026-12-01T09:00:00.000000001Z")).isGreaterThan(v("2026-12-01T09:00:00Z"));
        assertThat(v(1.5)).isGreaterThan(v(1)).isLessThan(v("2"));
        assertThat(v(Long.MAX_VALUE)).isGreaterThan(v(Long.MAX_VALUE - 1));
        assertThat(v("9999-12-31")).as("beyond what a long of nanoseconds holds").isGreaterThan(v("2262-04-12"));
    }

    @Test
    void nullIsNoVersionAndOtherValuesAreErrorsNamingTheField() {
        assertThat(v(null)).isNull();
        assertThatThrownBy(() -> v("yesterday")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ts is 'yesterday', not a number, a timestamp or an ISO-8601 string");
        assertThatThrownBy(() -> v(Double.NaN)).hasMessageContaining("has no order");
        assertThatThrownBy(() -> v(true)).hasMessageContaining("ts is a Boolean");
    }
}
