package dev.omnibridge.deskkit;

import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Satisfaction;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's survey notes as desks read them (issue 21): an internal note carrying {@link Satisfaction} metadata is a
 * customer's rating (or its comment). Its tags ({@code csat}, {@code csat-4}, {@code survey}, or {@code nps-9}...)
 * are the ones a desk puts on the ticket itself, where agents filter and report on them. Other hub notes (SLA
 * warnings, acknowledgements, suggestions) keep their tags on the note only: putting them on the ticket would cost an
 * extra ticket update each, and Zendesk allows 30 per ticket in 10 minutes.
 */
public final class RatingNotes {
    /** {@link Satisfaction#KIND} of a 1-5 satisfaction rating. */
    public static final String CSAT = "csat";
    /** {@link Satisfaction#KIND} of a 0-10 recommendation score. */
    public static final String NPS = "nps";

    private RatingNotes() {
    }

    /** Whether {@code m} is one of the hub's survey notes (a rating or its comment). */
    public static boolean isRatingNote(Message m) {
        return m.direction() == Direction.INTERNAL && (m.metadata().containsKey(Satisfaction.RATING)
                || m.metadata().containsKey(Satisfaction.KIND) || m.metadata().containsKey(Satisfaction.COMMENT));
    }

    /** The ticket tags the survey notes among {@code messages} carry, desk-safe ({@link TicketText#tag}), in order. */
    public static Set<String> ticketTags(List<Message> messages) {
        Set<String> tags = new LinkedHashSet<>();
        for (Message m : messages) {
            if (isRatingNote(m)) {
                m.tags().stream().map(TicketText::tag).filter(t -> !t.isEmpty()).sorted().forEach(tags::add);
            }
        }
        return tags;
    }

    /** The rating a survey note carries, when it is a whole number. */
    public static Optional<Integer> rating(Message m) {
        String raw = m.metadata().get(Satisfaction.RATING);
        if (raw == null || !isRatingNote(m)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(raw.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@link #CSAT} or {@link #NPS}; a note with a rating but no kind is taken for CSAT, the hub's default survey. */
    public static String kind(Message m) {
        String kind = m.metadata().get(Satisfaction.KIND);
        return kind == null || kind.isBlank() ? CSAT : kind.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** A 1-5 satisfaction rating, when {@code m} carries one. */
    public static Optional<Integer> csat(Message m) {
        return rating(m).filter(r -> CSAT.equals(kind(m)) && r >= 1 && r <= 5);
    }

    /** The customer's comment, when the note carries one. */
    public static Optional<String> comment(Message m) {
        String c = m.metadata().get(Satisfaction.COMMENT);
        return c == null || c.isBlank() ? Optional.empty() : Optional.of(c.strip());
    }
}
