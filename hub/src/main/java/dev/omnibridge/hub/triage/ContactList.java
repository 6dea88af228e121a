package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Address;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named list of customer addresses ({@code triage.lists}), e.g. the VIPs. Entries are phone numbers (compared by
 * their E.164 digits, so {@code +49 151 1234-5678} is {@code +4915112345678}), email addresses (case insensitive)
 * or a chat network's user ids (as written).
 */
public final class ContactList {
    private static final Pattern PHONE_LIKE = Pattern.compile("\\+?[0-9 ()./-]+");
    private static final Pattern PHONE_NOISE = Pattern.compile("[^0-9]");

    private final String name;
    private final Set<String> keys;
    private final int size;

    public ContactList(String name, List<String> entries) {
        this.name = name;
        Set<String> k = new HashSet<>();
        for (String entry : entries) {
            k.add(keyOfEntry(entry));
        }
        this.keys = Set.copyOf(k);
        this.size = entries.size();
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    /** Whether the address is on the list; null is on no list. */
    public boolean contains(Address address) {
        if (address == null) {
            return false;
        }
        if (keys.contains(keyOf(address))) {
            return true;
        }
        // Some chat networks' user ids are the phone number (WhatsApp's wa_id): on a list as a phone, they match.
        return address.kind() == dev.omnibridge.model.AddressKind.CHAT_USER && phoneLike(address.value())
                && keys.contains("p:" + PHONE_NOISE.matcher(address.value()).replaceAll(""));
    }

    /** Whether a list entry reads as a phone number: digits with the usual separators, at least 7 digits. */
    static boolean phoneLike(String entry) {
        String s = entry.strip();
        return PHONE_LIKE.matcher(s).matches() && PHONE_NOISE.matcher(s).replaceAll("").length() >= 7;
    }

    private static String keyOfEntry(String entry) {
        String s = entry.strip();
        if (s.indexOf('@') > 0) {
            return "e:" + s.toLowerCase(Locale.ROOT);
        }
        if (phoneLike(s)) {
            return "p:" + PHONE_NOISE.matcher(s).replaceAll("");
        }
        return "u:" + s;
    }

    private static String keyOf(Address address) {
        return switch (address.kind()) {
            case PHONE -> "p:" + address.value().substring(1);
            case EMAIL -> "e:" + address.value();
            case CHAT_USER -> "u:" + address.value();
        };
    }
}
