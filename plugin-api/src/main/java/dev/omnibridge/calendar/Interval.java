package dev.omnibridge.calendar;

import java.time.Instant;

/** One stretch of open time, {@code start} inclusive, {@code end} exclusive. */
record Interval(Instant start, Instant end) {
}
