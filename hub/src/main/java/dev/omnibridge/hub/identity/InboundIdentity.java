package dev.omnibridge.hub.identity;

import dev.omnibridge.hub.store.AddressChannels;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ContactLinks;
import dev.omnibridge.hub.store.ContactQueries;
import dev.omnibridge.hub.store.IdentityStep;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the hub learns about the customer when a conversation is opened, in the transaction that stores its first
 * message ({@link IdentityStep}):
 * <ul>
 *   <li>the channel the address wrote on ({@code address_channels}): the same E.164 number on SMS and WhatsApp, or
 *       the same email on the mailbox and a site-verified chat, is one address and so one contact already
 *       (SAME_NUMBER, SITE_SIGNED_EMAIL need no join; the address lists both channels);</li>
 *   <li>proposals for an agent, never joins: a new contact with the same name and an email at the same domain as
 *       another (SAME_NAME_AND_DOMAIN), another contact's phone number written in the first message
 *       (PHONE_IN_MESSAGE), another contact's email typed into the chat's pre-chat form (TYPED_EMAIL);</li>
 *   <li>the history note for the desk ({@link HistoryNotes}).</li>
 * </ul>
 * The statements it adds are bounded per conversation and none run for the conversation's later messages.
 */
public final class InboundIdentity implements IdentityStep {
    /** Metadata keys under which a channel hands in an email the customer typed (unverified): the webchat's. */
    static final List<String> TYPED_EMAIL_KEYS = List.of("webchat.email");
    /** Proposals made per kind of evidence and conversation at most. */
    static final int MAX_PROPOSALS = 3;
    private static final int MIN_NAME = 3;

    private final PhoneNumbers phones;
    private final HistoryNotes history;

    public InboundIdentity(PhoneNumbers phones, HistoryNotes history) {
        this.phones = phones;
        this.history = history;
    }

    @Override
    public void conversationOpened(Connection c, AfterCommit after, Message first, String contactId,
                                   boolean newContact, List<String> desks, Instant now) throws SQLException {
        Address address = first.author().address();
        if (address == null) {
            return;
        }
        AddressChannels.seen(c, address, first.channel().instanceId(), now);
        if (newContact && address.kind() == AddressKind.EMAIL) {
            sameNameAndDomain(c, contactId, address, first.author().displayName(), now);
        }
        typedEmail(c, contactId, address, first, now);
        phoneInMessage(c, contactId, address, first, now);
        if (!newContact && history != null && !desks.isEmpty()) {
            history.conversationOpened(c, after, first, contactId, now);
        }
    }

    private static void sameNameAndDomain(Connection c, String contactId, Address email, String name, Instant now)
            throws SQLException {
        if (name == null || name.strip().length() < MIN_NAME) {
            return;
        }
        String domain = EmailAddresses.domain(email);
        for (String[] other : ContactQueries.sameNameAndDomain(c, contactId, name, domain, MAX_PROPOSALS)) {
            ContactLinks.propose(c, contactId, email, other[0], Address.email(other[1]),
                    ContactLinks.Evidence.SAME_NAME_AND_DOMAIN, "same name, same email domain " + domain, now);
        }
    }

    private static void typedEmail(Connection c, String contactId, Address address, Message first, Instant now)
            throws SQLException {
        for (String key : TYPED_EMAIL_KEYS) {
            Optional<Address> typed = EmailAddresses.parse(first.metadata().get(key));
            if (typed.isEmpty() || typed.get().equals(address)) {
                continue;
            }
            Optional<String> owner = ContactLinks.owner(c, typed.get());
            if (owner.isPresent()) {
                ContactLinks.propose(c, contactId, address, owner.get(), typed.get(),
                        ContactLinks.Evidence.TYPED_EMAIL, "typed into " + first.channel().instanceId()
                                + " (not verified by the site)", now);
            }
        }
    }

    private void phoneInMessage(Connection c, String contactId, Address address, Message first, Instant now)
            throws SQLException {
        int made = 0;
        for (Address phone : phones.findIn(first.text(), MAX_PROPOSALS)) {
            if (phone.equals(address)) {
                continue;
            }
            Optional<String> owner = ContactLinks.owner(c, phone);
            if (owner.isPresent() && made++ < MAX_PROPOSALS) {
                ContactLinks.propose(c, contactId, address, owner.get(), phone,
                        ContactLinks.Evidence.PHONE_IN_MESSAGE, "phone number written in a message on "
                                + first.channel().instanceId(), now);
            }
        }
    }
}
