package dev.omnibridge.hub.camel;

import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import org.apache.camel.Exchange;

/**
 * {@code camel-channel}: a customer channel that is a Camel route. Its routes hand customer messages in with
 * {@code to: omnibridge:<instance>}; agents' replies run the route that reads {@code from: omnibridge:<instance>},
 * which answers with the {@code OmnibridgeChannelMessageId} header (without one the reply is known by its
 * idempotency key).
 */
final class CamelChannel implements ChannelConnector {
    private final CamelInstance routes;

    CamelChannel(CamelHost host) {
        this.routes = new CamelInstance(host);
    }

    @Override
    public void start(ConnectorContext context) throws Exception {
        AddressKind kind = CamelRouteSettings.addressKind(context.settings()
                .optionalString(CamelRouteSettings.ADDRESS_KIND).orElse("chat-user")).orElse(AddressKind.CHAT_USER);
        routes.start(context, new Inlet(context, true, kind));
    }

    @Override
    public void stop() {
        routes.stop();
    }

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Exchange done = routes.deliver(exchange -> DeliveryExchanges.channelMessage(exchange, routes.instanceId(),
                outbound));
        String id = done.getMessage().getHeader(RouteHeaders.CHANNEL_MESSAGE_ID, String.class);
        return id == null || id.isBlank() ? outbound.idempotencyKey() : id.strip();
    }
}
