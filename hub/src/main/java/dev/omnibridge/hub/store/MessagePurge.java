package dev.omnibridge.hub.store;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the personal content of stored messages while keeping the rows analytics count: a purged message keeps
 * its ids, conversation, channel, direction, timestamps, priority, language, tags and the number, media types and
 * sizes of its attachments, and its thread key (the conversation row holds it too; erasure replaces both); it loses its text, HTML, subject, author name and address, reply-to, attachments' names
 * and file references, and every metadata key (channel metadata may hold a typed email address). Used by retention
 * (old bodies) and by erasure (a contact's bodies), in the caller's transaction.
 *
 * <p>Attachment files are content-addressed ({@code attachment:<sha256>}), so one file may belong to messages of
 * several customers: {@link #purge} returns the hashes the purged messages referenced, and the caller deletes, after
 * its commit, those that {@link #stillReferenced} does not find in any message left unpurged.
 */
public final class MessagePurge {
    /** Metadata key of a purged message: why it was purged and when, e.g. {@code retention 2026-12-04T07:00:00Z}. */
    public static final String PURGED = "omnibridge.purged";
    /** Where a purged attachment's content was: nowhere. */
    static final URI PURGED_LOCATION = URI.create("purged:attachment");
    private static final Pattern STORED_ATTACHMENT = Pattern.compile("attachment:([0-9a-f]{64})");
    private static final int CHUNK = 500;

    private MessagePurge() {
    }

    /**
     * @param messages  how many bodies were rewritten (already purged ones are left alone)
     * @param purgedIds their ids (forget them in caches)
     * @param attachmentHashes the stored attachment files they referenced
     */
    public record Result(int messages, List<String> purgedIds, Set<String> attachmentHashes) {
    }

    /** Purges the bodies of these messages (hub ids); {@code reason} is a word such as {@code retention}. */
    public static Result purge(Connection c, Collection<String> messageIds, String reason, Instant at)
            throws SQLException {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(messageIds));
        List<String> purgedIds = new ArrayList<>();
        Set<String> hashes = new LinkedHashSet<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            String in = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            List<Object[]> updates = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id, body FROM messages WHERE id IN (" + in + ")",
                    chunk.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Message m;
                    try {
                        m = CanonicalJson.read(rs.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } catch (dev.omnibridge.model.json.MalformedJsonException e) {
                        throw new SQLException("stored message " + rs.getString(1) + " cannot be read: "
                                + e.getMessage());
                    }
                    if (isPurged(m)) {
                        continue;
                    }
                    for (Attachment a : m.attachments()) {
                        Matcher hash = STORED_ATTACHMENT.matcher(a.location().toString());
                        if (hash.matches()) {
                            hashes.add(hash.group(1));
                        }
                    }
                    updates.add(new Object[]{CanonicalJson.writeString(purged(m, reason, at)), rs.getString(1)});
                }
            }
            for (Object[] u : updates) {
                Sql.update(c, "UPDATE messages SET body = ? WHERE id = ?", u);
                purgedIds.add((String) u[1]);
            }
        }
        return new Result(purgedIds.size(), purgedIds, hashes);
    }

    /** Whether the message is a purged one. */
    public static boolean isPurged(Message m) {
        return m.metadata().containsKey(PURGED);
    }

    /** The message as it stays after purging. */
    static Message purged(Message m, String reason, Instant at) {
        List<Attachment> attachments = new ArrayList<>(m.attachments().size());
        for (Attachment a : m.attachments()) {
            attachments.add(new Attachment("purged", a.mediaType(), a.size(), null, PURGED_LOCATION));
        }
        return m.toBuilder().author(new Author(m.author().role(), null, null)).subject(null).text("").html(null)
                .replyTo(null).attachments(attachments).metadata(Map.of(PURGED, reason + " " + at)).build();
    }

    /**
     * Of {@code hashes}, those a message that is not purged still references: their files must stay. One pass over
     * the bodies that reference any stored attachment, whatever the number of hashes.
     */
    public static Set<String> stillReferenced(Connection c, Set<String> hashes) throws SQLException {
        Set<String> referenced = new HashSet<>();
        if (hashes.isEmpty()) {
            return referenced;
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT body FROM messages WHERE body LIKE ?",
                "%\"attachment:%"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Matcher hash = STORED_ATTACHMENT.matcher(rs.getString(1));
                while (hash.find()) {
                    if (hashes.contains(hash.group(1))) {
                        referenced.add(hash.group(1));
                    }
                }
            }
        }
        return referenced;
    }
}
