package dev.omnibridge.connector.salesforce;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** SOQL literals: quoted strings, dateTime values, and Salesforce's JSON dateTime format. */
final class Soql {
    /** How REST answers carry dateTime fields, e.g. {@code 2026-11-23T19:10:41.000+0000}. */
    private static final DateTimeFormatter SALESFORCE_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX");

    private Soql() {
    }

    /** A string literal: backslashes and quotes escaped, so customer data can't change the query. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("'");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** A dateTime literal (unquoted, UTC, whole seconds), e.g. {@code 2026-11-23T19:10:41Z}. */
    static String dateTime(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Reads a dateTime field; accepts the REST format and plain ISO-8601. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, SALESFORCE_DATETIME).toInstant();
        } catch (DateTimeParseException notRestFormat) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }
}
