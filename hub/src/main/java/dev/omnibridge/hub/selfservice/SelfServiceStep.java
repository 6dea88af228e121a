package dev.omnibridge.hub.selfservice;

import dev.omnibridge.hub.knowledge.KnowledgeBase;
import dev.omnibridge.hub.knowledge.KnowledgeMatch;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.ConversationStep;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.TxWork;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.hub.store.SelfServiceTables;
import dev.omnibridge.hub.store.SelfServiceTables.Event;
import dev.omnibridge.hub.store.SelfServiceTables.Kind;
import dev.omnibridge.hub.store.SelfServiceTables.Row;
import dev.omnibridge.hub.store.SelfServiceTables.State;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The self-service bot (issue 21): answers customer questions from the {@link KnowledgeBase} and hands the
 * conversation to a person the moment that is what the customer needs. It decides in the writer's transaction that
 * stores the customer's message ({@link ConversationStep}), so its answer, its state and the hand-off commit with
 * the message or not at all: a crash cannot leave an answer without its state, and a webhook delivered twice (which
 * the writer does not store twice) cannot be answered twice; its messages go out through the outbox like an agent's.
 *
 * <p>Mode {@code answer}, per conversation (state in {@code self_service}):
 * <ul>
 *   <li>A conversation already with a person (an existing one the bot never held, not resolved since; or one it
 *   handed off) goes to the desks as usual and the bot stays silent until the conversation is resolved.</li>
 *   <li>Words asking for a person ({@link HandOffWords}) hand off at once.</li>
 *   <li>After an answer, a yes ({@link Feedback}) thanks the customer (CONTAINED); a no hands off.</li>
 *   <li>A question the base answers with a confidence at or above the threshold is answered: the customer's message
 *   is kept from the desks, the answer ({@link BotTexts}: marked as automatic, in the customer's language) goes out
 *   with the choices yes / no. At most {@code maxAnswers} answers per conversation, then a forced hand-off: a
 *   customer is never stuck in a loop with the bot.</li>
 *   <li>A first question the base cannot answer goes to the desks as usual (and the bot leaves the conversation to
 *   them); one after an answer hands off.</li>
 * </ul>
 * A hand-off queues the held messages (the customer's, and the bot's lines, which desks get as internal notes
 * marked as the bot's: {@code DeskNotes}) to the desks in their order, then lets the triggering message through
 * after them, so the ticket opens (or continues) with the whole automated exchange.
 *
 * <p>Acknowledgements: a kept message is never acknowledged (the writer does not show it to the Acknowledger). On a
 * hand-off, the triggering message goes through as a normal message, so where the channel acknowledges, its
 * acknowledgement is what tells the customer a person takes over; the bot sends its own hand-off line only where
 * the channel sends no acknowledgements, so the customer never gets both.
 *
 * <p>Mode {@code suggest}: every customer message goes to the desks as usual, followed by an internal note
 * (tag {@value #SUGGESTION_TAG}) with the best answer above the threshold; the customer gets nothing from the bot.
 *
 * <p>Only customer messages are considered ({@link Role#CUSTOMER}, inbound): the bot's own messages never trigger
 * it. Writer thread only.
 */
public final class SelfServiceStep implements ConversationStep {
    private static final Logger LOG = LoggerFactory.getLogger(SelfServiceStep.class);
    /** Name the bot's messages are signed with, where a channel shows one. */
    public static final String AUTHOR = "Omnibridge";
    /** Tag of the internal note with a suggested answer. */
    public static final String SUGGESTION_TAG = "kb-suggestion";
    /** Metadata of the bot's messages and notes: the hub id of the customer message they answer. */
    public static final String ANSWERS = "omnibridge.selfService.answers";
    /** Metadata of an answer or suggestion: the knowledge base entry's id and the match's confidence. */
    public static final String ENTRY = "omnibridge.selfService.entry";
    public static final String CONFIDENCE = "omnibridge.selfService.confidence";

    /** Why the bot handed a conversation to a person (event detail and metric label). */
    public static final String ASKED = "asked";
    public static final String NOT_HELPED = "not_helped";
    public static final String NO_ANSWER = "no_answer";
    public static final String AGENT_BUSY = "agent_busy";
    public static final String MAX_ANSWERS = "max_answers";
    public static final String NOT_DELIVERED = "not_delivered";
    /** The channel instance's mode is no longer {@code answer} ({@link SwitchedOffRelease}). */
    public static final String BOT_SWITCHED_OFF = "bot_switched_off";

    private final SelfServiceConfig config;
    private final KnowledgeBase knowledge;
    private final ConversationOutbox outbox;
    private final Predicate<String> acknowledges;
    private final SelfServiceMetrics metrics;
    private final HandOff handOff;
    private final Clock clock;

    /**
     * @param acknowledges whether a channel instance sends automatic acknowledgements (then the bot sends no hand-off
     *                     line of its own)
     * @param clock        "now" outside the writer's units (the writer's units pass theirs)
     */
    public SelfServiceStep(SelfServiceConfig config, KnowledgeBase knowledge, ConversationOutbox outbox,
                           Predicate<String> acknowledges, SelfServiceMetrics metrics, Clock clock) {
        this.clock = clock;
        this.config = config;
        this.knowledge = knowledge;
        this.outbox = outbox;
        this.acknowledges = acknowledges;
        this.metrics = metrics;
        this.handOff = new HandOff(outbox, metrics);
    }

    /** The bot's messages' source ids: one per customer message and kind, so the store forbids a second. */
    public static String answerSourceId(String customerMessageId) {
        return "auto-answer:" + customerMessageId;
    }

    static String thanksSourceId(String customerMessageId) {
        return "auto-thanks:" + customerMessageId;
    }

    static String handOffSourceId(String customerMessageId) {
        return "auto-handoff:" + customerMessageId;
    }

    static String suggestionSourceId(String customerMessageId) {
        return "kb-suggestion:" + customerMessageId;
    }

    @Override
    public boolean watches(String channelInstance, String conversationId) {
        return config.mode(channelInstance) != SelfServiceMode.OFF;
    }

    @Override
    public Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks,
                                   boolean opened, Instant now) throws SQLException {
        String instance = stored.channel().instanceId();
        SelfServiceSettings settings = config.forInstance(instance);
        if (settings.mode() != SelfServiceMode.ANSWER || !fromCustomer(stored)) {
            return Verdict.TO_DESKS;
        }
        Row row = SelfServiceTables.row(c, stored.conversationId()).orElse(null);
        if (row != null && row.state() == State.HANDED_OFF) {
            return Verdict.TO_DESKS;
        }
        if (row != null && row.updatedAt().plus(settings.restartAfter()).isBefore(now)) {
            // Quiet for long after the bot's last word, nobody took over: the next question is a new exchange.
            SelfServiceTables.delete(c, row.conversationId());
            row = null;
        } else if (row == null && !opened && SelfServiceTables.resolvedAt(c, stored.conversationId()).isEmpty()) {
            // The conversation went to the desks before (the bot was off, or it was created before it) and nobody
            // resolved it since: a person has it.
            return Verdict.TO_DESKS;
        }
        if (row == null) {
            row = new Row(stored.conversationId(), instance, State.BOT, 0, null, List.of(), now, now);
            return firstQuestion(c, after, stored, desks, settings, row, now);
        }
        return following(c, after, stored, desks, settings, row, now);
    }

    /** A message of a conversation the bot has not taken part in (or that starts afresh). */
    private Verdict firstQuestion(Connection c, AfterCommit after, Message stored, List<String> desks,
                                  SelfServiceSettings settings, Row fresh, Instant now) throws SQLException {
        String instance = stored.channel().instanceId();
        if (config.handOffWords().asksForPerson(stored.text())) {
            return handOff(c, after, stored, desks, fresh, ASKED, now);
        }
        Optional<KnowledgeMatch> match = search(stored);
        if (match.isPresent() && match.get().confidence() >= settings.threshold()) {
            return answer(c, after, stored, fresh, match.get(), now);
        }
        // Not for the bot: the desks get it as they always did, and the conversation stays theirs.
        SelfServiceTables.save(c, fresh.with(State.HANDED_OFF, 0, null, List.of(), now));
        SelfServiceTables.event(c, new Event(stored.conversationId(), instance, Kind.NO_MATCH,
                match.map(KnowledgeMatch::entryId).orElse(null), match.map(KnowledgeMatch::confidence).orElse(null),
                match.isPresent() ? "best entry " + match.get().entryId() + " below the threshold ("
                        + confidence(match.get().confidence()) + " < " + confidence(settings.threshold())
                        + "): sent to the desks" : "no entry matches: sent to the desks",
                stored.id(), now));
        return Verdict.TO_DESKS;
    }

    /** A message of a conversation the bot holds (state BOT: its last answer waits for feedback; CONTAINED). */
    private Verdict following(Connection c, AfterCommit after, Message stored, List<String> desks,
                              SelfServiceSettings settings, Row row, Instant now) throws SQLException {
        String instance = stored.channel().instanceId();
        if (stored.editOf() != null) {
            // An edit of a held question: held with it; the desks get both if a person takes over.
            return keep(c, row, stored.id(), now);
        }
        if (config.handOffWords().asksForPerson(stored.text())) {
            return handOff(c, after, stored, desks, row, ASKED, now);
        }
        Optional<Feedback> feedback = Feedback.of(stored);
        if (feedback.isPresent()) {
            if (feedback.get() == Feedback.NOT_HELPED) {
                SelfServiceTables.event(c, new Event(stored.conversationId(), instance, Kind.NOT_HELPED,
                        row.lastEntry(), null, "the customer said the answer did not help", stored.id(), now));
                return handOff(c, after, stored, desks, row, NOT_HELPED, now);
            }
            if (row.state() == State.CONTAINED) {
                // A second "yes" (a button pressed again): nothing more to say.
                return keep(c, row, stored.id(), now);
            }
            return helped(c, after, stored, row, now);
        }
        Optional<KnowledgeMatch> match = search(stored);
        if (match.isEmpty() || match.get().confidence() < settings.threshold()) {
            return handOff(c, after, stored, desks, row, NO_ANSWER, now);
        }
        if (row.answers() >= settings.maxAnswers()
                || !SelfServiceTables.fits(row.heldAnd(stored.id(), stored.id(), stored.id()))) {
            return handOff(c, after, stored, desks, row, MAX_ANSWERS, now);
        }
        return answer(c, after, stored, row, match.get(), now);
    }

    private Verdict keep(Connection c, Row row, String messageId, Instant now) throws SQLException {
        List<String> held = row.heldAnd(messageId);
        if (!SelfServiceTables.fits(held)) {
            // Never reached with the answer limit; kept safe all the same: the oldest are already in the journal.
            held = held.subList(held.size() / 2, held.size());
        }
        SelfServiceTables.save(c, row.with(row.state(), row.answers(), row.lastEntry(), held, now));
        return Verdict.KEPT;
    }

    private Verdict answer(Connection c, AfterCommit after, Message stored, Row row, KnowledgeMatch match,
                           Instant now) throws SQLException {
        String instance = stored.channel().instanceId();
        BotTexts texts = BotTexts.in(stored.language() != null ? stored.language() : match.language());
        Map<String, String> metadata = Choices.offer(Map.of(ANSWERS, stored.id(), ENTRY, match.entryId(),
                CONFIDENCE, confidence(match.confidence())), texts.choices());
        Message sent = send(c, after, stored, answerSourceId(stored.id()), texts,
                texts.answer(match.answer(), match.link()), metadata, now);
        SelfServiceTables.save(c, row.with(State.BOT, row.answers() + 1, match.entryId(),
                sent == null ? row.heldAnd(stored.id()) : row.heldAnd(stored.id(), sent.id()), now));
        SelfServiceTables.event(c, new Event(stored.conversationId(), instance, Kind.ANSWERED, match.entryId(),
                match.confidence(), "answered with entry " + match.entryId() + " (confidence "
                + confidence(match.confidence()) + ")", stored.id(), now));
        after.run(() -> metrics.answered(instance));
        LOG.debug("Conversation {}: message {} answered with entry {}", stored.conversationId(), stored.id(),
                match.entryId());
        return Verdict.KEPT;
    }

    /** The customer said the answer helped: a short thanks, the exchange stays with the bot (CONTAINED). */
    private Verdict helped(Connection c, AfterCommit after, Message stored, Row row, Instant now)
            throws SQLException {
        BotTexts texts = BotTexts.in(language(c, row, stored));
        Message thanks = send(c, after, stored, thanksSourceId(stored.id()), texts, texts.thanks(),
                Map.of(ANSWERS, stored.id()), now);
        List<String> held = thanks == null ? row.heldAnd(stored.id()) : row.heldAnd(stored.id(), thanks.id());
        SelfServiceTables.save(c, row.with(State.CONTAINED, row.answers(), row.lastEntry(), held, now));
        SelfServiceTables.event(c, new Event(stored.conversationId(), stored.channel().instanceId(), Kind.HELPED,
                row.lastEntry(), null, "the customer said the answer helped", stored.id(), now));
        return Verdict.KEPT;
    }

    /**
     * Hands the conversation to a person: the held messages to the desks in their order, the triggering message
     * through after them; state HANDED_OFF until the conversation is resolved.
     */
    private Verdict handOff(Connection c, AfterCommit after, Message trigger, List<String> desks, Row row,
                            String reason, Instant now) throws SQLException {
        String instance = trigger.channel().instanceId();
        handOff.run(c, after, row, desks, reason, why(reason), trigger.id(), now);
        if (!acknowledges.test(instance)) {
            BotTexts texts = BotTexts.in(language(c, row, trigger));
            send(c, after, trigger, handOffSourceId(trigger.id()), texts, texts.handOff(),
                    Map.of(ANSWERS, trigger.id()), now);
        }
        LOG.info("Conversation {} handed to the desks ({}), {} held message(s) released", trigger.conversationId(),
                reason, row.held().size());
        return Verdict.TO_DESKS;
    }

    /**
     * The language to answer a short message in ("yes", "1", "human please": too short to detect its language): the
     * bot's last line's, else the message's.
     */
    private String language(Connection c, Row row, Message m) throws SQLException {
        List<String> held = row.held();
        for (int i = held.size() - 1; i >= 0; i--) {
            Message earlier = outbox.messages(c, List.of(held.get(i))).get(0);
            if (earlier.direction() == Direction.OUTBOUND && earlier.language() != null) {
                return earlier.language();
            }
        }
        return m.language();
    }

    static String why(String reason) {
        return switch (reason) {
            case ASKED -> "the customer asked for a person";
            case NOT_HELPED -> "the customer said the answer did not help";
            case NO_ANSWER -> "a further question the knowledge base cannot answer";
            case AGENT_BUSY -> "a person took the conversation over";
            case MAX_ANSWERS -> "the bot gave as many answers as it may in one conversation";
            case NOT_DELIVERED -> "the channel refused the bot's message for good";
            case BOT_SWITCHED_OFF -> "the channel instance's self-service mode is no longer answer";
            default -> reason;
        };
    }

    /** The bot's line to the customer, stored and queued for the channel; null when it was stored before. */
    private Message send(Connection c, AfterCommit after, Message answered, String sourceId, BotTexts texts,
                         String text, Map<String, String> metadata, Instant now) throws SQLException {
        Message m = Message.builder().direction(Direction.OUTBOUND).channel(answered.channel())
                .channelMessageId(sourceId).threadKey(answered.threadKey())
                .conversationId(answered.conversationId()).author(new Author(Role.BOT, AUTHOR, null)).text(text)
                .receivedAt(now).language(texts.language()).tags(Set.of(Message.AUTO_ANSWER_TAG))
                .metadata(metadata).build();
        return outbox.sendToCustomer(c, after, m, now).orElse(null);
    }

    @Override
    public void queuedToDesks(Connection c, AfterCommit after, Message stored, List<String> desks, Instant now)
            throws SQLException {
        String instance = stored.channel().instanceId();
        SelfServiceSettings settings = config.forInstance(instance);
        if (settings.mode() != SelfServiceMode.SUGGEST || !fromCustomer(stored) || stored.editOf() != null
                || desks.isEmpty()) {
            return;
        }
        Optional<KnowledgeMatch> match = search(stored);
        if (match.isEmpty() || match.get().confidence() < settings.threshold()) {
            return;
        }
        KnowledgeMatch m = match.get();
        StringBuilder text = new StringBuilder("Suggested answer from the knowledge base (entry ").append(m.entryId())
                .append(", confidence ").append(confidence(m.confidence())).append("; not sent to the customer):\n\n")
                .append(m.answer().strip());
        if (m.link() != null && !m.link().isBlank()) {
            text.append("\n\nMore: ").append(m.link().strip());
        }
        List<String> to = outbox.note(c, after, new InternalNote(stored.conversationId(), instance,
                suggestionSourceId(stored.id()), text.toString(), Set.of(SUGGESTION_TAG), null,
                Map.of(ANSWERS, stored.id(), ENTRY, m.entryId(), CONFIDENCE, confidence(m.confidence()))), now);
        if (!to.isEmpty()) {
            SelfServiceTables.event(c, new Event(stored.conversationId(), instance, Kind.SUGGESTED, m.entryId(),
                    m.confidence(), "suggested entry " + m.entryId() + " (confidence " + confidence(m.confidence())
                    + ") to the desks", stored.id(), now));
            after.run(() -> metrics.suggested(instance));
        }
    }

    @Override
    public void agentReply(Connection c, AfterCommit after, Message reply, Instant now) throws SQLException {
        Role role = reply.author().role();
        // A desk's own automation (a trigger's auto-reply) is no person taking over.
        if (role == Role.BOT || role == Role.SYSTEM
                || config.mode(reply.channel().instanceId()) != SelfServiceMode.ANSWER) {
            return;
        }
        Optional<Row> row = SelfServiceTables.row(c, reply.conversationId());
        if (row.isPresent() && row.get().state() != State.HANDED_OFF) {
            takenOver(c, after, row.get(), "an agent replied", now);
        }
    }

    @Override
    public void statusChanged(Connection c, AfterCommit after, Collection<String> conversationIds,
                              ConversationStatus status, Instant now) throws SQLException {
        for (Row row : SelfServiceTables.rows(c, conversationIds)) {
            if (status == ConversationStatus.RESOLVED && row.state() == State.HANDED_OFF) {
                // Resolved: the bot may answer this customer's next question again.
                SelfServiceTables.delete(c, row.conversationId());
            } else if (status == ConversationStatus.OPEN && row.state() != State.HANDED_OFF) {
                // Reopened by a person (the desk or the console) while the bot held it: theirs now.
                takenOver(c, after, row, "the conversation was reopened on the desk", now);
            }
        }
    }

    /**
     * The unit to run when the channel refused one of the bot's lines for good (a dead letter), before the desks are
     * told of the failure: the customer did not get the answer, so a person takes over, with the held exchange in
     * front of the failure note. Nothing for any other message, or a conversation already handed off.
     */
    public TxWork<Void> lineNotDelivered(DeliveryTask failed) {
        return (c, after) -> {
            Message line = outbox.messages(c, List.of(failed.messageId())).get(0);
            if (!line.tags().contains(Message.AUTO_ANSWER_TAG) || line.direction() != Direction.OUTBOUND) {
                return null;
            }
            Optional<Row> row = SelfServiceTables.row(c, failed.conversationId());
            if (row.isPresent() && row.get().state() != State.HANDED_OFF) {
                Row r = row.get();
                handOff.run(c, after, r, outbox.desksOf(c, after, r.conversationId(), r.channelInstance()),
                        NOT_DELIVERED, why(NOT_DELIVERED), null, clock.instant());
                LOG.info("Conversation {} handed to the desks: the bot's message {} was not delivered",
                        r.conversationId(), failed.messageId());
            }
            return null;
        };
    }

    /** A person took the conversation the bot held: the desks get the held messages; the bot goes silent. */
    private void takenOver(Connection c, AfterCommit after, Row row, String what, Instant now) throws SQLException {
        handOff.run(c, after, row, outbox.desksOf(c, after, row.conversationId(), row.channelInstance()),
                AGENT_BUSY, what, null, now);
        LOG.info("Conversation {} taken over by a person, {} held message(s) released", row.conversationId(),
                row.held().size());
    }

    /** The best entry for the message; empty when there is none, or when the base failed (logged, never fatal). */
    private Optional<KnowledgeMatch> search(Message m) {
        if (m.text() == null || m.text().isBlank()) {
            return Optional.empty();
        }
        try {
            return knowledge.best(m.text(), m.language());
        } catch (RuntimeException e) {
            // The message must still be stored and reach a person: a failing search is "no answer".
            LOG.warn("Knowledge base search failed for message {}: {}", m.id(), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static boolean fromCustomer(Message m) {
        return m.direction() == Direction.INBOUND && m.author().role() == Role.CUSTOMER;
    }

    private static String confidence(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
