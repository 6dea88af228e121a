package dev.omnibridge.hub.inbox;

import dev.omnibridge.hub.runtime.Refused;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.model.Conversation;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the console does with console-inbox conversations: answer them and resolve them. */
public final class InboxService {
    static final int MAX_TEXT = 20_000;
    static final int MAX_NAME = 100;

    private final InstanceManager instances;
    private final JournalQueries queries;

    public InboxService(InstanceManager instances, JournalQueries queries) {
        this.instances = instances;
        this.queries = queries;
    }


    /** The console-inbox instances a conversation's channel is routed to: where an agent can answer it. */
    public List<String> inboxesFor(Conversation conversation) {
        return instances.desksFor(conversation.channel().instanceId()).stream()
                .filter(id -> instances.find(id).map(i -> ConsoleInboxType.NAME.equals(i.type())).orElse(false))
                .toList();
    }

    /** Stores an agent's answer (to go out through the customer's channel); returns its reply id. */
    public String answer(String conversationId, String inbox, String agentName, String text) throws Refused,
            SQLException {
        if (text == null || text.isBlank()) {
            throw new Refused(400, "text is required");
        }
        if (text.length() > MAX_TEXT) {
            throw new Refused(400, "text is longer than " + MAX_TEXT + " characters");
        }
        String agent = agentName == null || agentName.isBlank() ? "Agent" : agentName.strip();
        if (agent.length() > MAX_NAME) {
            throw new Refused(400, "author is longer than " + MAX_NAME + " characters");
        }
        Conversation conv = conversation(conversationId);
        if (conv.status() == dev.omnibridge.model.ConversationStatus.RESOLVED) {
            // Read-only until an agent reopens it (a customer's message reopens it by itself).
            throw new Refused(409, "conversation " + conv.id() + " is resolved; reopen it to answer");
        }
        String id = inbox(conv, inbox);
        ConsoleInbox.Submitted submitted = running(id).answer(conv.id(), ticketRef(conv, id), agent, text);
        await(submitted.stored());
        return submitted.replyId();
    }

    /** An agent is writing an answer: the customer's channel may show it (a live chat's typing indicator). */
    public void agentTyping(String conversationId) throws Refused, SQLException {
        instances.agentTyping(conversation(conversationId));
    }

    /** Marks the conversation RESOLVED, as a desk's "solved" would. */
    public void resolve(String conversationId, String inbox) throws Refused, SQLException {
        Conversation conv = conversation(conversationId);
        String id = inbox(conv, inbox);
        if (!conv.deskTickets().containsKey(id)) {
            throw new Refused(409, "the conversation is not on " + id + " yet; try again in a moment");
        }
        await(running(id).resolve(conv.deskTickets().get(id)));
    }

    /** Opens a resolved conversation again, as a desk's "reopen" would; an open one stays as it is. */
    public void reopen(String conversationId, String inbox) throws Refused, SQLException {
        Conversation conv = conversation(conversationId);
        if (conv.status() != dev.omnibridge.model.ConversationStatus.RESOLVED) {
            return;
        }
        String id = inbox(conv, inbox);
        if (!conv.deskTickets().containsKey(id)) {
            throw new Refused(409, "the conversation is not on " + id + " yet; try again in a moment");
        }
        await(running(id).reopen(conv.deskTickets().get(id)));
    }

    private Conversation conversation(String id) throws Refused, SQLException {
        return queries.conversation(id).orElseThrow(() -> new Refused(404, "no conversation with id " + id));
    }

    private String inbox(Conversation conv, String requested) throws Refused {
        List<String> inboxes = inboxesFor(conv);
        if (inboxes.isEmpty()) {
            throw new Refused(409, "conversation " + conv.id() + " is not routed to a console inbox");
        }
        if (requested == null || requested.isBlank()) {
            return inboxes.get(0);
        }
        if (!inboxes.contains(requested)) {
            throw new Refused(409, "conversation " + conv.id() + " is not routed to " + requested);
        }
        return requested;
    }

    private ConsoleInbox running(String id) throws Refused {
        return instances.connector(id, ConsoleInbox.class)
                .orElseThrow(() -> new Refused(503, "console inbox " + id + " is not running"));
    }

    private static String ticketRef(Conversation conv, String inbox) {
        return conv.deskTickets().getOrDefault(inbox, ConsoleInbox.ticketRef(conv.id()));
    }

    private static void await(CompletionStage<Void> stored) throws Refused {
        try {
            stored.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new Refused(503, "the answer could not be stored; retry later");
        }
    }
}
