package dev.omnibridge.hub.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Names for the threads and delivery records of handed-off replies ({@link dev.omnibridge.spi.HandOff}). */
final class HandOffThreads {
    // Base32 without padding: the shape the email channel uses for its subject tokens, so a customer's answer to
    // a handed-off reply threads like any other mail reply.
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private HandOffThreads() {
    }

    /** A short key stable for a conversation: eight base32 characters of its id's SHA-256. */
    static String threadKey(String conversationId) {
        byte[] hash = sha256(conversationId);
        long bits = 0;
        for (int i = 0; i < 5; i++) {
            bits = (bits << 8) | (hash[i] & 0xff);
        }
        char[] key = new char[8];
        for (int i = 7; i >= 0; i--) {
            key[i] = ALPHABET[(int) (bits & 31)];
            bits >>>= 5;
        }
        return new String(key);
    }

    /** What the outbox records as the channel's id: where the reply went, and that channel's own id for it. */
    static String deliveryRef(String instanceId, String channelRef) {
        return "handoff:" + instanceId + ":" + channelRef;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
