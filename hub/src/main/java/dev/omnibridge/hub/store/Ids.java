package dev.omnibridge.hub.store;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered UUIDs (version 7 layout): ids sort by creation time, which keeps index inserts local. They name rows
 * (messages, conversations, contacts) and are shown to operators and desks, so they must be unique, not secret: the
 * random bits come from each thread's own generator ({@link ThreadLocalRandom}, seeded per thread and per start)
 * instead of one shared {@code SecureRandom} that every request thread waited on. Nothing grants access by knowing
 * an id (the webchat's conversation keys and tokens come from its own {@code SecureRandom} and are signed).
 */
public final class Ids {
    private Ids() {
    }

    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
