package dev.omnibridge.hub.camel;

import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.Inbound;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Hands the hub what a route ends with. The exchange completes only when the hub has stored it (journal synced),
 * so a consumer that acknowledges upstream afterwards (a Kafka offset, a JMS message, a file move) never loses an
 * acknowledged message. A message whose {@code OmnibridgeMessageId} the hub has already stored completes normally
 * and is not stored twice.
 */
final class OmnibridgeProducer extends DefaultAsyncProducer {
    OmnibridgeProducer(OmnibridgeEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public OmnibridgeEndpoint getEndpoint() {
        return (OmnibridgeEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String instanceId = getEndpoint().instanceId();
        boolean reply = "reply".equals(getEndpoint().getKind());
        Inlet inlet = getEndpoint().getComponent().inlet(instanceId);
        CompletionStage<Void> stored;
        String threadKey = null;
        try {
            if (inlet == null || inlet.channel() == reply) {
                throw new IllegalStateException("omnibridge:" + instanceId + (reply ? "?kind=reply" : "")
                        + " takes nothing now: " + instanceId + " is not a running "
                        + (reply ? "camel-desk" : "camel-channel") + " instance");
            }
            ConnectorContext context = inlet.context();
            Instant now = Instant.now();
            if (reply) {
                stored = context.submit(Inbound.replies(List.of(InboundExchanges.reply(exchange, now))));
            } else {
                Message message = InboundExchanges.message(exchange, new ChannelRef("camel-channel", instanceId),
                        inlet.addressKind(), now);
                threadKey = message.threadKey();
                stored = context.submit(Inbound.messages(List.of(message)));
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        String thread = threadKey;
        stored.whenComplete((ok, failure) -> {
            try {
                if (failure != null) {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure
                            .getCause() != null ? failure.getCause() : failure;
                    exchange.setException(new IllegalStateException("the hub did not store the message: "
                            + cause.getMessage(), cause));
                } else if (thread != null) {
                    inlet.context().findConversation(thread).ifPresent(c ->
                            exchange.getMessage().setHeader(RouteHeaders.CONVERSATION_ID, c.id()));
                }
            } catch (RuntimeException e) {
                // Stored all the same: the conversation id is a convenience, never a reason to redeliver.
            } finally {
                callback.done(false);
            }
        });
        return false;
    }
}
