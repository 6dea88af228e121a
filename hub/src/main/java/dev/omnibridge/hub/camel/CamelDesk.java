package dev.omnibridge.hub.camel;

import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.apache.camel.Exchange;

/**
 * {@code camel-desk}: a help desk or CRM that is a Camel route. Each delivery runs the route that reads
 * {@code from: omnibridge:<instance>}; the route answers with the {@code OmnibridgeTicketRef} header.
 */
final class CamelDesk implements DeskConnector {
    private final CamelInstance routes;
    private volatile boolean statusEvents;

    CamelDesk(CamelHost host) {
        this.routes = new CamelInstance(host);
    }

    @Override
    public void start(ConnectorContext context) throws Exception {
        statusEvents = context.settings().list(CamelRouteSettings.EVENTS).contains(CamelRouteSettings.EVENT_STATUS);
        routes.start(context, new Inlet(context, false, null));
    }

    @Override
    public void stop() {
        routes.stop();
    }

    /** Whether the route asked for the conversations' status changes too ({@code events: [messages, status]}). */
    boolean wantsStatusEvents() {
        return statusEvents;
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        String ref = routes.host().reference(delivery.conversation().id());
        java.util.Optional<String> status = CamelStatusEvents.statusOf(delivery.message());
        if (statusEvents && status.isEmpty() && delivery.message().metadata() != null
                && delivery.message().metadata().containsKey(dev.omnibridge.hub.mirror.MirrorNotes.STATUS)) {
            // The mirror's note of the same change (issue 22): this route has the change as a status event already.
            return DeskResult.of(delivery.ticketRef() != null ? delivery.ticketRef()
                    : delivery.conversation().id(), null);
        }
        if (status.isPresent()) {
            Exchange done = routes.deliver(exchange -> DeliveryExchanges.statusEvent(exchange, routes.instanceId(),
                    delivery, ref, status.get()));
            String ticketRef = done.getMessage().getHeader(RouteHeaders.TICKET_REF, String.class);
            // An event stream opens no ticket: the conversation id stands in for one.
            return DeskResult.of(ticketRef != null && !ticketRef.isBlank() ? ticketRef.strip()
                    : delivery.ticketRef() != null ? delivery.ticketRef() : delivery.conversation().id(), null);
        }
        Exchange done = routes.deliver(exchange -> DeliveryExchanges.deskDelivery(exchange, routes.instanceId(),
                delivery, ref));
        String ticketRef = done.getMessage().getHeader(RouteHeaders.TICKET_REF, String.class);
        if (ticketRef == null || ticketRef.isBlank()) {
            if (delivery.opensTicket()) {
                throw DeliveryException.permanent("the route set no " + RouteHeaders.TICKET_REF
                        + " for the ticket this delivery opens");
            }
            ticketRef = delivery.ticketRef();
        }
        return DeskResult.of(ticketRef.strip(), done.getMessage().getHeader(RouteHeaders.ITEM_ID, String.class));
    }
}
