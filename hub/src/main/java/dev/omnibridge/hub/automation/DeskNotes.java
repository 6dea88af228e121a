package dev.omnibridge.hub.automation;

import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;

/**
 * How desks see an acknowledgement: as an internal note saying that it went to the customer, with its text. Every
 * desk the hub feeds can show an internal note; none can show a public reply as automatic, and a public comment by
 * the hub's API user would count as the agents' first reply in the desk's own reply-time figures (Zendesk fulfils
 * its reply time metric when an agent first replies), which an acknowledgement must not stop.
 */
public final class DeskNotes {
    private DeskNotes() {
    }

    /** Whether {@code m} is one of the hub's acknowledgements. */
    public static boolean isAcknowledgement(Message m) {
        return m.direction() == Direction.OUTBOUND && m.tags().contains(Message.AUTO_ACK_TAG);
    }

    /** The message as a desk gets it: an acknowledgement as an internal note, anything else as it is. */
    public static Message forDesk(Message m) {
        if (!isAcknowledgement(m)) {
            return m;
        }
        return m.toBuilder().direction(Direction.INTERNAL)
                .text("Automatic acknowledgement sent to the customer on " + m.channel().instanceId() + ":\n\n"
                        + m.text()).build();
    }
}
