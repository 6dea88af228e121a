package dev.omnibridge.connector.email;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Counts acknowledgements per sender address and calendar day (UTC), so that no sender gets more than the cap a day
 * whatever its mail's headers say: an auto-responder that passes every noise check cannot keep a loop going.
 *
 * <p>The counts live in the hub's store as instance offsets, saved in the same transaction as the mail they count
 * ({@link #count} returns them; the caller submits them with the mail), so a restart keeps them and a mail whose
 * storing failed is not counted. To keep the store free of addresses and its size bounded:
 * <ul>
 *   <li>an address is known only by an HMAC-SHA256 under a random key made once per instance and kept as the offset
 *       {@value #KEY}: the offsets name no address, and nobody can test an address against them without the key;</li>
 *   <li>the hash picks one of {@value #BUCKETS} offsets {@code ack-cap:000}..{@code ack-cap:3ff}; each holds the
 *       day and that day's counts, {@code 2026-03-02 1f0c3a9be2d4=2 ...} (48 bits of the hash per sender). A bucket
 *       from an earlier day counts as empty and is overwritten on its next use, so the instance never has more than
 *       {@value #BUCKETS} + 1 such offsets and no old ones to clean up.</li>
 * </ul>
 * A bucket holds about 120 senders a day (offset values are at most {@value #MAX_VALUE} characters), some 120,000
 * senders a day in all. A sender that finds its bucket full is not acknowledged: the cap fails safe.
 *
 * <p>Not thread-safe: the caller counts and stores one mail at a time, so that two folders cannot save a bucket in
 * the opposite order of their counts.
 */
final class AcknowledgementCap {
    static final String PREFIX = "ack-cap:";
    static final String KEY = PREFIX + "key";
    static final int BUCKETS = 1024;
    static final int MAX_VALUE = 2000;
    private static final HexFormat HEX = HexFormat.of();

    /**
     * @param allowed whether to acknowledge
     * @param offsets what to save with the mail; empty when not allowed (the count stays as it is)
     * @param full    not allowed because the sender's bucket is full, not because the sender reached the cap
     */
    record Count(boolean allowed, Map<String, String> offsets, boolean full) {
    }

    private final int perDay;
    private final Clock clock;
    private final Function<String, Optional<String>> stored;
    private final SecureRandom random = new SecureRandom();
    private byte[] unsavedKey;
    private Mac mac;
    private byte[] macKey;

    /** @param stored reads a saved offset, e.g. {@code ConnectorContext::offset} */
    AcknowledgementCap(int perDay, Clock clock, Function<String, Optional<String>> stored) {
        this.perDay = perDay;
        this.clock = clock;
        this.stored = stored;
    }

    int perDay() {
        return perDay;
    }

    /** Counts one more acknowledgement to {@code address} today, if it is still under the cap. */
    Count count(String address) {
        Map<String, String> offsets = new LinkedHashMap<>();
        byte[] hash = hmac(key(offsets), address.toLowerCase(Locale.ROOT));
        String bucket = bucket(hash);
        String sender = HEX.formatHex(hash, 2, 8);
        String today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();

        Map<String, Integer> counts = todaysCounts(stored.apply(bucket).orElse(""), today);
        int sent = counts.getOrDefault(sender, 0);
        if (sent >= perDay) {
            return new Count(false, Map.of(), false);
        }
        counts.put(sender, sent + 1);
        String value = format(today, counts);
        if (value.length() > MAX_VALUE) {
            return new Count(false, Map.of(), true);
        }
        offsets.put(bucket, value);
        return new Count(true, Map.copyOf(offsets), false);
    }

    /** The offset that counts {@code address}. */
    String bucketOf(String address) {
        return bucket(hmac(key(new LinkedHashMap<>()), address.toLowerCase(Locale.ROOT)));
    }

    private static String bucket(byte[] hash) {
        String hex = Integer.toHexString(((hash[0] & 0xff) << 8 | (hash[1] & 0xff)) % BUCKETS);
        return PREFIX + "0".repeat(3 - hex.length()) + hex;
    }

    /** The instance's hash key; a new one goes into {@code offsets} until the store has it. */
    private byte[] key(Map<String, String> offsets) {
        Optional<byte[]> saved = stored.apply(KEY).filter(v -> v.length() == 64).map(HEX::parseHex);
        if (saved.isPresent()) {
            unsavedKey = null;
            return saved.get();
        }
        if (unsavedKey == null) {
            unsavedKey = new byte[32];
            random.nextBytes(unsavedKey);
        }
        offsets.put(KEY, HEX.formatHex(unsavedKey));
        return unsavedKey;
    }

    private static Map<String, Integer> todaysCounts(String value, String today) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        String[] parts = value.split(" ");
        if (parts.length == 0 || !parts[0].equals(today)) {
            return counts;   // empty, or an earlier day's: those counts are over
        }
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            try {
                counts.put(parts[i].substring(0, eq), Integer.parseInt(parts[i].substring(eq + 1)));
            } catch (RuntimeException malformed) {
                // skip it: a damaged entry must not stop acknowledgements for the rest of the bucket
            }
        }
        return counts;
    }

    private static String format(String today, Map<String, Integer> counts) {
        StringBuilder s = new StringBuilder(today);
        counts.forEach((sender, n) -> s.append(' ').append(sender).append('=').append(n));
        return s.toString();
    }

    private byte[] hmac(byte[] key, String address) {
        try {
            if (mac == null || !Arrays.equals(key, macKey)) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                macKey = key.clone();
            }
            return mac.doFinal(address.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
