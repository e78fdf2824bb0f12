package io.streamgrid.common.format;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * ISO-8601 text read as a point in time, the way WHERE conditions and version guards compare it with timestamps:
 * with an offset ({@code 2026-12-01T10:00:00Z}), without one (UTC), or a date alone (its start, UTC).
 */
public final class IsoTimes {

    private IsoTimes() {
    }

    /** The instant the text names, or empty when it is none of those forms. */
    public static Optional<Instant> instant(String text) {
        String trimmed = text.trim();
        try {
            return Optional.of(OffsetDateTime.parse(trimmed).toInstant());
        } catch (DateTimeParseException notOffset) {
            try {
                return Optional.of(LocalDateTime.parse(trimmed).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notLocal) {
                try {
                    return Optional.of(LocalDate.parse(trimmed).atStartOfDay().toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException notDate) {
                    return Optional.empty();
                }
            }
        }
    }
}
