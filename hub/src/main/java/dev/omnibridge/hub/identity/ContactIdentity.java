package dev.omnibridge.hub.identity;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.store.ContactLinks;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The decisions about who is whom: an agent's links, accepting, rejecting and splitting, and the desk's report of
 * its requester's addresses. Each runs on the journal's writer in one transaction with its audit entry
 * ({@code contact.link}, {@code contact.link.accept}, {@code contact.link.reject}, {@code contact.split}); entries
 * name contacts and links by id, never an address.
 *
 * <p>Failures come back in the future: {@link NoSuchElementException} (no such contact or link),
 * {@link ContactLinks.WrongStateException} (the link's state does not allow it, or the two are one contact
 * already), {@link IllegalArgumentException} (an address that is not one).
 */
public final class ContactIdentity {
    public static final String LINK = "contact.link";
    public static final String ACCEPT = "contact.link.accept";
    public static final String REJECT = "contact.link.reject";
    public static final String SPLIT = "contact.split";

    private final Journal journal;
    private final AuditTrail audit;
    private final Clock clock;
    private final InboundAddresses addresses;

    public ContactIdentity(Journal journal, AuditTrail audit, Clock clock, InboundAddresses addresses) {
        this.journal = journal;
        this.audit = audit;
        this.clock = clock;
        this.addresses = addresses;
    }

    /** An address in the hub's normal form, from a kind name and a value as typed; refused when it is not one. */
    public Address address(String kind, String value) {
        AddressKind k;
        try {
            k = AddressKind.valueOf(kind == null ? "" : kind.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind must be one of PHONE, EMAIL, CHAT_USER");
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("address is missing");
        }
        if (k == AddressKind.PHONE) {
            return addresses.phones().parse(value)
                    .orElseThrow(() -> new IllegalArgumentException("not a valid phone number"));
        }
        if (k == AddressKind.EMAIL) {
            return EmailAddresses.parse(value).orElseThrow(() -> new IllegalArgumentException("not an email address"));
        }
        return new Address(k, value);
    }

    /**
     * An agent links an address to the contact: an address no one has becomes the contact's; another contact's
     * address joins that contact with this one.
     */
    public CompletableFuture<ContactLinks.Link> linkAddress(String contactId, Address address, String actor) {
        return journal.submit((c, after) -> {
            String root = existingRoot(c, contactId);
            Optional<String> owner = ContactLinks.owner(c, address);
            ContactLinks.Link link;
            if (owner.isEmpty()) {
                link = ContactLinks.addAddress(c, root, address, ContactLinks.Evidence.AGENT, "linked by an agent",
                        actor, clock.instant()).orElseThrow();
            } else {
                String otherRoot = ContactLinks.root(c, owner.get());
                if (otherRoot.equals(root)) {
                    throw new ContactLinks.WrongStateException("the address is this contact's already");
                }
                String[] side = side(c, root);
                link = ContactLinks.join(c, root, side[0], side[1], otherRoot, address.kind().name(), address.value(),
                        ContactLinks.Evidence.AGENT, "linked by an agent", actor, clock.instant()).orElseThrow();
            }
            audited(c, actor, LINK, link);
            return link;
        });
    }

    /** An agent says two contacts are one customer: they are joined (the younger into the older). */
    public CompletableFuture<ContactLinks.Link> linkContacts(String contactId, String otherContactId, String actor) {
        return journal.submit((c, after) -> {
            String a = existingRoot(c, contactId);
            String b = existingRoot(c, otherContactId);
            if (a.equals(b)) {
                throw new ContactLinks.WrongStateException("the two are one contact already");
            }
            String[] sa = side(c, a);
            String[] sb = side(c, b);
            ContactLinks.Link link = ContactLinks.join(c, a, sa[0], sa[1], b, sb[0], sb[1],
                    ContactLinks.Evidence.AGENT, "linked by an agent", actor, clock.instant()).orElseThrow();
            audited(c, actor, LINK, link);
            return link;
        });
    }

    public CompletableFuture<ContactLinks.Link> accept(long linkId, String actor) {
        return journal.submit((c, after) -> audited(c, actor, ACCEPT,
                ContactLinks.accept(c, linkId, actor, clock.instant())));
    }

    public CompletableFuture<ContactLinks.Link> reject(long linkId, String actor) {
        return journal.submit((c, after) -> audited(c, actor, REJECT,
                ContactLinks.reject(c, linkId, actor, clock.instant())));
    }

    public CompletableFuture<ContactLinks.Link> split(long linkId, String actor) {
        return journal.submit((c, after) -> audited(c, actor, SPLIT,
                ContactLinks.split(c, linkId, actor, clock.instant())));
    }

    /**
     * The desk says its requester for the contact has these addresses too (verified): an address no one has becomes
     * the contact's, another contact's joins it. Evidence split or rejected before is not acted on again.
     */
    public CompletableFuture<List<ContactLinks.Link>> deskReports(String desk, String contactId,
                                                                   List<Address> reported) {
        List<Address> normal = reported.stream().map(addresses::normalise).distinct().toList();
        return journal.submit((c, after) -> {
            List<ContactLinks.Link> made = new ArrayList<>();
            if (!ContactLinks.contactExists(c, contactId)) {
                return made;
            }
            String detail = "the requester on desk " + desk + " has both";
            for (Address a : normal) {
                String root = ContactLinks.root(c, contactId);
                Optional<String> owner = ContactLinks.owner(c, a);
                Optional<ContactLinks.Link> link;
                if (owner.isEmpty()) {
                    link = ContactLinks.addAddress(c, root, a, ContactLinks.Evidence.DESK_REQUESTER, detail,
                            AuditTrail.HUB, clock.instant());
                } else {
                    String[] side = side(c, root);
                    link = ContactLinks.join(c, root, side[0], side[1], owner.get(), a.kind().name(), a.value(),
                            ContactLinks.Evidence.DESK_REQUESTER, detail, AuditTrail.HUB, clock.instant());
                }
                if (link.isPresent()) {
                    audited(c, AuditTrail.HUB, LINK, link.get());
                    made.add(link.get());
                }
            }
            return made;
        });
    }

    private static String existingRoot(Connection c, String contactId) throws SQLException {
        if (contactId == null || !ContactLinks.contactExists(c, contactId)) {
            throw new NoSuchElementException("no contact " + contactId);
        }
        return ContactLinks.root(c, contactId);
    }

    /** The address a link records on a contact's side: its first address, or the contact itself when it has none. */
    private static String[] side(Connection c, String contactId) throws SQLException {
        List<Address> own = ContactLinks.addresses(c, contactId);
        return own.isEmpty() ? new String[] {ContactLinks.CONTACT_KIND, contactId}
                : new String[] {own.get(0).kind().name(), own.get(0).value()};
    }

    private ContactLinks.Link audited(Connection c, String actor, String action, ContactLinks.Link link)
            throws SQLException {
        String what = switch (link.status()) {
            case JOINED -> link.contactId().equals(link.otherContactId())
                    ? "address added to contact " + link.contactId()
                    : "contact " + link.otherContactId() + " joined into " + link.contactId();
            case SPLIT -> "contact " + link.otherContactId() + " split from " + link.contactId();
            case REJECTED -> "proposal between " + link.contactId() + " and " + link.otherContactId() + " rejected";
            case PROPOSED -> "proposal between " + link.contactId() + " and " + link.otherContactId();
        };
        audit.append(c, actor, action, link.contactId(), "link " + link.id() + " (" + link.evidence() + "): " + what);
        return link;
    }
}
