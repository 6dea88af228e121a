package dev.omnibridge.deskkit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Times in desk APIs' JSON (ISO-8601 with an offset, e.g. {@code 2024-05-01T10:00:00Z} or {@code +02:00}). */
public final class DeskTimes {
    private DeskTimes() {
    }

    /** The instant {@code text} names; null when it is missing, blank or not such a time (the caller decides). */
    public static Instant parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
