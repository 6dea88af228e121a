package dev.omnibridge.hub.selfservice;

import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.SelfServiceTables;
import dev.omnibridge.hub.store.SelfServiceTables.Row;
import dev.omnibridge.hub.store.TxWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * Hands to the desks the conversations the bot holds (state BOT) on channel instances where it no longer answers:
 * the operator switched the instance's {@code selfService} mode to {@code off} or {@code suggest}, removed its
 * mode, turned self-service off altogether, or removed the instance. Nothing else would ever release their held
 * messages (the bot only acts on a customer message of an {@code answer} channel, and without any such channel it is
 * not even installed), so the desks would never see them: a customer message silently dropped.
 *
 * <p>Runs once at hub start, before any channel hands in a message, so a customer's next message in such a
 * conversation reaches the desks after the held ones. Each page of conversations is one journal transaction: the
 * same hand-off as the bot's own ({@link HandOff}: held messages and the bot's lines to the desks in their order,
 * state HANDED_OFF, event HANDED_OFF with reason {@value SelfServiceStep#BOT_SWITCHED_OFF}). A conversation whose
 * channel instance has no desk to send to keeps its messages (and is reported) until it has one.
 */
public final class SwitchedOffRelease {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchedOffRelease.class);
    /** Conversations per transaction: a page's held messages (a few each) are queued in one commit. */
    static final int PAGE = 100;

    private final Predicate<String> answers;
    private final int pageSize;
    private final ConversationOutbox outbox;
    private final HandOff handOff;
    private final Clock clock;

    /**
     * @param answers whether the bot answers on a channel instance now (configured, mode {@code answer})
     */
    public SwitchedOffRelease(Predicate<String> answers, ConversationOutbox outbox, SelfServiceMetrics metrics,
                              Clock clock) {
        this(answers, outbox, metrics, clock, PAGE);
    }

    SwitchedOffRelease(Predicate<String> answers, ConversationOutbox outbox, SelfServiceMetrics metrics, Clock clock,
                       int pageSize) {
        this.answers = answers;
        this.pageSize = pageSize;
        this.outbox = outbox;
        this.handOff = new HandOff(outbox, metrics);
        this.clock = clock;
    }

    /** One page's outcome: the last conversation id it read (null: none left), what it handed off. */
    record Page(String lastId, List<String> handedOff, int messages, TreeSet<String> instances) {
    }

    /**
     * Goes through every conversation the bot holds, a page per journal transaction, and waits for the last: call it
     * before the channels start.
     *
     * @return how many conversations were handed to the desks
     */
    public int run(Journal journal) throws InterruptedException, ExecutionException {
        int conversations = 0;
        int messages = 0;
        TreeSet<String> instances = new TreeSet<>();
        String afterId = null;
        do {
            Page page = journal.submit(page(afterId)).get();
            conversations += page.handedOff().size();
            messages += page.messages();
            instances.addAll(page.instances());
            if (!page.handedOff().isEmpty()) {
                LOG.debug("Self-service no longer answers: conversations {} handed to the desks", page.handedOff());
            }
            afterId = page.lastId();
        } while (afterId != null);
        if (conversations > 0) {
            LOG.info("Self-service no longer answers on {}: {} conversation(s) it held handed to the desks with {} "
                    + "held message(s)", instances, conversations, messages);
        }
        return conversations;
    }

    /** The unit of one page: the conversations after {@code afterId} the bot holds where it no longer answers. */
    TxWork<Page> page(String afterId) {
        return (c, after) -> {
            List<Row> rows = SelfServiceTables.holding(c, afterId, pageSize);
            List<String> handedOff = new ArrayList<>();
            TreeSet<String> instances = new TreeSet<>();
            int messages = 0;
            Instant now = clock.instant();
            for (Row row : rows) {
                if (answers.test(row.channelInstance())) {
                    continue;
                }
                List<String> desks = outbox.desksOf(c, after, row.conversationId(), row.channelInstance());
                if (desks.isEmpty() && !row.held().isEmpty()) {
                    LOG.warn("Conversation {} keeps {} message(s) the self-service bot held: channel instance {} "
                            + "has no desk to send them to", row.conversationId(), row.held().size(),
                            row.channelInstance());
                    continue;
                }
                handOff.run(c, after, row, desks, SelfServiceStep.BOT_SWITCHED_OFF,
                        SelfServiceStep.why(SelfServiceStep.BOT_SWITCHED_OFF), null, now);
                handedOff.add(row.conversationId());
                instances.add(row.channelInstance());
                messages += row.held().size();
            }
            String last = rows.size() < pageSize ? null : rows.get(rows.size() - 1).conversationId();
            return new Page(last, handedOff, messages, instances);
        };
    }
}
