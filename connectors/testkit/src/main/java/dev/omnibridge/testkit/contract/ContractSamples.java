package dev.omnibridge.testkit.contract;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.OutboundMessage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Ready-made outbound samples for {@link ChannelConnectorContract#sampleOutbound()} and desks' deliveries. */
public final class ContractSamples {
    private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");

    private ContractSamples() {
    }

    /** An agent's reply in an open conversation with {@code customer} on the channel instance, thread {@code threadKey}. */
    public static OutboundMessage reply(String channelType, String instanceId, String threadKey, Address customer,
                                        String text) {
        ChannelRef channel = new ChannelRef(channelType, instanceId);
        Message message = Message.builder().id("msg-out-1").direction(Direction.OUTBOUND).channel(channel)
                .channelMessageId("out-1").threadKey(threadKey).conversationId("conv-1")
                .author(Author.agent("Alice")).text(text).receivedAt(AT).build();
        Conversation conversation = new Conversation("conv-1", channel, threadKey, "contact-1", customer,
                ConversationStatus.OPEN, Map.of(), AT.minusSeconds(600));
        return new OutboundMessage(message, conversation, "out-1");
    }

    /** A customer's first message of a conversation from a webhook channel, opening a ticket (no ticketRef yet). */
    public static DeskDelivery newTicket(String customerName, Address customer, String text) {
        ChannelRef channel = new ChannelRef("webhook-channel", "web");
        Message message = Message.builder().id("msg-1").direction(Direction.INBOUND).channel(channel)
                .channelMessageId("m-1").threadKey("thread-1").conversationId("conv-1")
                .author(Author.customer(customerName, customer)).text(text).receivedAt(AT).build();
        Conversation conversation = new Conversation("conv-1", channel, "thread-1", "contact-1", customer,
                ConversationStatus.OPEN, Map.of(), AT);
        Contact contact = new Contact("contact-1", customerName, List.of(customer));
        return new DeskDelivery(message, conversation, contact, null, "idem-1");
    }
}
