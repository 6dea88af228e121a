package dev.omnibridge.hub.identity;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;

/**
 * Puts the customer's address of an inbound message into the hub's normal form (E.164 phone numbers, folded and
 * IDNA emails) before anything is stored, so that one customer's address is one row whichever channel wrote it. Applied
 * by the instance manager next to the text cleaning; the same message object when nothing changes.
 */
public final class InboundAddresses {
    private final PhoneNumbers phones;

    public InboundAddresses(PhoneNumbers phones) {
        this.phones = phones;
    }

    public PhoneNumbers phones() {
        return phones;
    }

    public Message normalise(Message m) {
        Author author = m.author();
        Address a = author.address();
        if (a == null) {
            return m;
        }
        Address normal = normalise(a);
        if (normal.equals(a)) {
            return m;
        }
        return m.toBuilder().author(new Author(author.role(), author.displayName(), normal)).build();
    }

    public Address normalise(Address a) {
        if (a.kind() == AddressKind.PHONE) {
            return phones.normalise(a);
        }
        if (a.kind() == AddressKind.EMAIL) {
            return EmailAddresses.normalise(a);
        }
        return a;
    }
}
