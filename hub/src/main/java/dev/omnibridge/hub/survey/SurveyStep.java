package dev.omnibridge.hub.survey;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.ConversationStep;
import dev.omnibridge.hub.store.SurveyTables;
import dev.omnibridge.hub.store.SurveyTables.State;
import dev.omnibridge.hub.store.SurveyTables.Survey;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The surveys' part of the writer's transactions ({@link ConversationStep}). A resolution schedules the
 * conversation's survey (once: the table's key), a reopening or a new customer message drops one not sent yet. While
 * a survey waits for its answer, the customer's next message is read: a rating is stored, told to the desks as an
 * internal note (tags {@code csat}, {@code csat-N}) and kept from them as a message, and the comment question follows;
 * the message after it, within the comment window, is the comment (a second note). Anything that is no rating goes to
 * the desks as the normal message it is; the survey keeps waiting until it expires.
 *
 * <p>{@link #watches} reads an in-memory set of the conversations with a waiting survey, changed only after commits.
 */
public final class SurveyStep implements ConversationStep {
    private final SurveyConfig config;
    private final ConversationOutbox outbox;
    private final CalendarLookup calendars;
    private final SurveyMetrics metrics;
    private final Set<String> waiting;

    /** @param waiting the conversations whose survey waits (loaded from the store at start, shared with the sender) */
    public SurveyStep(SurveyConfig config, ConversationOutbox outbox, CalendarLookup calendars, SurveyMetrics metrics,
                      Set<String> waiting) {
        this.config = config;
        this.outbox = outbox;
        this.calendars = calendars;
        this.metrics = metrics;
        this.waiting = waiting;
    }

    @Override
    public boolean watches(String channelInstance, String conversationId) {
        return conversationId != null && waiting.contains(conversationId);
    }

    @Override
    public Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks,
                                   boolean opened, Instant now) throws SQLException {
        String id = stored.conversationId();
        if (opened || id == null || !waiting.contains(id) || stored.direction() != Direction.INBOUND
                || stored.author().role() != Role.CUSTOMER) {
            return Verdict.TO_DESKS;
        }
        Survey s = SurveyTables.find(c, id).orElse(null);
        if (s == null) {
            after.run(() -> waiting.remove(id));
            return Verdict.TO_DESKS;
        }
        switch (s.state()) {
            case SCHEDULED -> {
                // The customer writes again before the survey went out: the matter is not over, ask later.
                SurveyTables.cancelScheduled(c, id);
                after.run(() -> waiting.remove(id));
                return Verdict.TO_DESKS;
            }
            case SENT -> {
                if (s.dueAt() != null && now.isAfter(s.dueAt())) {
                    SurveyTables.state(c, id, State.EXPIRED);
                    after.run(() -> waiting.remove(id));
                    return Verdict.TO_DESKS;
                }
                String chosen = stored.metadata().get(Choices.CHOSEN);
                OptionalInt rating = nps(s) ? RatingParser.nps(stored.text(), chosen)
                        : RatingParser.csat(stored.text(), chosen);
                if (rating.isEmpty()) {
                    return Verdict.TO_DESKS;    // a normal message; the survey waits on until it expires
                }
                rated(c, after, s, stored, rating.getAsInt(), now);
                return Verdict.KEPT;
            }
            case RATED -> {
                String text = stored.text() == null ? "" : stored.text().strip();
                if ((s.dueAt() != null && now.isAfter(s.dueAt())) || text.isEmpty()) {
                    SurveyTables.state(c, id, State.DONE);
                    after.run(() -> waiting.remove(id));
                    return Verdict.TO_DESKS;
                }
                commented(c, after, s, stored, text, now);
                return Verdict.KEPT;
            }
            default -> {
                after.run(() -> waiting.remove(id));
                return Verdict.TO_DESKS;
            }
        }
    }

    private void rated(Connection c, AfterCommit after, Survey s, Message answer, int rating, Instant now)
            throws SQLException {
        String id = s.conversationId();
        String kind = kind(s);
        SurveyConfig.Settings settings = config.forChannel(s.channelInstance());
        boolean askComment = !settings.csat().commentWindow().isZero();
        SurveyTables.rated(c, id, rating, now, askComment ? State.RATED : State.DONE,
                askComment ? now.plus(settings.csat().commentWindow()) : s.dueAt());
        outbox.note(c, after, SurveyMessages.ratingNote(id, s.channelInstance(), kind, rating,
                SurveyTexts.csat(SurveyTexts.FALLBACK, java.util.Map.of())), now);
        SurveyMessages.Thread thread = new SurveyMessages.Thread(id, answer.channel(), answer.threadKey());
        String language = language(answer, settings);
        SurveyConfig.Texts texts = texts(kind, language, settings);
        outbox.sendToCustomer(c, after, askComment ? SurveyMessages.commentQuestion(thread, texts, language, now)
                : SurveyMessages.thanks(thread, texts, language, now), now);
        String instance = s.channelInstance();
        after.run(() -> {
            metrics.rated(instance, kind, rating);
            if (!askComment) {
                waiting.remove(id);
            }
        });
    }

    private void commented(Connection c, AfterCommit after, Survey s, Message answer, String comment, Instant now)
            throws SQLException {
        String id = s.conversationId();
        String kind = kind(s);
        SurveyTables.commented(c, id, comment);
        outbox.note(c, after, SurveyMessages.commentNote(id, s.channelInstance(), kind,
                s.rating() == null ? 0 : s.rating(), comment), now);
        SurveyConfig.Settings settings = config.forChannel(s.channelInstance());
        String language = language(answer, settings);
        outbox.sendToCustomer(c, after, SurveyMessages.thanks(new SurveyMessages.Thread(id, answer.channel(),
                answer.threadKey()), texts(kind, language, settings), language, now), now);
        after.run(() -> waiting.remove(id));
    }

    @Override
    public void statusChanged(Connection c, AfterCommit after, Collection<String> conversationIds,
                              ConversationStatus status, Instant now) throws SQLException {
        for (String id : conversationIds) {
            if (status == ConversationStatus.OPEN) {
                if (SurveyTables.cancelScheduled(c, id)) {
                    after.run(() -> waiting.remove(id));
                }
            } else if (status == ConversationStatus.RESOLVED && SurveyTables.find(c, id).isEmpty()) {
                schedule(c, after, id, now);
            }
        }
    }

    /** The conversation's survey row after its resolution: SCHEDULED, SKIPPED, or none when nothing is to be asked. */
    private void schedule(Connection c, AfterCommit after, String id, Instant now) throws SQLException {
        SurveyTables.Resolved r = SurveyTables.resolved(c, id);
        if (r == null) {
            return;
        }
        String instance = r.channelInstance();
        SurveyConfig.Settings settings = config.forChannel(instance);
        Instant resolvedAt = r.resolvedAt() != null ? r.resolvedAt() : now;
        List<String> desks = outbox.desksOf(c, after, id, instance);
        String desk = desks.isEmpty() ? null : desks.get(0);
        if (!settings.enabled()) {
            skip(c, after, new Survey(id, r.contactId(), instance, desk, "CSAT", State.SKIPPED, resolvedAt, now,
                    null, null, null), SurveyMetrics.SkipReason.DISABLED, "surveys are turned off for channel "
                    + "instance " + instance);
            return;
        }
        String kind;
        if (settings.nps().enabled() && r.contactId() != null && npsDue(c, r.contactId(), settings, now)) {
            kind = "NPS";
        } else if (settings.csat().enabled()) {
            kind = "CSAT";
        } else {
            return;
        }
        Survey planned = new Survey(id, r.contactId(), instance, desk, kind, State.SCHEDULED, resolvedAt, now, null,
                null, null);
        if (!r.hasCustomer()) {
            skip(c, after, planned, SurveyMetrics.SkipReason.NO_ADDRESS, "the conversation has no customer address");
            return;
        }
        Optional<Instant> due = openAt(calendar(settings, instance), resolvedAt.plus(settings.csat().delay()));
        if (due.isEmpty()) {
            skip(c, after, planned, SurveyMetrics.SkipReason.NEVER_OPEN, "the survey calendar never opens again");
            return;
        }
        SurveyTables.insert(c, new Survey(id, r.contactId(), instance, desk, kind, State.SCHEDULED, resolvedAt,
                due.get(), null, null, null), null);
        after.run(() -> waiting.add(id));
    }

    private void skip(Connection c, AfterCommit after, Survey s, SurveyMetrics.SkipReason reason, String detail)
            throws SQLException {
        SurveyTables.insert(c, new Survey(s.conversationId(), s.contactId(), s.channelInstance(), s.deskInstance(),
                s.kind(), State.SKIPPED, s.resolvedAt(), s.dueAt(), null, null, null), detail);
        after.run(() -> metrics.skipped(s.channelInstance(), reason));
    }

    private static boolean npsDue(Connection c, String contactId, SurveyConfig.Settings settings, Instant now)
            throws SQLException {
        Optional<Instant> last = SurveyTables.lastNps(c, contactId);
        return last.isEmpty() || !last.get().plus(settings.nps().every()).isAfter(now);
    }

    /** The survey's calendar: the one named in {@code csat.calendar}, else the channel instance's own. */
    BusinessCalendar calendar(SurveyConfig.Settings settings, String instance) {
        return calendar(calendars, settings, instance);
    }

    static BusinessCalendar calendar(CalendarLookup calendars, SurveyConfig.Settings settings, String instance) {
        String name = settings.csat().calendar();
        // validate reports an unknown name; at run time it counts as always open rather than never.
        return name == null ? calendars.ofChannel(instance)
                : calendars.find(name).orElseGet(BusinessCalendar::alwaysOpen);
    }

    /** {@code at} when the calendar is open then, else its next opening; empty when it never opens again. */
    static Optional<Instant> openAt(BusinessCalendar calendar, Instant at) {
        return calendar.isOpen(at) ? Optional.of(at) : calendar.nextOpening(at);
    }

    static boolean nps(Survey s) {
        return "NPS".equals(s.kind());
    }

    static String kind(Survey s) {
        return s.kind().toLowerCase(Locale.ROOT);
    }

    static String language(Message customerMessage, SurveyConfig.Settings settings) {
        return SurveyTexts.language(customerMessage == null ? null : customerMessage.language(),
                settings.csat().texts());
    }

    static SurveyConfig.Texts texts(String kind, String language, SurveyConfig.Settings settings) {
        return SurveyMessages.NPS.equals(kind)
                ? SurveyTexts.nps(language, settings.nps().texts(), settings.csat().texts())
                : SurveyTexts.csat(language, settings.csat().texts());
    }
}
