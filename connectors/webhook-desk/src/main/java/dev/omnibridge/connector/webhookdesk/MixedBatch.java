package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What differs when one {@code omnibridge.desk-events/v1} request carries several tickets
 * ({@code batchAcrossTickets}): its {@code Idempotency-Key}, and reading its answer entry by entry against each
 * event's own ticket. The body is {@link DeskEvents#batch}, the same as for one ticket.
 */
final class MixedBatch {
    private MixedBatch() {
    }

    /**
     * {@code batch-<hex SHA-256 of each event's key followed by a newline, in order>}: the same request sent again
     * carries the same key, and a request of other events (the queue forms each request anew) never carries the
     * key of an earlier one, so a desk that replays a stored answer by this header replays it only for exactly
     * those events, entry for entry. (A one-ticket batch keeps its first event's key: it always starts at its
     * conversation's oldest undelivered message, so a replayed answer is a prefix of the same events.)
     */
    static String idempotencyKey(List<DeskDelivery> events) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (DeskDelivery event : events) {
                sha.update(event.idempotencyKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return "batch-" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Reads the 2xx answer {@code {"results":[{"ticketRef":"...","itemId":"..."}, ...]}}: one entry per event
     * applied, in order. An entry without {@code ticketRef} keeps its own event's ticket; for an event that opened a
     * ticket it is that event's permanent failure, as for a single event (the events after it are answered).
     *
     * @throws DeliveryException permanent when there is no {@code results} array (a receiver that does not read the
     *                           batch form)
     */
    static List<CrossTicketBatcher.Entry> readAnswer(int status, byte[] body, List<DeskDelivery> events) {
        JsonNode entries = DeskEvents.resultsOf(status, body, events.size(), "turn batchAcrossTickets off");
        int n = Math.min(entries.size(), events.size());
        List<CrossTicketBatcher.Entry> read = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            DeskDelivery event = events.get(i);
            String ticketRef = text(entries.get(i), "ticketRef");
            if (ticketRef == null && event.opensTicket()) {
                read.add(CrossTicketBatcher.Entry.failed(DeliveryException.permanent("desk answered HTTP " + status
                        + " without a ticketRef for a new ticket (entry " + i + " of the batch)")));
            } else {
                read.add(CrossTicketBatcher.Entry.of(DeskResult.of(ticketRef != null ? ticketRef : event.ticketRef(),
                        text(entries.get(i), "itemId"))));
            }
        }
        return read;
    }

    private static String text(JsonNode entry, String field) {
        if (entry == null || !entry.isObject()) {
            return null;
        }
        JsonNode value = entry.get(field);
        if (value == null || !(value.isTextual() || value.isNumber()) || value.asText().isBlank()) {
            return null;
        }
        return value.asText();
    }
}
