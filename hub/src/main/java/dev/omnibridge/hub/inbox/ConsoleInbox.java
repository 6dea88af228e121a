package dev.omnibridge.hub.inbox;

import dev.omnibridge.model.Author;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The console inbox desk. The hub's journal already holds every conversation, so the "ticket" is the conversation
 * itself: delivering only names it. Agents' answers and resolutions enter through {@link ConnectorContext#submit}
 * exactly as a plugin desk's webhook would hand them in, so they leave through the customer's channel the usual way.
 */
public final class ConsoleInbox implements DeskConnector {
    private final Clock clock;
    private volatile ConnectorContext context;

    public ConsoleInbox() {
        this(Clock.systemUTC());
    }

    ConsoleInbox(Clock clock) {
        this.clock = clock;
    }

    /** The ticket reference of a conversation; stable, so a repeated delivery answers the same. */
    public static String ticketRef(String conversationId) {
        return "inbox-" + conversationId;
    }

    @Override
    public void start(ConnectorContext ctx) {
        this.context = ctx;
    }

    @Override
    public void stop() {
        this.context = null;
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) {
        String ref = delivery.ticketRef() != null ? delivery.ticketRef()
                : ticketRef(delivery.conversation().id());
        return DeskResult.of(ref, delivery.message().id());
    }

    /**
     * An agent's public answer. It names its conversation so it reaches it even before the first delivery has
     * linked the ticket. Completes once stored (and queued for the channel).
     *
     * @return the stage and the reply id the answer was stored under
     */
    public Submitted answer(String conversationId, String ticketRef, String agentName, String text) {
        String replyId = "console-" + UUID.randomUUID();
        DeskReply reply = DeskReply.builder(ticketRef, replyId, Author.agent(agentName)).text(text)
                .createdAt(clock.instant()).metadata(Map.of(DeskReply.CONVERSATION_ID, conversationId)).build();
        return new Submitted(replyId, running().submit(Inbound.replies(List.of(reply))));
    }

    /** Marks the conversation resolved, as a desk's "solved" status would. */
    public CompletionStage<Void> resolve(String ticketRef) {
        return running().submit(Inbound.none().withTicketUpdates(
                List.of(TicketUpdate.of(ticketRef, ConversationStatus.RESOLVED))));
    }

    /** Opens a resolved conversation again, as a desk's "open" status would (issue 22: the console's reopen). */
    public CompletionStage<Void> reopen(String ticketRef) {
        return running().submit(Inbound.none().withTicketUpdates(
                List.of(TicketUpdate.of(ticketRef, ConversationStatus.OPEN))));
    }

    private ConnectorContext running() {
        ConnectorContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("the console inbox is not running");
        }
        return ctx;
    }

    public record Submitted(String replyId, CompletionStage<Void> stored) {
    }
}
