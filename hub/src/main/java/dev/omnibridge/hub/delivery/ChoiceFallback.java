package dev.omnibridge.hub.delivery;

import dev.omnibridge.model.Choices;
import dev.omnibridge.model.Message;

/**
 * The one place where reply options ({@link Choices}) meet a channel that cannot show them all: a message offering
 * more options than the target channel instance shows as buttons ({@link DeliveryTargets#maxChoices}) is sent with
 * the options numbered into its text and without {@link Choices#OFFERED}, so the customer answers with a number and
 * no channel ever shows a partial set. The stored message is unchanged: desks, the console and a replay to another
 * channel still see the options.
 */
public final class ChoiceFallback {
    private ChoiceFallback() {
    }

    /** {@code message} as the channel gets it, given how many buttons the channel shows. */
    public static Message forChannel(Message message, int maxChoices) {
        if (!message.metadata().containsKey(Choices.OFFERED)) {
            return message;
        }
        int offered = Choices.of(message).size();
        return offered > maxChoices ? Choices.asNumberedText(message) : message;
    }
}
