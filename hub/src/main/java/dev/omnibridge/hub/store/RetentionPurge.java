package dev.omnibridge.hub.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store side of retention: purges, with {@link MessagePurge}, the bodies of a channel instance's messages
 * received before a cut-off, a batch at a time, in the caller's transaction. Each channel instance has a mark in
 * {@code store_marks} (the last message sequence number looked at), so a run reads only messages not looked at
 * before: messages are numbered in the order they were stored, and the first one not yet old enough ends the batch.
 * Skipped input the channel kept the original of ({@code inbound_skipped.original}, an attachment) loses it too.
 */
public final class RetentionPurge {
    private static final Pattern STORED_ATTACHMENT = Pattern.compile("attachment:([0-9a-f]{64})");
    static final String MARK_PREFIX = "retention:";

    private RetentionPurge() {
    }

    /**
     * @param messages         bodies purged
     * @param purgedIds        their ids
     * @param attachmentHashes attachment files no longer referenced by anything left: delete them after the commit
     * @param more             whether the batch was full: run again for the rest
     */
    public record Batch(int messages, List<String> purgedIds, Set<String> attachmentHashes, boolean more) {
    }

    /** Purges up to {@code limit} messages of the channel instance received before {@code cutoff}. */
    public static Batch purge(Connection c, String channelInstance, Instant cutoff, int limit, Instant now)
            throws SQLException {
        String mark = markName(channelInstance);
        long after = Sql.string(c, "SELECT mark FROM store_marks WHERE name = ?", mark).map(Long::parseLong)
                .orElse(-1L);
        if (after < 0) {
            Sql.update(c, "INSERT INTO store_marks (name, mark) VALUES (?, ?)", mark, 0L);
            after = 0;
        }
        List<String> due = new ArrayList<>();
        long last = after;
        boolean full = true;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT m.seq, m.id, m.received_at FROM messages m "
                + "JOIN conversations c ON c.id = m.conversation_id WHERE c.channel_instance = ? AND m.seq > ? "
                + "ORDER BY m.seq FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", channelInstance, after);
             ResultSet rs = ps.executeQuery()) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                if (!Sql.instant(rs, "received_at").isBefore(cutoff)) {
                    full = false;
                    break;
                }
                last = rs.getLong("seq");
                due.add(rs.getString("id"));
            }
            if (rows < limit) {
                full = false;
            }
        }
        MessagePurge.Result purged = MessagePurge.purge(c, due, "retention", now);
        Set<String> hashes = new LinkedHashSet<>(purged.attachmentHashes());
        hashes.addAll(skippedOriginals(c, channelInstance, cutoff));
        if (last != after) {
            Sql.update(c, "UPDATE store_marks SET mark = ? WHERE name = ?", last, mark);
        }
        hashes.removeAll(MessagePurge.stillReferenced(c, hashes));
        hashes.removeAll(referencedBySkipped(c, hashes));
        return new Batch(purged.messages(), purged.purgedIds(), hashes, full);
    }

    /** Clears the originals of the channel's old skipped input; the attachment hashes they named. */
    private static Set<String> skippedOriginals(Connection c, String channelInstance, Instant cutoff)
            throws SQLException {
        Set<String> hashes = new LinkedHashSet<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT original FROM inbound_skipped WHERE instance_id = ? "
                + "AND created_at < ? AND original IS NOT NULL", channelInstance, cutoff);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Matcher m = STORED_ATTACHMENT.matcher(rs.getString(1));
                if (m.matches()) {
                    hashes.add(m.group(1));
                }
            }
        }
        if (!hashes.isEmpty()) {
            Sql.update(c, "UPDATE inbound_skipped SET original = NULL WHERE instance_id = ? AND created_at < ? "
                    + "AND original IS NOT NULL", channelInstance, cutoff);
        }
        return hashes;
    }

    private static Set<String> referencedBySkipped(Connection c, Set<String> hashes) throws SQLException {
        Set<String> referenced = new LinkedHashSet<>();
        if (hashes.isEmpty()) {
            return referenced;
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT original FROM inbound_skipped WHERE original LIKE ?",
                "attachment:%"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Matcher m = STORED_ATTACHMENT.matcher(rs.getString(1));
                if (m.matches() && hashes.contains(m.group(1))) {
                    referenced.add(m.group(1));
                }
            }
        }
        return referenced;
    }

    /** The mark's name: {@code store_marks.name} holds 40 characters, an instance id up to 63. */
    static String markName(String channelInstance) {
        String name = MARK_PREFIX + channelInstance;
        if (name.length() <= 40) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(channelInstance.getBytes(StandardCharsets.UTF_8));
            return MARK_PREFIX + "#" + HexFormat.of().formatHex(hash).substring(0, 29);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets purged messages in the delivery cache (call after the commit). */
    public static void forget(RecentMessages recent, List<String> ids) {
        ids.forEach(recent::forget);
    }
}
