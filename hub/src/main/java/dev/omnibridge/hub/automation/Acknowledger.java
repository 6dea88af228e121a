package dev.omnibridge.hub.automation;

import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acknowledges customer messages at once, in the transaction that stores them: the acknowledgement is an outbound
 * message of the conversation (author role BOT, tag {@value Message#AUTO_ACK_TAG}) queued in the outbox like an
 * agent's reply, so a crash after the webhook's answer cannot lose it, and a webhook delivered again (a duplicate,
 * which the writer does not store) cannot repeat it.
 *
 * <p>A message gets none, with the reason recorded for the conversation's timeline, when: it was not written by a
 * person (a bot's or the system's message, or one its channel marked {@link Message#NO_AUTO_REPLY}, such as
 * mailing-list mail); it is an edit; the channel's reply window has closed (WhatsApp, 24 hours after the customer
 * wrote); the customer's address takes no messages (opt-out, block); the conversation was acknowledged, or answered
 * by an agent, within the quiet period; the same address was acknowledged in another conversation within it.
 * Auto-replies and bounces never reach it: the email connector records them as noise and stores no message. The
 * quiet period is also what stops two auto-responders from answering each other for ever: one acknowledgement per
 * conversation and per address per period, whatever comes back.
 *
 * <p>Writer thread only (the journal runs one unit at a time).
 */
public final class Acknowledger implements ConversationAutomation {
    private static final Logger LOG = LoggerFactory.getLogger(Acknowledger.class);
    /** Time the channel needs to send once the window check passed: closer to the window's end, do not try. */
    static final Duration SEND_MARGIN = Duration.ofMinutes(5);
    /** Name the acknowledgements are signed with, where a channel shows one. */
    public static final String AUTHOR = "Omnibridge";
    /** Metadata key of an acknowledgement: the hub id of the customer message it answers. */
    public static final String ACKNOWLEDGES = "omnibridge.acknowledges";

    private final AcknowledgementConfig config;
    private final CalendarLookup calendars;
    private final ChannelLimits limits;
    private final Outcomes outcomes;
    private final Set<String> missingCalendars = ConcurrentHashMap.newKeySet();

    /** Told, once the decision is committed, whether a customer message was acknowledged (for /metrics). */
    @FunctionalInterface
    public interface Outcomes {
        void decided(String channelInstance, boolean sent);

        Outcomes NONE = (instance, sent) -> { };
    }

    public Acknowledger(AcknowledgementConfig config, CalendarLookup calendars, ChannelLimits limits) {
        this(config, calendars, limits, Outcomes.NONE);
    }

    public Acknowledger(AcknowledgementConfig config, CalendarLookup calendars, ChannelLimits limits,
                        Outcomes outcomes) {
        this.config = config;
        this.calendars = calendars;
        this.limits = limits;
        this.outcomes = outcomes;
    }

    @Override
    public void customerMessagesStored(AutomationStore store, List<Message> stored, Instant now)
            throws SQLException {
        List<Message> candidates = null;
        List<AutomationStore.NotAcknowledged> skipped = new ArrayList<>();
        for (Message m : stored) {
            AcknowledgementSettings settings = config.forInstance(m.channel().instanceId());
            if (!settings.enabled() || m.direction() != Direction.INBOUND) {
                continue;
            }
            String reason = notFromAPerson(m);
            if (reason == null) {
                reason = windowClosed(m, now);
            }
            if (reason != null) {
                skipped.add(new AutomationStore.NotAcknowledged(m.conversationId(), m.id(), reason, now));
                count(store, m, false);
            } else {
                if (candidates == null) {
                    candidates = new ArrayList<>();
                }
                candidates.add(m);
            }
        }
        if (candidates != null) {
            acknowledge(store, candidates, now, skipped);
        }
        if (!skipped.isEmpty()) {
            store.notAcknowledged(skipped);
        }
    }

    @Override
    public void agentReplyStored(AutomationStore store, Message reply, Instant now) throws SQLException {
        Role role = reply.author().role();
        // A desk's own automation (a trigger's auto-reply) is no person answering.
        if (config.forInstance(reply.channel().instanceId()).enabled() && role != Role.BOT && role != Role.SYSTEM) {
            store.agentAnswered(reply.conversationId(), now);
        }
    }

    private void acknowledge(AutomationStore store, List<Message> candidates, Instant now,
                             List<AutomationStore.NotAcknowledged> skipped) throws SQLException {
        Set<String> conversations = new LinkedHashSet<>();
        candidates.forEach(m -> conversations.add(m.conversationId()));
        Map<String, AutomationStore.ConversationFacts> facts = store.facts(conversations);
        Set<String> acknowledgedNow = new HashSet<>();
        for (Message m : candidates) {
            AcknowledgementSettings settings = config.forInstance(m.channel().instanceId());
            String reason = acknowledgedNow.contains(m.conversationId())
                    ? "an earlier message of this conversation was acknowledged a moment ago"
                    : quiet(facts.get(m.conversationId()), settings.quietPeriod(), now);
            if (reason == null) {
                reason = addressReason(store.address(m.author().address()), settings.quietPeriod(), now);
            }
            if (reason != null) {
                skipped.add(new AutomationStore.NotAcknowledged(m.conversationId(), m.id(), reason, now));
                count(store, m, false);
                continue;
            }
            store.sendAcknowledgement(acknowledgement(m, settings, now), m, now);
            acknowledgedNow.add(m.conversationId());
            count(store, m, true);
        }
    }

    private void count(AutomationStore store, Message m, boolean sent) {
        if (outcomes != Outcomes.NONE) {
            String instance = m.channel().instanceId();
            store.afterCommit(m, () -> outcomes.decided(instance, sent));
        }
    }

    /** Why the message is not one to answer automatically, or null when a person wrote it. */
    private static String notFromAPerson(Message m) {
        if (m.author().role() != Role.CUSTOMER) {
            return "written by " + m.author().role().name().toLowerCase(java.util.Locale.ROOT) + ", not a person";
        }
        String marked = m.metadata().get(Message.NO_AUTO_REPLY);
        if (marked != null) {
            return "the channel marked it as not to be answered automatically: " + marked;
        }
        if (m.tags().contains(Message.AUTO_ACK_TAG)) {
            return "it is an automatic acknowledgement itself";
        }
        if (m.editOf() != null) {
            return "it edits an earlier message";
        }
        return null;
    }

    private String windowClosed(Message m, Instant now) {
        Optional<Duration> window = limits.replyWindow(m.channel().instanceId());
        if (window.isEmpty()) {
            return null;
        }
        Instant written = m.channelTimestamp() != null ? m.channelTimestamp() : m.receivedAt();
        if (written == null || !written.plus(window.get()).minus(SEND_MARGIN).isBefore(now)) {
            return null;
        }
        return "the channel's reply window has closed (" + window.get().toHours() + " hours after the message, "
                + "written " + seconds(written) + "): it would refuse a free-form message";
    }

    /**
     * The address takes no messages, or was acknowledged in another conversation within the quiet period: an
     * auto-responder that answers each acknowledgement with a new thread (a new conversation each time) gets one
     * acknowledgement per period, so two robots cannot keep each other going.
     */
    private static String addressReason(AutomationStore.AddressFacts facts, Duration quietPeriod, Instant now) {
        if (facts.unreachable() != null) {
            return "the customer's address takes no messages (" + facts.unreachable() + ")";
        }
        if (facts.lastAcknowledgedAt() != null && facts.lastAcknowledgedAt().isAfter(now.minus(quietPeriod))) {
            return "the customer's address was acknowledged at " + seconds(facts.lastAcknowledgedAt())
                    + " in another conversation (quiet period " + human(quietPeriod) + ")";
        }
        return null;
    }

    private static String quiet(AutomationStore.ConversationFacts facts, Duration quietPeriod, Instant now) {
        if (facts == null) {
            return null;
        }
        Instant since = now.minus(quietPeriod);
        if (facts.lastAcknowledgedAt() != null && facts.lastAcknowledgedAt().isAfter(since)) {
            return "already acknowledged at " + seconds(facts.lastAcknowledgedAt()) + " (quiet period "
                    + human(quietPeriod) + ")";
        }
        if (facts.lastAgentReplyAt() != null && facts.lastAgentReplyAt().isAfter(since)) {
            return "an agent answered at " + seconds(facts.lastAgentReplyAt()) + " (quiet period "
                    + human(quietPeriod) + ")";
        }
        return null;
    }

    private static Instant seconds(Instant at) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    /** A duration as configured: 12h, 90m, 45s. */
    static String human(Duration d) {
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + "h";
        }
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    /** The acknowledgement of {@code m}: its text in the message's language, in or out of hours. */
    Message acknowledgement(Message m, AcknowledgementSettings settings, Instant now) {
        BusinessCalendar calendar = calendar(settings.calendar(), m.channel().instanceId());
        boolean open = calendar.isOpen(now);
        String language = settings.languageFor(m.language());
        AcknowledgementSettings.Texts texts = settings.texts(language)
                .orElseGet(AcknowledgementConfig::builtIn);
        String text = texts.pick(open).render(Map.of(
                AckTemplate.FIRST_NAME, FirstName.of(m.author()),
                AckTemplate.REFERENCE, ConversationReference.of(m.conversationId()),
                AckTemplate.CHANNEL, settings.channelName() != null ? settings.channelName()
                        : ChannelNames.of(m.channel().type()),
                AckTemplate.EXPECTED_ANSWER, ExpectedAnswer.format(calendar, now, settings.expectedAnswer(),
                        language)));
        return Message.builder().direction(Direction.OUTBOUND).channel(m.channel())
                .channelMessageId(sourceId(m.id())).threadKey(m.threadKey()).conversationId(m.conversationId())
                .author(new Author(Role.BOT, AUTHOR, null)).text(text).receivedAt(now).language(language)
                .tags(Set.of(Message.AUTO_ACK_TAG)).metadata(Map.of(ACKNOWLEDGES, m.id())).build();
    }

    /** The acknowledgement's source id: one per customer message, so the store's unique key forbids a second. */
    public static String sourceId(String customerMessageId) {
        return "auto-ack:" + customerMessageId;
    }

    private BusinessCalendar calendar(String name, String channelInstance) {
        if (name == null) {
            return calendars.ofChannel(channelInstance);    // the channel's own calendar, always open without one
        }
        Optional<BusinessCalendar> found = calendars.find(name);
        if (found.isEmpty() && missingCalendars.add(name)) {
            // validate reports it; at run time the customer still gets an answer, in-hours.
            LOG.warn("Acknowledgements name calendar '{}', which is not configured; treated as always open", name);
        }
        return found.orElseGet(BusinessCalendar::alwaysOpen);
    }
}
