package dev.omnibridge.connector.email.threading;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the conversation a mail belongs to. A mail joins a conversation through the Message-IDs it answers
 * (In-Reply-To, then References, newest first: a mail stored under it, or a Message-ID the hub sent, which names
 * its conversation's token, see {@link MailIds}) or the token in its subject, and only if it comes from that
 * conversation's customer: a forwarded or quoted mail from someone else must never land in another customer's
 * conversation. A subject token no conversation has yet is adopted (see {@link #thread}). Anything else starts a
 * new conversation.
 */
public final class Threader {
    private final ConnectorContext context;

    public Threader(ConnectorContext context) {
        this.context = context;
    }

    /**
     * @param threadKey the conversation's thread key (its token)
     * @param isNew     whether the mail starts a new conversation
     * @param answers   the known message this mail answers, if any (its channel message id)
     */
    public record Thread(String threadKey, boolean isNew, String answers) {
    }

    public Thread thread(String sender, String subject, List<String> inReplyTo, List<String> references) {
        Address from = Address.email(sender);
        String unknownSentToken = null;
        for (String id : answeredIds(inReplyTo, references)) {
            // The mail stored under this Message-ID, else this sender's own mail that reused it (MailIds); there is
            // such a mail only when the Message-ID itself is taken.
            String channelId = MailIds.of(id);
            Optional<Message> known = context.findMessage(channelId);
            if (known.isPresent() && !belongsTo(known.get().threadKey(), from)) {
                channelId = MailIds.ofSender(id, sender);
                known = context.findMessage(channelId);
            }
            if (known.isPresent() && belongsTo(known.get().threadKey(), from)) {
                return new Thread(known.get().threadKey(), false, channelId);
            }
            // A mail the hub sent (an acknowledgement is never stored) names its conversation's token.
            Optional<String> sentToken = MailIds.hubToken(id);
            if (sentToken.isPresent() && belongsTo(sentToken.get(), from)) {
                return new Thread(sentToken.get(), false, null);
            }
            // Only a reply's: an acknowledgement always has its conversation on the instance that sent it.
            Optional<String> replyToken = MailIds.replyToken(id);
            if (replyToken.isPresent() && unknownSentToken == null
                    && context.findConversation(replyToken.get()).isEmpty()) {
                unknownSentToken = replyToken.get();
            }
        }
        Optional<String> token = ConversationToken.inSubject(subject);
        if (token.isPresent() && belongsTo(token.get(), from)) {
            return new Thread(token.get(), false, null);
        }
        if (token.isPresent() && context.findConversation(token.get()).isEmpty()) {
            // A token we sent that has no conversation here yet: a reply handed off from another channel (a chat
            // visitor who left their email). Adopt it, so every mail of that exchange is one thread, and do not
            // acknowledge: the customer is answering us, not opening a request.
            return new Thread(token.get(), false, null);
        }
        if (unknownSentToken != null) {
            // The same for a handed-off reply answered under a new subject: its Message-ID names the token.
            return new Thread(unknownSentToken, false, null);
        }
        return new Thread(unusedToken(), true, null);
    }

    /**
     * The conversation a mail the hub will not store (an auto-reply, a bounce) belongs to, found as {@link #thread}
     * finds a customer's: a stored mail or a Message-ID the hub sent that it answers, or the token in its subject, each
     * only for that conversation's own customer. Never a new or adopted conversation: noise opens none.
     *
     * @param sender      the mail's sender, or null when it has no usable one
     * @param returnedIds the Message-IDs of the mail a bounce returns: one the hub sent names its conversation, whoever
     *                    reports the bounce (a mailer daemon is never the customer)
     */
    public Optional<String> existing(String sender, String subject, List<String> inReplyTo, List<String> references,
                                     List<String> returnedIds) {
        for (String id : returnedIds) {
            Optional<String> sentToken = MailIds.hubToken(id);
            if (sentToken.isPresent() && context.findConversation(sentToken.get()).isPresent()) {
                return sentToken;
            }
        }
        if (sender == null) {
            return Optional.empty();
        }
        Address from = Address.email(sender);
        for (String id : answeredIds(inReplyTo, references)) {
            // The mail stored under the Message-ID, else this sender's own mail that reused it (MailIds).
            for (String channelId : List.of(MailIds.of(id), MailIds.ofSender(id, sender))) {
                Optional<Message> known = context.findMessage(channelId);
                if (known.isPresent() && belongsTo(known.get().threadKey(), from)) {
                    return Optional.of(known.get().threadKey());
                }
            }
            Optional<String> sentToken = MailIds.hubToken(id);
            if (sentToken.isPresent() && belongsTo(sentToken.get(), from)) {
                return sentToken;
            }
        }
        return ConversationToken.inSubject(subject).filter(token -> belongsTo(token, from));
    }

    private boolean belongsTo(String threadKey, Address sender) {
        Optional<Conversation> conversation = context.findConversation(threadKey);
        return conversation.isPresent() && sender.equals(conversation.get().customer());
    }

    private String unusedToken() {
        String token = ConversationToken.newToken();
        while (context.findConversation(token).isPresent()) {
            token = ConversationToken.newToken();
        }
        return token;
    }

    /** In-Reply-To first, then References from the newest; each once. */
    static List<String> answeredIds(List<String> inReplyTo, List<String> references) {
        List<String> ids = new ArrayList<>(inReplyTo);
        for (int i = references.size() - 1; i >= 0; i--) {
            if (!ids.contains(references.get(i))) {
                ids.add(references.get(i));
            }
        }
        return ids;
    }
}
