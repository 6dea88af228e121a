package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.spi.DeskReply;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whom Salesforce itself sent an agent's email to: the EmailMessage's ToAddress, CcAddress and BccAddress (strings
 * of addresses, several separated by semicolons), as the value of {@link DeskReply#DELIVERED_TO}. The hub uses it to
 * leave out the channel send to an email customer who already has the mail.
 */
final class EmailRecipients {
    static final String FIELDS = "ToAddress, CcAddress, BccAddress";
    private static final Pattern SEPARATORS = Pattern.compile("[,;\\s]+");

    private EmailRecipients() {
    }

    /** The addresses, lower-case, comma-separated, each once; empty when the record names none. */
    static Optional<String> of(JsonNode email) {
        Set<String> addresses = new LinkedHashSet<>();
        for (String field : new String[] {"ToAddress", "CcAddress", "BccAddress"}) {
            for (String a : SEPARATORS.split(email.path(field).asText(""))) {
                if (a.indexOf('@') > 0) {
                    addresses.add(a.toLowerCase(Locale.ROOT));
                }
            }
        }
        return addresses.isEmpty() ? Optional.empty() : Optional.of(String.join(",", addresses));
    }
}
