package dev.omnibridge.hub.survey;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.SurveyTables;
import dev.omnibridge.hub.store.SurveyTables.State;
import dev.omnibridge.hub.store.SurveyTables.Survey;
import dev.omnibridge.hub.store.TxWork;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sends the surveys that are due, as a unit of the journal's writer every {@link #PERIOD}: each send is one
 * transaction with its outbox row (a crash keeps both or neither), and the row's state moves to SENT in it, so a
 * survey goes out once. Right before sending it checks what may have changed since the resolution: the channel
 * instance is still configured as a channel, the customer's address takes messages (no opt-out, no block), the
 * channel's reply window (WhatsApp's 24 hours) is still open since the customer's last message, the survey calendar
 * is open (else the row waits for its next opening). What is not sent is SKIPPED with its reason.
 *
 * <p>The same poll ends waiting: a sent survey unanswered past {@code expireAfter} EXPIRES, a rated one whose comment
 * window passed is DONE.
 */
public final class SurveySender {
    private static final Logger LOG = LoggerFactory.getLogger(SurveySender.class);
    /** How often the journal runs a poll. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    /** Rows handled per poll at most; a full page queues the next poll at once. */
    static final int PAGE = 50;
    /** Time the channel needs to send once the window check passed: closer to the window's end, do not try. */
    static final Duration SEND_MARGIN = Duration.ofMinutes(5);
    /** When a row whose sending failed is tried again. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

    private final SurveyConfig config;
    private final ConversationOutbox outbox;
    private final SurveyChannels channels;
    private final CalendarLookup calendars;
    private final SurveyMetrics metrics;
    private final Clock clock;
    private final Journal journal;
    private final Set<String> waiting;

    public SurveySender(SurveyConfig config, ConversationOutbox outbox, SurveyChannels channels,
                        CalendarLookup calendars, SurveyMetrics metrics, Clock clock, Journal journal,
                        Set<String> waiting) {
        this.config = config;
        this.outbox = outbox;
        this.channels = channels;
        this.calendars = calendars;
        this.metrics = metrics;
        this.clock = clock;
        this.journal = journal;
        this.waiting = waiting;
    }

    /** Polls every {@link #PERIOD} on the journal's writer. */
    public void schedule() {
        journal.every(PERIOD, "timer:surveys", poll());   // issue 25: on one node
    }

    /** One poll: handles the rows due now; returns how many. */
    public TxWork<Integer> poll() {
        return (c, after) -> {
            Instant now = clock.instant();
            List<Survey> due = SurveyTables.due(c, now, PAGE);
            for (Survey s : due) {
                alone(c, after, s, now);
            }
            if (due.size() == PAGE) {
                after.run(() -> journal.submit(poll()).whenComplete((n, e) -> {
                    if (e != null) {
                        LOG.warn("Surveys: the next due page failed: {}", e.getMessage());
                    }
                }));
            }
            return due.size();
        };
    }

    /** One row under its own savepoint: should it fail, it is tried again a minute later, the others go on. */
    private void alone(Connection c, AfterCommit after, Survey s, Instant now) throws SQLException {
        java.sql.Savepoint savepoint = c.setSavepoint();
        AfterCommit mine = new AfterCommit();
        try {
            handle(c, mine, s, now);
            c.releaseSavepoint(savepoint);
            mine.moveTo(after);
        } catch (SQLException | RuntimeException e) {
            c.rollback(savepoint);
            LOG.warn("Surveys: conversation {} could not be handled ({}); trying again in a minute",
                    s.conversationId(), e.getMessage());
            SurveyTables.postpone(c, s.conversationId(), now.plus(RETRY_AFTER_FAILURE));
        }
    }

    private void handle(Connection c, AfterCommit after, Survey s, Instant now) throws SQLException {
        String id = s.conversationId();
        switch (s.state()) {
            case SCHEDULED -> send(c, after, s, now);
            case SENT -> {
                SurveyTables.state(c, id, State.EXPIRED);
                after.run(() -> waiting.remove(id));
            }
            case RATED -> {
                SurveyTables.state(c, id, State.DONE);
                after.run(() -> waiting.remove(id));
            }
            default -> after.run(() -> waiting.remove(id));
        }
    }

    private void send(Connection c, AfterCommit after, Survey s, Instant now) throws SQLException {
        String id = s.conversationId();
        String instance = s.channelInstance();
        SurveyConfig.Settings settings = config.forChannel(instance);
        if (!settings.enabled()) {
            skip(c, after, s, SurveyMetrics.SkipReason.DISABLED, "surveys were turned off for channel instance "
                    + instance + " before the survey was due");
            return;
        }
        Conversation conversation = SurveyTables.conversation(c, id).orElse(null);
        if (conversation == null || conversation.customer() == null) {
            skip(c, after, s, SurveyMetrics.SkipReason.NO_ADDRESS, "the conversation has no customer address");
            return;
        }
        if (!channels.isChannel(instance)) {
            skip(c, after, s, SurveyMetrics.SkipReason.CHANNEL_CLOSED, "channel instance " + instance
                    + " is no longer configured as a channel");
            return;
        }
        Optional<String> unreachable = SurveyTables.unreachable(c, conversation.customer());
        if (unreachable.isPresent()) {
            skip(c, after, s, SurveyMetrics.SkipReason.OPTED_OUT, "the customer's address takes no messages ("
                    + unreachable.get() + ")");
            return;
        }
        Optional<Message> last = SurveyTables.lastCustomerMessage(c, id);
        Optional<Duration> window = channels.replyWindow(instance);
        if (window.isPresent()) {
            Instant written = last.map(m -> m.channelTimestamp() != null ? m.channelTimestamp() : m.receivedAt())
                    .orElse(null);
            if (written == null || written.plus(window.get()).minus(SEND_MARGIN).isBefore(now)) {
                skip(c, after, s, SurveyMetrics.SkipReason.REPLY_WINDOW_CLOSED, "the channel's reply window ("
                        + window.get().toHours() + " hours after the customer's last message) has closed");
                return;
            }
        }
        BusinessCalendar calendar = SurveyStep.calendar(calendars, settings, instance);
        if (!calendar.isOpen(now)) {
            Optional<Instant> next = calendar.nextOpening(now);
            if (next.isEmpty()) {
                skip(c, after, s, SurveyMetrics.SkipReason.NEVER_OPEN, "the survey calendar never opens again");
            } else {
                SurveyTables.postpone(c, id, next.get());
            }
            return;
        }
        String kind = SurveyStep.kind(s);
        String language = SurveyStep.language(last.orElse(null), settings);
        Message survey = SurveyMessages.survey(new SurveyMessages.Thread(id, conversation.channel(),
                conversation.threadKey()), kind, SurveyStep.texts(kind, language, settings), language, now);
        // Empty when sent before (its source id names the conversation): the row is marked SENT all the same.
        outbox.sendToCustomer(c, after, survey, now);
        SurveyTables.sent(c, id, now, now.plus(settings.csat().expireAfter()));
        after.run(() -> {
            metrics.sent(instance, kind);
            LOG.info("Survey ({}) sent in conversation {} on {}", kind, id, instance);
        });
    }

    private void skip(Connection c, AfterCommit after, Survey s, SurveyMetrics.SkipReason reason, String detail)
            throws SQLException {
        SurveyTables.skipped(c, s.conversationId(), detail);
        String id = s.conversationId();
        after.run(() -> {
            waiting.remove(id);
            metrics.skipped(s.channelInstance(), reason);
            LOG.info("Survey of conversation {} on {} not sent: {}", id, s.channelInstance(), reason.label());
        });
    }
}
