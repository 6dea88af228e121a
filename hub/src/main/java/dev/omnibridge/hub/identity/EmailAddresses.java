package dev.omnibridge.hub.identity;

import dev.omnibridge.model.Address;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Email addresses as the hub keeps them: Unicode NFC, the domain in its ASCII (IDNA) form, everything case-folded,
 * so {@code Jörg@Bücher.Example} from one channel and {@code jörg@xn--bcher-kva.example} from another are one address.
 * The local part is folded too: mailboxes are case-insensitive in practice, and a customer is not two customers
 * because they wrote their address in capitals once.
 */
public final class EmailAddresses {
    private EmailAddresses() {
    }

    /** The address in the normal form, or empty when it is not one (no single @, a domain IDNA refuses). */
    public static Optional<Address> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = Normalizer.normalize(text.strip(), Normalizer.Form.NFC);
        int at = t.lastIndexOf('@');
        if (at <= 0 || at == t.length() - 1 || t.indexOf('@') != at) {
            return Optional.empty();
        }
        String local = t.substring(0, at).toLowerCase(Locale.ROOT);
        String domain;
        try {
            domain = IDN.toASCII(t.substring(at + 1), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (domain.isEmpty() || domain.startsWith(".") || domain.endsWith(".")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Address.email(local + "@" + domain));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An email address in the normal form; one that cannot be normalised stays as it was. */
    public static Address normalise(Address email) {
        return parse(email.value()).orElse(email);
    }

    /** The domain of a normalised address. */
    public static String domain(Address email) {
        return email.value().substring(email.value().lastIndexOf('@') + 1);
    }
}
