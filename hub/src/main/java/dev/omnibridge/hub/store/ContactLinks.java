package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Evidence that two addresses are one customer's, and what it did ({@code contact_links}, V13).
 *
 * <p>A <b>join</b> makes two contacts one: the younger contact's addresses move to the older one, which keeps its id
 * (the id desks already know), and the younger one stays as a row with {@code merged_into} set, its conversations
 * untouched (they are found through it). The link records exactly which addresses moved, so a <b>split</b> moves
 * those back and clears {@code merged_into}. Verified evidence joins at once; proposed evidence waits for an agent
 * ({@link #accept}, {@link #reject}). Evidence that was rejected or split is not acted on again
 * ({@link #decidedBefore}); an agent's own link is (the agent decides).
 *
 * <p>Every method runs in the caller's transaction (the journal writer's), so a decision and its audit entry commit
 * together.
 */
public final class ContactLinks {
    /** How far a chain of joins is followed (A into B into C...): far beyond what happens, short of a loop. */
    private static final int MAX_CHAIN = 32;
    /** The kind recorded for a link made between two contacts rather than two addresses (an agent's). */
    public static final String CONTACT_KIND = "CONTACT";

    private ContactLinks() {
    }

    public enum Strength { VERIFIED, PROPOSED }

    /** What says that two addresses are one customer's, and how strongly. */
    public enum Evidence {
        /** The same E.164 number on two channels (one address, recorded as its channels). */
        SAME_NUMBER(Strength.VERIFIED),
        /** An email address a website signed for its chat visitor. */
        SITE_SIGNED_EMAIL(Strength.VERIFIED),
        /** The desk's requester of the contact has the other address too. */
        DESK_REQUESTER(Strength.VERIFIED),
        /** An agent linked them. */
        AGENT(Strength.VERIFIED),
        /** The same name and an email address at the same domain. */
        SAME_NAME_AND_DOMAIN(Strength.PROPOSED),
        /** The customer wrote the other contact's phone number in a message. */
        PHONE_IN_MESSAGE(Strength.PROPOSED),
        /** A chat visitor typed the other contact's email address (not verified by the site). */
        TYPED_EMAIL(Strength.PROPOSED);

        private final Strength strength;

        Evidence(Strength strength) {
            this.strength = strength;
        }

        public Strength strength() {
            return strength;
        }
    }

    public enum Status { JOINED, PROPOSED, REJECTED, SPLIT }

    /**
     * One link. {@code contactId} is the surviving contact (or, for a proposal, the one it was found for);
     * {@code kind}/{@code address} are on its side, {@code otherKind}/{@code otherAddress} on the other's.
     */
    public record Link(long id, String contactId, String otherContactId, String kind, String address,
                       String otherKind, String otherAddress, Strength strength, Evidence evidence, Status status,
                       String detail, List<String> movedAddresses, Instant createdAt, Instant decidedAt,
                       String decidedBy) {
    }

    /** A decision that the link's state does not allow (accepting a rejected link, splitting a proposal...). */
    public static final class WrongStateException extends IllegalStateException {
        public WrongStateException(String message) {
            super(message);
        }
    }

    /** The contact an id stands for now: itself, or the contact it was joined into (followed to the end). */
    public static String root(Connection c, String contactId) throws SQLException {
        String id = contactId;
        for (int i = 0; i < MAX_CHAIN; i++) {
            Optional<String> next = Sql.string(c, "SELECT merged_into FROM contacts WHERE id = ?", id);
            if (next.isEmpty()) {
                return id;
            }
            id = next.get();
        }
        return id;
    }

    /** The contact and every contact joined into it (directly or through others), the contact first. */
    public static List<String> family(Connection c, String rootId) throws SQLException {
        List<String> all = new ArrayList<>();
        all.add(rootId);
        List<String> level = List.of(rootId);
        for (int depth = 0; depth < MAX_CHAIN && !level.isEmpty(); depth++) {
            List<String> next = new ArrayList<>();
            String marks = String.join(", ", Collections.nCopies(level.size(), "?"));
            try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM contacts WHERE merged_into IN (" + marks
                    + ") ORDER BY created_at", level.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!all.contains(rs.getString(1))) {
                        next.add(rs.getString(1));
                    }
                }
            }
            all.addAll(next);
            level = next;
        }
        return all;
    }

    /** The contact owning the address, if any. */
    public static Optional<String> owner(Connection c, Address address) throws SQLException {
        return Sql.string(c, "SELECT contact_id FROM contact_addresses WHERE kind = ? AND address = ?",
                address.kind(), address.value());
    }

    public static boolean contactExists(Connection c, String id) throws SQLException {
        return Sql.string(c, "SELECT id FROM contacts WHERE id = ?", id).isPresent();
    }

    /** The contact's addresses, oldest first. */
    public static List<Address> addresses(Connection c, String contactId) throws SQLException {
        List<Address> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT kind, address FROM contact_addresses WHERE contact_id = ? "
                + "ORDER BY created_at, kind, address", contactId); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Address(AddressKind.valueOf(rs.getString(1)), rs.getString(2)));
            }
        }
        return out;
    }

    public static Optional<Link> find(Connection c, long id) throws SQLException {
        List<Link> links = select(c, "WHERE id = ?", id);
        return links.isEmpty() ? Optional.empty() : Optional.of(links.get(0));
    }

    /** The links touching any of the contacts, newest first. */
    public static List<Link> of(Connection c, List<String> contactIds) throws SQLException {
        if (contactIds.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", Collections.nCopies(contactIds.size(), "?"));
        List<Object> params = new ArrayList<>(contactIds);
        params.addAll(contactIds);
        return select(c, "WHERE contact_id IN (" + marks + ") OR other_contact_id IN (" + marks + ") ORDER BY id DESC",
                params.toArray());
    }

    /**
     * Joins the contacts of the two sides on verified evidence: the younger into the older. Nothing happens (empty)
     * when they are one contact already, or when the same evidence about them was rejected or split before (unless
     * an agent links them).
     */
    public static Optional<Link> join(Connection c, String contactId, String kind, String address,
                                      String otherContactId, String otherKind, String otherAddress, Evidence evidence,
                                      String detail, String actor, Instant now) throws SQLException {
        String a = root(c, contactId);
        String b = root(c, otherContactId);
        if (a.equals(b) || (evidence != Evidence.AGENT && decidedBefore(c, a, b, evidence))) {
            return Optional.empty();
        }
        boolean aSurvives = older(c, a, b);
        String survivor = aSurvives ? a : b;
        String joined = aSurvives ? b : a;
        List<String> moved = moveAddresses(c, joined, survivor);
        Sql.update(c, "UPDATE contacts SET merged_into = ?, updated_at = ? WHERE id = ?", survivor, now, joined);
        Sql.update(c, "UPDATE contacts SET updated_at = ? WHERE id = ?", now, survivor);
        long id = Sql.insertReturningKey(c, "INSERT INTO contact_links (contact_id, other_contact_id, kind, address, "
                        + "other_kind, other_address, strength, evidence, status, detail, moved_addresses, created_at, "
                        + "decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", survivor, joined,
                aSurvives ? kind : otherKind, aSurvives ? address : otherAddress,
                aSurvives ? otherKind : kind, aSurvives ? otherAddress : address, evidence.strength(), evidence,
                Status.JOINED, Columns.text(detail, 500), String.join("\n", moved), now, now, actor);
        return find(c, id);
    }

    /**
     * Gives the contact an address no contact owns (the desk's requester has it, an agent added it), on verified
     * evidence; recorded as a link of the contact with itself, which a split undoes by giving the address a contact
     * of its own. Empty when that evidence about the address was split before (unless an agent adds it).
     */
    public static Optional<Link> addAddress(Connection c, String contactId, Address added, Evidence evidence,
                                            String detail, String actor, Instant now) throws SQLException {
        String root = root(c, contactId);
        if (owner(c, added).isPresent() || (evidence != Evidence.AGENT && Sql.string(c, "SELECT id FROM contact_links "
                + "WHERE contact_id = ? AND other_kind = ? AND other_address = ? AND evidence = ? AND status IN "
                + "('SPLIT', 'REJECTED')", root, added.kind(), added.value(), evidence).isPresent())) {
            return Optional.empty();
        }
        Sql.update(c, "INSERT INTO contact_addresses (kind, address, contact_id, created_at) VALUES (?, ?, ?, ?)",
                added.kind(), added.value(), root, now);
        Sql.update(c, "UPDATE contacts SET updated_at = ? WHERE id = ?", now, root);
        List<Address> own = addresses(c, root);
        Address first = own.isEmpty() || own.get(0).equals(added) ? added : own.get(0);
        long id = Sql.insertReturningKey(c, "INSERT INTO contact_links (contact_id, other_contact_id, kind, address, "
                        + "other_kind, other_address, strength, evidence, status, detail, moved_addresses, created_at, "
                        + "decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", root, root,
                first.kind(), first.value(), added.kind(), added.value(), evidence.strength(), evidence, Status.JOINED,
                Columns.text(detail, 500), encode(added), now, now, actor);
        return find(c, id);
    }

    /**
     * Proposes that the two contacts are one, for an agent to decide. Empty when they are one already, or a link
     * with this evidence between them exists in any state (waiting, rejected, split), or another proposal waits.
     */
    public static Optional<Link> propose(Connection c, String contactId, Address address, String otherContactId,
                                         Address otherAddress, Evidence evidence, String detail, Instant now)
            throws SQLException {
        String a = root(c, contactId);
        String b = root(c, otherContactId);
        if (a.equals(b) || decidedBefore(c, a, b, evidence) || Sql.string(c, "SELECT id FROM contact_links WHERE "
                + "status = 'PROPOSED' AND ((contact_id = ? AND other_contact_id = ?) OR (contact_id = ? AND "
                + "other_contact_id = ?))", a, b, b, a).isPresent()) {
            return Optional.empty();
        }
        long id = Sql.insertReturningKey(c, "INSERT INTO contact_links (contact_id, other_contact_id, kind, address, "
                        + "other_kind, other_address, strength, evidence, status, detail, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", a, b, address.kind(), address.value(),
                otherAddress.kind(), otherAddress.value(), evidence.strength(), evidence, Status.PROPOSED,
                Columns.text(detail, 500), now);
        return find(c, id);
    }

    /** An agent accepts a proposal: the contacts are joined (the younger into the older). */
    public static Link accept(Connection c, long linkId, String actor, Instant now) throws SQLException {
        Link link = waiting(c, linkId, "accepted");
        String a = root(c, link.contactId());
        String b = root(c, link.otherContactId());
        List<String> moved = List.of();
        String survivor = a;
        String joined = b;
        boolean swap = false;
        if (!a.equals(b)) {
            swap = !older(c, a, b);
            survivor = swap ? b : a;
            joined = swap ? a : b;
            moved = moveAddresses(c, joined, survivor);
            Sql.update(c, "UPDATE contacts SET merged_into = ?, updated_at = ? WHERE id = ?", survivor, now, joined);
            Sql.update(c, "UPDATE contacts SET updated_at = ? WHERE id = ?", now, survivor);
        }
        Sql.update(c, "UPDATE contact_links SET contact_id = ?, other_contact_id = ?, kind = ?, address = ?, "
                        + "other_kind = ?, other_address = ?, status = ?, moved_addresses = ?, decided_at = ?, "
                        + "decided_by = ? WHERE id = ?", survivor, joined,
                swap ? link.otherKind() : link.kind(), swap ? link.otherAddress() : link.address(),
                swap ? link.kind() : link.otherKind(), swap ? link.address() : link.otherAddress(), Status.JOINED,
                String.join("\n", moved), now, Columns.text(actor, 200), linkId);
        return find(c, linkId).orElseThrow();
    }

    /** An agent rejects a proposal: the same proposal is not made again. */
    public static Link reject(Connection c, long linkId, String actor, Instant now) throws SQLException {
        waiting(c, linkId, "rejected");
        Sql.update(c, "UPDATE contact_links SET status = ?, decided_at = ?, decided_by = ? WHERE id = ?",
                Status.REJECTED, now, Columns.text(actor, 200), linkId);
        return find(c, linkId).orElseThrow();
    }

    /**
     * An agent undoes a join: the addresses it moved (those the surviving contact still has) go back to the joined
     * contact, which stands on its own again; an added address gets a contact of its own. The evidence is not acted
     * on again.
     */
    public static Link split(Connection c, long linkId, String actor, Instant now) throws SQLException {
        Link link = find(c, linkId).orElseThrow(() -> new NoSuchElementException("no link " + linkId));
        if (link.status() != Status.JOINED) {
            throw new WrongStateException("link " + linkId + " is " + link.status() + "; only a JOINED link splits");
        }
        String holder = root(c, link.contactId());
        String back = link.otherContactId();
        if (link.contactId().equals(link.otherContactId())) {
            back = Ids.newId();
            Sql.update(c, "INSERT INTO contacts (id, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)", back,
                    null, now, now);
        } else {
            Sql.update(c, "UPDATE contacts SET merged_into = NULL, updated_at = ? WHERE id = ?", now, back);
        }
        for (String line : link.movedAddresses()) {
            int colon = line.indexOf(':');
            Sql.update(c, "UPDATE contact_addresses SET contact_id = ? WHERE kind = ? AND address = ? "
                    + "AND contact_id = ?", back, line.substring(0, colon), line.substring(colon + 1), holder);
        }
        Sql.update(c, "UPDATE contacts SET updated_at = ? WHERE id = ?", now, holder);
        Sql.update(c, "UPDATE contact_links SET status = ?, other_contact_id = ?, decided_at = ?, decided_by = ? "
                + "WHERE id = ?", Status.SPLIT, back, now, Columns.text(actor, 200), linkId);
        return find(c, linkId).orElseThrow();
    }

    /** Whether evidence of this kind about the two contacts was proposed, rejected or split before. */
    private static boolean decidedBefore(Connection c, String a, String b, Evidence evidence) throws SQLException {
        return Sql.string(c, "SELECT id FROM contact_links WHERE evidence = ? AND status IN ('PROPOSED', 'REJECTED', "
                + "'SPLIT') AND ((contact_id = ? AND other_contact_id = ?) OR (contact_id = ? AND other_contact_id = ?))",
                evidence, a, b, b, a).isPresent();
    }

    private static Link waiting(Connection c, long linkId, String what) throws SQLException {
        Link link = find(c, linkId).orElseThrow(() -> new NoSuchElementException("no link " + linkId));
        if (link.status() != Status.PROPOSED) {
            throw new WrongStateException("link " + linkId + " is " + link.status() + "; only a PROPOSED link is "
                    + what);
        }
        return link;
    }

    /** Whether contact a was created before b (ties: the smaller id), so a survives a join. */
    private static boolean older(Connection c, String a, String b) throws SQLException {
        Instant ta = createdAt(c, a);
        Instant tb = createdAt(c, b);
        int cmp = ta.compareTo(tb);
        return cmp < 0 || (cmp == 0 && a.compareTo(b) < 0);
    }

    private static Instant createdAt(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT created_at FROM contacts WHERE id = ?", id);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new NoSuchElementException("no contact " + id);
            }
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static List<String> moveAddresses(Connection c, String from, String to) throws SQLException {
        List<String> moved = new ArrayList<>();
        for (Address a : addresses(c, from)) {
            moved.add(encode(a));
        }
        Sql.update(c, "UPDATE contact_addresses SET contact_id = ? WHERE contact_id = ?", to, from);
        return moved;
    }

    private static String encode(Address a) {
        return a.kind() + ":" + a.value();
    }

    private static List<Link> select(Connection c, String where, Object... params) throws SQLException {
        List<Link> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id, contact_id, other_contact_id, kind, address, other_kind, "
                + "other_address, strength, evidence, status, detail, moved_addresses, created_at, decided_at, "
                + "decided_by FROM contact_links " + where, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String moved = rs.getString("moved_addresses");
                out.add(new Link(rs.getLong("id"), rs.getString("contact_id"), rs.getString("other_contact_id"),
                        rs.getString("kind"), rs.getString("address"), rs.getString("other_kind"),
                        rs.getString("other_address"), Strength.valueOf(rs.getString("strength")),
                        Evidence.valueOf(rs.getString("evidence")), Status.valueOf(rs.getString("status")),
                        rs.getString("detail"), moved == null || moved.isEmpty() ? List.of()
                        : List.of(moved.split("\n")), Sql.instant(rs, "created_at"), Sql.instant(rs, "decided_at"),
                        rs.getString("decided_by")));
            }
        }
        return out;
    }
}
