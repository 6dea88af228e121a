package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.DeskReply;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a desk already sent a reply to the conversation's customer itself ({@link DeskReply#DELIVERED_TO}), so
 * the hub must not send it through the channel again. Only email addresses are compared: a desk emails, and a
 * customer on SMS or chat has not seen an email.
 */
final class DeskDelivered {
    /** The outbox state of a channel delivery the desk made itself; never picked up, retried or counted as work. */
    static final String STATUS = "SENT_BY_DESK";

    private static final Pattern SEPARATORS = Pattern.compile("[,;\\r\\n]+");

    private DeskDelivered() {
    }

    /** True when {@code customer} is an email address among the reply's delivered-to addresses. */
    static boolean toCustomer(DeskReply reply, Address customer) {
        String list = reply.metadata().get(DeskReply.DELIVERED_TO);
        if (list == null || customer == null || customer.kind() != AddressKind.EMAIL) {
            return false;
        }
        for (String item : SEPARATORS.split(list)) {
            if (address(item).equals(customer.value())) {
                return true;
            }
        }
        return false;
    }

    /** The bare address of one list item, also when written as {@code Name <address>}; lower-case like Address. */
    private static String address(String item) {
        String s = item.strip();
        int open = s.lastIndexOf('<');
        int close = s.lastIndexOf('>');
        if (open >= 0 && close > open) {
            s = s.substring(open + 1, close).strip();
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
