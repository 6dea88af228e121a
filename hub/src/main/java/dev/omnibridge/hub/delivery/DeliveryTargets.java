package dev.omnibridge.hub.delivery;

import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.OutboundMessage;

/** The running connector instances deliveries go to. */
public interface DeliveryTargets {
    /** @throws DeliveryException retryable when the instance is not running */
    DeskResult deliverToDesk(String instanceId, DeskDelivery delivery);

    /** @throws DeliveryException retryable when the instance is not running */
    String sendToChannel(String instanceId, OutboundMessage message);
}
