package dev.omnibridge.testkit.contract;

import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a customer channel ({@link ConnectorContract} plus): the customer messages a sample inbound item
 * turns into are valid canonical messages, INBOUND, on this instance, keyed by channel message id and thread key;
 * a failing send is classified.
 *
 * <p>Besides {@link ConnectorContract}'s hooks the implementer supplies {@link #sampleOutbound()}, a reply the
 * running connector can send to the test's stub of the vendor.
 */
public interface ChannelConnectorContract<C extends ChannelConnector> extends ConnectorContract<C> {

    /** An agent's reply the connector sends to the stub vendor API (a conversation with a customer address). */
    OutboundMessage sampleOutbound();

    @Override
    default Throwable attemptSend(Running<C> running) {
        try {
            running.connector().send(sampleOutbound());
            return null;
        } catch (DeliveryException e) {
            return e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Override
    default List<InboundKey> inboundKeys(Inbound inbound) {
        List<InboundKey> keys = new ArrayList<>();
        inbound.messages().forEach(m -> keys.add(new InboundKey("message", m.channelMessageId(), m.threadKey())));
        return keys;
    }

    @Override
    default Set<String> customerDataIn(Inbound inbound) {
        Set<String> out = new LinkedHashSet<>();
        for (Message m : inbound.messages()) {
            if (m.author() != null) {
                if (m.author().address() != null) {
                    out.add(m.author().address().value());
                }
                if (m.author().displayName() != null) {
                    out.add(m.author().displayName());
                }
            }
            if (m.text() != null) {
                out.add(m.text());
            }
        }
        return out;
    }

    /** The outbound sample's customer address and text, never to be printed. */
    @Override
    default Set<String> customerData() {
        Set<String> out = new LinkedHashSet<>();
        OutboundMessage o = sampleOutbound();
        if (o.conversation() != null && o.conversation().customer() != null) {
            out.add(o.conversation().customer().value());
        }
        if (o.message().text() != null) {
            out.add(o.message().text());
        }
        return out;
    }

    @Test
    default void capabilitiesAreDeclared() throws Exception {
        unlessOptedOut(Check.CAPABILITIES_DECLARED);
        try (Running<C> running = startConnector()) {
            dev.omnibridge.spi.ChannelCapabilities declared = running.connector().capabilities();
            assertThat(declared).as("capabilities()").isNotNull();
            assertThat(declared).as("capabilities() must be declared, not the undeclared default (or opt out of %s "
                    + "with a reason)", Check.CAPABILITIES_DECLARED)
                    .isNotEqualTo(dev.omnibridge.spi.ChannelCapabilities.undeclared());
            assertThat(declared.maxButtonLabelLength() == 0 || declared.maxButtons() > 0)
                    .as("a button label limit without buttons").isTrue();
            assertThat(declared.maxTextWithButtons() <= declared.maxTextLength() || declared.maxTextLength() == 0)
                    .as("text with buttons longer than the text limit").isTrue();
        }
    }

    @Test
    default void inboundMessagesAreValidCanonicalMessages() throws Exception {
        unlessOptedOut(Check.INBOUND_MATCHES_SCHEMA);
        if (inboundSampleCount() < 1) {
            org.assertj.core.api.Assertions.fail("give inbound samples, or opt out of " + Check.INBOUND_MATCHES_SCHEMA);
        }
        int messages = 0;
        try (Running<C> running = startConnector()) {
            for (int i = 0; i < inboundSampleCount(); i++) {
                for (Message m : receive(running, i).messages()) {
                    messages++;
                    assertThat(MessageSchema.problems(m)).as("schema problems of a message from sample %d", i)
                            .isEmpty();
                    assertThat(m.direction()).isEqualTo(Direction.INBOUND);
                    assertThat(m.channel().type()).as("channel type").isEqualTo(type().name());
                    assertThat(m.channel().instanceId()).as("channel instance").isEqualTo(instanceId());
                    assertThat(m.channelMessageId()).as("channel message id").isNotBlank();
                    assertThat(m.threadKey()).as("thread key").isNotBlank();
                    assertThat(m.id()).as("hub id (the hub assigns it)").isNull();
                    assertThat(m.conversationId()).as("conversation id (the hub assigns it)").isNull();
                }
            }
        }
        assertThat(messages).as("customer messages from the inbound samples").isPositive();
    }
}
