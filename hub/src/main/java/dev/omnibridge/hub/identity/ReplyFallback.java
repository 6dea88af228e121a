package dev.omnibridge.hub.identity;

import dev.omnibridge.hub.delivery.UnreachableCustomers;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.FallbackAddresses;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.model.Address;
import dev.omnibridge.privacy.Redact;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The reply fallback ({@code identity.replyFallback}): when a reply's channel says the customer cannot be reached
 * there any more (the chat visitor left, WhatsApp's 24-hour window closed, the number opted out), the reply goes out
 * through the first configured channel instance, in order, that can open a thread to one of the customer's verified
 * addresses that take messages ({@link FallbackAddresses}). It is queued through the outbox like any reply (its own
 * delivery row and idempotency key, derived from the message and the new target), the original delivery is recorded
 * as redirected, and the desks get an internal note (tag {@value #TAG}) saying which way it went. With no such
 * address the reply is dead-lettered and the desks get the usual "not delivered" note, saying why.
 *
 * <p>An instance a reply already went to is not tried again, so a fallback that is unreachable too (a bounced mail)
 * goes on to the next one and the chain ends. This generalises the webchat's hand-off to its follow-up email
 * channel, which still works for a visitor whose email the site signed.
 */
public final class ReplyFallback implements UnreachableCustomers {
    public static final String TAG = "reply-fallback";
    /** Metadata key of the note: the hub id of the reply that was redirected. */
    public static final String REDIRECTED = "omnibridge.replyFallbackFor";

    private final ReplyFallbackConfig config;
    private final BiPredicate<String, Address> canStartThread;
    private final InboundWriter writer;

    /**
     * @param canStartThread whether a running channel instance can open a thread to an address
     *                       ({@link dev.omnibridge.spi.ChannelConnector#threadToStart})
     */
    public ReplyFallback(ReplyFallbackConfig config, BiPredicate<String, Address> canStartThread,
                         InboundWriter writer) {
        this.config = config;
        this.canStartThread = canStartThread;
        this.writer = writer;
    }

    @Override
    public Decision decide(Connection c, AfterCommit after, DeliveryTask task, String reason, Instant now)
            throws SQLException {
        FallbackAddresses.Origin origin = FallbackAddresses.origin(c, task.conversationId());
        if (origin == null) {
            return Decision.dead(reason);
        }
        List<String> order = config.forChannel(origin.channelInstance());
        if (order.isEmpty()) {
            return Decision.dead(reason);
        }
        Set<String> tried = FallbackAddresses.channelTargets(c, task.conversationId(), task.messageId());
        tried.add(origin.channelInstance());
        tried.add(task.target());
        List<String> left = new ArrayList<>();
        for (String instance : order) {
            if (tried.contains(instance)) {
                continue;
            }
            left.add(instance);
            for (Address to : FallbackAddresses.verifiedReachable(c, origin.contactId(), instance)) {
                if (!canStartThread.test(instance, to)) {
                    continue;
                }
                writer.queueRedirectedReply(c, after, task.messageId(), instance, now);
                writer.storeInternalNote(c, after, new InternalNote(task.conversationId(), origin.channelInstance(),
                        "notice:reply-fallback:" + task.messageId() + ":" + instance,
                        "This reply could not reach the customer on " + task.target() + " (" + reason + "). It was "
                                + "sent through " + instance + " instead, to the customer's verified address "
                                + Redact.address(to) + ".",
                        Set.of(TAG), null, Map.of(REDIRECTED, task.messageId())), now);
                return Decision.redirected(instance);
            }
        }
        return Decision.dead(reason + "; no other verified address of the customer takes messages"
                + (left.isEmpty() ? "" : " on " + String.join(", ", left)));
    }
}
