package dev.omnibridge.hub.automation;

import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;

import java.util.HashMap;
import java.util.Map;

/**
 * How desks see the hub's own messages to the customer: as internal notes saying that they went to the customer,
 * with their text. Every desk the hub feeds can show an internal note; none can show a public reply as automatic,
 * and a public comment by the hub's API user would count as the agents' first reply in the desk's own reply-time
 * figures (Zendesk fulfils its reply time metric when an agent first replies), which an automatic message must not
 * stop. Two kinds: acknowledgements ({@link Message#AUTO_ACK_TAG}) and the self-service bot's lines
 * ({@link Message#AUTO_ANSWER_TAG}: its answers, thanks and hand-off line), which reach the desk when the bot hands
 * the conversation to a person, marked as the bot's so that the agent reads the automated exchange as such.
 */
public final class DeskNotes {
    /** The first line of a bot line's note. */
    public static final String BOT_LINE = "Automatic answer (bot) sent to the customer on ";

    private DeskNotes() {
    }

    /** Whether {@code m} is one of the hub's acknowledgements. */
    public static boolean isAcknowledgement(Message m) {
        return m.direction() == Direction.OUTBOUND && m.tags().contains(Message.AUTO_ACK_TAG);
    }

    /** Whether {@code m} is one of the self-service bot's lines to the customer. */
    public static boolean isAutoAnswer(Message m) {
        return m.direction() == Direction.OUTBOUND && m.tags().contains(Message.AUTO_ANSWER_TAG);
    }

    /**
     * The message as a desk gets it: the hub's own lines as internal notes, an agent's reply given at another desk
     * as the note that says so (issue 22, {@code mirror.MirrorNotes}), anything else as it is.
     */
    public static Message forDesk(Message m) {
        if (dev.omnibridge.hub.mirror.MirrorNotes.isDeskReply(m)) {
            return dev.omnibridge.hub.mirror.MirrorNotes.replyAsNote(m);
        }
        if (isAcknowledgement(m)) {
            return m.toBuilder().direction(Direction.INTERNAL)
                    .text("Automatic acknowledgement sent to the customer on " + m.channel().instanceId() + ":\n\n"
                            + m.text()).build();
        }
        if (isAutoAnswer(m)) {
            // The offered choices were for the customer's channel; a desk would only mistake them for its own.
            Map<String, String> metadata = new HashMap<>(m.metadata());
            metadata.remove(Choices.OFFERED);
            return m.toBuilder().direction(Direction.INTERNAL).metadata(metadata)
                    .text(BOT_LINE + m.channel().instanceId() + ":\n\n" + m.text()).build();
        }
        return m;
    }
}
