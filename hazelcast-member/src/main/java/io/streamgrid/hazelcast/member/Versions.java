package io.streamgrid.hazelcast.member;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.function.Supplier;

/**
 * Version values made comparable: numbers as they are, points in time (Connect timestamps, Compact dates and
 * timestamps, ISO-8601 strings) as epoch milliseconds. So a device may send {@code ts} as epoch millis in one
 * firmware and as an ISO-8601 string in the next, and its readings still order.
 */
public final class Versions {

    private Versions() {
    }

    /**
     * The version of a field's value, or null when the value is null.
     *
     * @throws IllegalArgumentException (with {@code where}) for a value that is neither a number, a point in
     *                                  time nor an ISO-8601 string
     */
    public static BigDecimal of(Object value, String where) {
        return of(value, () -> where);
    }

    /** As {@link #of(Object, String)}, naming the value only for an error. */
    public static BigDecimal of(Object value, Supplier<String> where) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(where.get() + " is " + d + ", which has no order");
            }
            return BigDecimal.valueOf(d);
        }
        if (value instanceof Number number) {
            return BigDecimal.valueOf(number.longValue());
        }
        if (value instanceof Date date) {
            return BigDecimal.valueOf(date.getTime());
        }
        if (value instanceof OffsetDateTime time) {
            return millis(time.toInstant());
        }
        if (value instanceof LocalDateTime time) {
            return millis(time.toInstant(ZoneOffset.UTC));
        }
        if (value instanceof LocalDate date) {
            return millis(date.atStartOfDay().toInstant(ZoneOffset.UTC));
        }
        if (value instanceof Instant instant) {
            return millis(instant);
        }
        if (value instanceof LocalTime time) {
            return BigDecimal.valueOf(time.toNanoOfDay()).movePointLeft(6);
        }
        if (value instanceof String text) {
            return ofText(text, where);
        }
        throw new IllegalArgumentException(where.get() + " is a " + value.getClass().getSimpleName()
                + ", not a number, a timestamp or an ISO-8601 string");
    }

    /**
     * A JSON number's text as a version: one a BigDecimal cannot hold (an exponent beyond an int's range) is an error
     * naming where it is, not Java's bare "Exponent overflow.".
     */
    public static BigDecimal ofNumber(String text, Supplier<String> where) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where.get() + " is " + text + ", a number whose exponent is beyond "
                    + "what a version can hold", e);
        }
    }

    private static BigDecimal ofText(String text, Supplier<String> where) {
        Instant time = isoInstant(text.trim());
        if (time != null) {
            return millis(time);
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException(where.get() + " is '" + text + "', not a number, a timestamp or an ISO-8601 "
                    + "string");
        }
    }

    /**
     * ISO-8601 text as connect-common's IsoTimes reads it for WHERE (with an offset, without one as UTC, or a date
     * alone as its start), or null. The member module depends on Hazelcast alone, so it reads the text itself.
     */
    private static Instant isoInstant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    return null;
                }
            }
        }
    }

    /** Epoch milliseconds, with the sub-millisecond part as a fraction so that nanosecond order is kept. */
    private static BigDecimal millis(Instant instant) {
        return BigDecimal.valueOf(instant.getEpochSecond()).movePointRight(3)
                .add(BigDecimal.valueOf(instant.getNano()).movePointLeft(6)).stripTrailingZeros();
    }
}
