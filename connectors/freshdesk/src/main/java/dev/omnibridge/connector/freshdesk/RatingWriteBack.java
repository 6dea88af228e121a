package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.RatingNotes;
import dev.omnibridge.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a survey note ({@link RatingNotes}) adds in Freshdesk besides the private note: its tags on the ticket (the
 * ticket's own tags kept: Freshdesk's Update a Ticket replaces {@code tags} with the list sent) and, for a 1-5
 * satisfaction rating, the ticket's Freshdesk satisfaction rating ({@code ratings.default_question} on the account's
 * survey scale, the comment as {@code feedback}). Runs after the note is posted, and again when a retry finds the
 * note already there: tags already on the ticket are not sent again, and a rating with the same value on the ticket
 * is not created twice. A refusal (surveys disabled, a ticket that takes no changes) is logged and leaves the note
 * delivered; a retryable failure fails the delivery so the retry completes it.
 */
final class RatingWriteBack {
    private static final Logger LOG = LoggerFactory.getLogger(RatingWriteBack.class);
    /** How far back the customer's ratings are read to find one the hub made already. */
    private static final Duration RATED_WITHIN = Duration.ofDays(7);

    private final String instanceId;
    private final FreshdeskApi api;
    private final boolean ratings;
    private final int scale;

    RatingWriteBack(String instanceId, FreshdeskApi api, boolean ratings, int scale) {
        this.instanceId = instanceId;
        this.api = api;
        this.ratings = ratings;
        this.scale = scale;
    }

    /** Freshdesk's rating value for a 1-5 rating on a {@code scale}-point survey (-103 unhappy ... 103 happy). */
    static int freshdeskValue(int rating, int scale) {
        if (scale == 3) {
            return rating <= 2 ? -103 : rating == 3 ? 100 : 103;
        }
        return switch (rating) {
            case 1 -> -103;
            case 2 -> -102;
            case 3 -> 100;
            case 4 -> 102;
            default -> 103;
        };
    }

    /** After the note carrying {@code messages} is on ticket {@code ticketId}. */
    void after(String ticketId, List<Message> messages) throws DeskApiException, InterruptedException {
        if (messages.stream().noneMatch(RatingNotes::isRatingNote)) {
            return;
        }
        Set<String> tags = RatingNotes.ticketTags(messages);
        if (tags.isEmpty() && !ratings) {
            return;
        }
        JsonNode ticket;
        try {
            ticket = api.ticket(ticketId);
        } catch (DeskApiException e) {
            refusedOrThrow(e, ticketId, "read");
            return;
        }
        tag(ticketId, ticket, tags);
        if (!ratings) {
            return;
        }
        for (Message m : messages) {
            Optional<Integer> csat = RatingNotes.csat(m);
            if (csat.isPresent()) {
                rate(ticketId, ticket.path("requester_id").asLong(0), m, csat.get());
            }
        }
    }

    private void tag(String ticketId, JsonNode ticket, Set<String> tags) throws DeskApiException, InterruptedException {
        Set<String> all = new LinkedHashSet<>();
        ticket.path("tags").forEach(t -> all.add(t.asText()));
        if (tags.isEmpty() || all.containsAll(tags)) {
            return;
        }
        all.addAll(tags);
        try {
            api.setTags(ticketId, all);
        } catch (DeskApiException e) {
            refusedOrThrow(e, ticketId, "tagged");
        }
    }

    private void rate(String ticketId, long requesterId, Message m, int rating)
            throws DeskApiException, InterruptedException {
        int value = freshdeskValue(rating, scale);
        try {
            if (requesterId > 0 && alreadyRated(ticketId, requesterId, m, value)) {
                return;
            }
            ObjectNode body = DeskHttp.JSON.createObjectNode();
            body.putObject("ratings").put("default_question", value);
            RatingNotes.comment(m).ifPresent(c -> body.put("feedback", c));
            api.createSatisfactionRating(ticketId, body);
            LOG.debug("{}: ticket {}: satisfaction rating {} written", instanceId, ticketId, value);
        } catch (DeskApiException e) {
            refusedOrThrow(e, ticketId, "rated");
        }
    }

    private boolean alreadyRated(String ticketId, long requesterId, Message m, int value)
            throws DeskApiException, InterruptedException {
        Instant at = m.receivedAt() == null ? Instant.now() : m.receivedAt();
        for (JsonNode r : api.satisfactionRatings(requesterId, at.minus(RATED_WITHIN))) {
            if (ticketId.equals(r.path("ticket_id").asText()) && r.path("ratings").path("default_question").asInt(0) == value) {
                return true;
            }
        }
        return false;
    }

    private void refusedOrThrow(DeskApiException e, String ticketId, String what) throws DeskApiException {
        if (e.retryable()) {
            throw e;
        }
        LOG.warn("{}: ticket {} was not {} for the survey answer: {}", instanceId, ticketId, what, e.getMessage());
    }
}
