package dev.omnibridge.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.spi.DeskReply;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whom HubSpot itself emailed an agent's thread message to: the recipients whose delivery identifier is an
 * {@code HS_EMAIL_ADDRESS} (To, Cc and Bcc alike), as the value of {@link DeskReply#DELIVERED_TO}. Other identifier
 * types (a phone number, a chat visitor) are not email and are left out. Both forms of the Conversations API are
 * read: {@code deliveryIdentifier} (one object) and the older {@code deliveryIdentifiers} (a list).
 */
final class EmailRecipients {
    private static final String EMAIL = "HS_EMAIL_ADDRESS";

    private EmailRecipients() {
    }

    /** The addresses, lower-case, comma-separated, each once; empty when no recipient was emailed. */
    static Optional<String> of(JsonNode message) {
        Set<String> addresses = new LinkedHashSet<>();
        for (JsonNode r : message.path("recipients")) {
            add(r.path("deliveryIdentifier"), addresses);
            for (JsonNode id : r.path("deliveryIdentifiers")) {
                add(id, addresses);
            }
        }
        return addresses.isEmpty() ? Optional.empty() : Optional.of(String.join(",", addresses));
    }

    private static void add(JsonNode identifier, Set<String> addresses) {
        String value = identifier.path("value").asText("").strip();
        if (EMAIL.equals(identifier.path("type").asText()) && value.indexOf('@') > 0 && value.indexOf(',') < 0) {
            addresses.add(value.toLowerCase(Locale.ROOT));
        }
    }
}
