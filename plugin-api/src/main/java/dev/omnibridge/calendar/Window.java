package dev.omnibridge.calendar;

/**
 * Opening hours on one day: from {@code start} (minutes after local midnight, 0..1439) for {@code minutes}
 * (1..1440); a window whose end is past 24:00 runs into the next day and still belongs to the day it starts on.
 */
record Window(int start, int minutes) implements Comparable<Window> {
    static final int DAY = 24 * 60;

    int end() {
        return start + minutes;
    }

    @Override
    public int compareTo(Window o) {
        return Integer.compare(start, o.start);
    }

    @Override
    public String toString() {
        return clock(start) + "-" + clock(end() % DAY == 0 && end() > 0 ? DAY : end() % DAY);
    }

    static String clock(int minute) {
        return String.format(java.util.Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }
}
