package dev.omnibridge.hub.sla;

import java.time.Duration;

/** Durations as people read them in a note: {@code 4h}, {@code 1h 30m}, {@code 2d 3h}, {@code 45s}. */
final class Durations {
    private Durations() {
    }

    static String words(Duration d) {
        long s = Math.max(0, d.toSeconds());
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        StringBuilder b = new StringBuilder();
        if (days > 0) {
            b.append(days).append("d ");
        }
        if (hours > 0) {
            b.append(hours).append("h ");
        }
        if (minutes > 0 && days == 0) {
            b.append(minutes).append("m ");
        }
        if (b.length() == 0) {
            b.append(s).append("s ");
        }
        return b.toString().strip();
    }
}
