package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The desk's own requester id per contact and desk instance ({@code desk_requesters}, V13). Rows stay with the contact
 * they were recorded for: a join does not move them (so a split needs nothing here); the reader asks for the
 * surviving contact first and then the contacts joined into it ({@link #find}).
 */
public final class DeskRequesterTable {
    private DeskRequesterTable() {
    }

    /** The requester of the first of {@code contactIds} (in that order of preference) that has one on the desk. */
    public static Optional<String> find(Connection c, String deskInstance, List<String> contactIds)
            throws SQLException {
        if (contactIds.isEmpty()) {
            return Optional.empty();
        }
        List<Object> params = new ArrayList<>();
        params.add(deskInstance);
        params.addAll(contactIds);
        String marks = String.join(", ", java.util.Collections.nCopies(contactIds.size(), "?"));
        String found = null;
        int best = Integer.MAX_VALUE;
        try (PreparedStatement ps = Sql.prepare(c, "SELECT contact_id, requester_ref FROM desk_requesters "
                + "WHERE desk_instance = ? AND contact_id IN (" + marks + ")", params.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int rank = contactIds.indexOf(rs.getString(1));
                if (rank < best) {
                    best = rank;
                    found = rs.getString(2);
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** Records the requester unless the contact already has one on the desk (the first stays); true when recorded. */
    public static boolean remember(Connection c, String contactId, String deskInstance, String requesterRef,
                                   Instant now) throws SQLException {
        if (requesterRef == null || requesterRef.isBlank() || requesterRef.length() > Columns.IDENTIFIER) {
            // Read back to address the desk's user: a shortened one would name someone else, or no one.
            throw new IllegalArgumentException("requester id must be 1 to " + Columns.IDENTIFIER + " characters");
        }
        if (Sql.string(c, "SELECT requester_ref FROM desk_requesters WHERE contact_id = ? AND desk_instance = ?",
                contactId, deskInstance).isPresent()) {
            return false;
        }
        Sql.update(c, "INSERT INTO desk_requesters (contact_id, desk_instance, requester_ref, created_at) "
                + "VALUES (?, ?, ?, ?)", contactId, deskInstance, requesterRef, now);
        return true;
    }

    /** The desk instances that have a requester for any of the contacts, with it (for erasure and the contact page). */
    public static List<String[]> all(Connection c, List<String> contactIds) throws SQLException {
        List<String[]> out = new ArrayList<>();
        if (contactIds.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(contactIds.size(), "?"));
        try (PreparedStatement ps = Sql.prepare(c, "SELECT contact_id, desk_instance, requester_ref FROM "
                + "desk_requesters WHERE contact_id IN (" + marks + ") ORDER BY created_at", contactIds.toArray());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        return out;
    }
}
