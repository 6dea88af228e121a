package dev.omnibridge.deskkit;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EscalationTest {
    private static final ChannelRef SMS = new ChannelRef("twilio-sms", "sms");

    private static DeskDelivery followUp(Priority p) {
        Message m = Message.builder().channel(SMS).channelMessageId("m-" + p).threadKey("t-1")
                .author(Author.customer(null, Address.phone("+14155550123"))).text("hi").priority(p).build();
        Conversation conv = new Conversation("conv-1", SMS, "t-1", "c-1", Address.phone("+14155550123"),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new DeskDelivery(m, conv, new Contact("c-1", "Ann", List.of()), "T-1", "k-" + p);
    }

    @Test
    void normalAndLowFollowUpsAskForNoPriority() {
        assertThat(Escalation.asked(followUp(Priority.NORMAL))).isEmpty();
        assertThat(Escalation.asked(List.of(followUp(Priority.LOW), followUp(Priority.NORMAL)))).isEmpty();
    }

    @Test
    void aBatchAsksForTheHighestPriorityOfItsMessages() {
        assertThat(Escalation.asked(List.of(followUp(Priority.HIGH), followUp(Priority.URGENT),
                followUp(Priority.NORMAL)))).contains(Priority.URGENT);
        assertThat(Escalation.asked(List.of(followUp(Priority.NORMAL), followUp(Priority.HIGH))))
                .contains(Priority.HIGH);
    }

    @Test
    void aTicketIsRaisedOnlyWhenTheAskedPriorityIsHigher() {
        assertThat(Escalation.raises(Priority.NORMAL, Priority.HIGH)).isTrue();
        assertThat(Escalation.raises(null, Priority.HIGH)).as("a ticket without priority").isTrue();
        assertThat(Escalation.raises(Priority.HIGH, Priority.HIGH)).isFalse();
        assertThat(Escalation.raises(Priority.URGENT, Priority.HIGH)).as("never lowered").isFalse();
    }
}
