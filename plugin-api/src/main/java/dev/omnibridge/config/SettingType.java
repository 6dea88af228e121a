package dev.omnibridge.config;

/** The type of a connector setting; the hub converts configuration values to it before a connector starts. */
public enum SettingType {
    STRING, INT, LONG, BOOLEAN,
    /** ISO-8601 ({@code PT30S}) or a short form: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    DURATION,
    /** An absolute http or https URL. */
    URL,
    /** A list of strings: a YAML list or a comma-separated string. */
    LIST,
    /**
     * The name of a business calendar the hub's configuration declares ({@code calendars:}); read as a string. The
     * hub's {@code validate} and start refuse a name it does not know; the connector gets the calendar from
     * {@code ConnectorContext.calendar(name)}.
     */
    CALENDAR
}
