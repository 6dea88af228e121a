package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.text.Identifiers;

import java.util.Map;

/**
 * The store's bounded columns and what the hub does with a value longer than its column, in one place, so that no
 * connector's input fails a whole submission with a database error (a poison message a poller would retry forever):
 * <ul>
 *   <li>identifiers the hub only compares (channel message ids, reply ids, thread keys, ticket references looked up,
 *       result refs, skipped items' source ids) are stored and looked up by {@link #key}, their deterministic bounded
 *       form, so the same long id always finds the same row;</li>
 *   <li>bounded free text (a contact's name, a reason, an error) is cut with an ellipsis by {@link #text};</li>
 *   <li>values read back as they are (offsets, addresses replies go to, where an original was kept) cannot be
 *       shortened: {@link #checkKept} refuses the submission with an {@link InputTooLongException} naming the field
 *       and its limit, never the value.</li>
 * </ul>
 * VARCHAR(n) counts characters on H2 and PostgreSQL alike, as {@link String#length()} does for text without
 * surrogate pairs; the bounded forms never cut a pair and stay within n UTF-16 units, so within n characters.
 */
public final class Columns {
    /** messages.source_id, conversations.thread_key, desk_tickets.ticket_ref, delivery_results.result_ref... */
    public static final int IDENTIFIER = 500;
    /** contact_addresses.address and conversations.customer_address. */
    public static final int ADDRESS = 320;
    public static final int DISPLAY_NAME = 500;
    public static final int REASON = 2000;
    public static final int UNREACHABLE_REASON = 500;
    public static final int ERROR_CODE = 100;
    public static final int ERROR_MESSAGE = 1000;
    public static final int OFFSET_KEY = 200;
    public static final int OFFSET_VALUE = 2000;
    public static final int ORIGINAL = 500;

    private Columns() {
    }

    /** The stored and looked-up form of an identifier: itself when it fits, else its bounded form. */
    public static String key(String id) {
        return id == null ? null : Identifiers.bounded(id, IDENTIFIER);
    }

    /** Free text cut to {@code max} characters, the last one an ellipsis, never splitting a surrogate pair. */
    public static String text(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(s.charAt(cut - 1))) {
            cut--;
        }
        return s.substring(0, cut) + "…";
    }

    /** Refuses, before anything is stored, what would not fit and cannot be shortened because it is read back. */
    public static void checkKept(Inbound inbound) {
        for (Map.Entry<String, String> e : inbound.offsets().entrySet()) {
            require("offset key", e.getKey(), OFFSET_KEY);
            require("offset value", e.getValue(), OFFSET_VALUE);
        }
        for (Message m : inbound.messages()) {
            Address a = m.author().address();
            require("customer address", a == null ? null : a.value(), ADDRESS);
        }
        for (AddressStatus s : inbound.addressStatuses()) {
            require("address of an address status", s.address().value(), ADDRESS);
        }
        for (Skipped s : inbound.skipped()) {
            require("original of a skipped item", s.original() == null ? null : s.original().toString(), ORIGINAL);
        }
    }

    private static void require(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new InputTooLongException(field + " has " + value.length() + " characters; the hub keeps at most "
                    + max + " characters and cannot shorten it, so nothing of this submission was stored");
        }
    }

    /** What a connector handed in does not fit the store; the message names the field and its limit, not the value. */
    public static final class InputTooLongException extends IllegalArgumentException {
        InputTooLongException(String message) {
            super(message);
        }
    }
}
