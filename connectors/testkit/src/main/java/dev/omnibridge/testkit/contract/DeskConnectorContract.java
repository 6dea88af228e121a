package dev.omnibridge.testkit.contract;

import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a help desk ({@link ConnectorContract} plus): agents' replies a sample inbound item turns into are
 * keyed by ticket reference and reply id (the hub's dedupe key with the instance), carry text and an author; a
 * failing delivery is classified.
 *
 * <p>Besides {@link ConnectorContract}'s hooks the implementer supplies {@link #sampleDelivery()}, a customer message
 * the running connector delivers to the test's stub of the desk.
 */
public interface DeskConnectorContract<C extends DeskConnector> extends ConnectorContract<C> {

    /** A customer message for the desk (typically opening a ticket: {@code ticketRef} null). */
    DeskDelivery sampleDelivery();

    @Override
    default Throwable attemptSend(Running<C> running) {
        try {
            running.connector().deliver(sampleDelivery());
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
        for (DeskReply r : inbound.replies()) {
            keys.add(new InboundKey("reply", r.replyId(), r.ticketRef()));
        }
        for (TicketUpdate u : inbound.ticketUpdates()) {
            keys.add(new InboundKey("ticketUpdate", null, u.ticketRef()));
        }
        return keys;
    }

    @Override
    default Set<String> customerDataIn(Inbound inbound) {
        Set<String> out = new LinkedHashSet<>();
        for (DeskReply r : inbound.replies()) {
            if (r.text() != null) {
                out.add(r.text());
            }
        }
        return out;
    }

    /** The delivery sample's customer address and text, never to be printed. */
    @Override
    default Set<String> customerData() {
        Set<String> out = new LinkedHashSet<>();
        DeskDelivery d = sampleDelivery();
        if (d.conversation() != null && d.conversation().customer() != null) {
            out.add(d.conversation().customer().value());
        }
        if (d.message().author() != null && d.message().author().address() != null) {
            out.add(d.message().author().address().value());
        }
        if (d.message().text() != null) {
            out.add(d.message().text());
        }
        return out;
    }

    @Test
    default void agentRepliesNameTheirTicketAuthorAndText() throws Exception {
        unlessOptedOut(Check.INBOUND_MATCHES_SCHEMA);
        if (inboundSampleCount() < 1) {
            org.assertj.core.api.Assertions.fail("give inbound samples, or opt out of " + Check.INBOUND_MATCHES_SCHEMA);
        }
        int items = 0;
        try (Running<C> running = startConnector()) {
            for (int i = 0; i < inboundSampleCount(); i++) {
                Inbound inbound = receive(running, i);
                for (DeskReply r : inbound.replies()) {
                    items++;
                    assertThat(r.ticketRef()).as("reply's ticket reference").isNotBlank();
                    assertThat(r.replyId()).as("reply id").isNotBlank();
                    assertThat(r.author()).as("reply author").isNotNull();
                    assertThat(r.text() != null && !r.text().isBlank() || !r.attachments().isEmpty())
                            .as("reply has text or files").isTrue();
                }
                items += inbound.ticketUpdates().size();
            }
        }
        assertThat(items).as("replies and ticket updates from the inbound samples").isPositive();
    }
}
