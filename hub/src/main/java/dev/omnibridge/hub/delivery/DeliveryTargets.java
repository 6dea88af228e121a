package dev.omnibridge.hub.delivery;

import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.SentParts;

import java.util.ArrayList;
import java.util.List;

/** The running connector instances deliveries go to. */
public interface DeliveryTargets {
    /** @throws DeliveryException retryable when the instance is not running */
    DeskResult deliverToDesk(String instanceId, DeskDelivery delivery);

    /** @throws DeliveryException retryable when the instance is not running */
    String sendToChannel(String instanceId, OutboundMessage message);

    /**
     * How many follow-up messages of one ticket the desk instance takes in one {@link #deliverAllToDesk} call
     * ({@link dev.omnibridge.spi.DeskConnector#maxBatch}); 1 when it is not running or takes one at a time.
     */
    default int maxBatch(String instanceId) {
        return 1;
    }

    /**
     * What the channel instance can carry ({@link dev.omnibridge.spi.ChannelConnector#capabilities});
     * {@link ChannelCapabilities#undeclared()} when it is not running or cannot say. The {@link OutboundAdapter} fits
     * every message to it before {@link #sendToChannel}.
     */
    default ChannelCapabilities capabilities(String instanceId) {
        return ChannelCapabilities.undeclared();
    }

    /**
     * The journal's record of how far a reply of several parts got on this channel instance ({@link SentParts}), so
     * that a retry does not send a part again; null where nothing records it (then every attempt sends all parts).
     */
    default SentParts sentParts(String instanceId, String idempotencyKey, int total) {
        return null;
    }

    /** Signed links to stored files a channel cannot carry (issue 24); {@link StoredFileLinks#NONE} by default. */
    default StoredFileLinks fileLinks() {
        return StoredFileLinks.NONE;
    }

    /**
     * Adds several messages of one conversation to its known ticket in one call, in order
     * ({@link dev.omnibridge.spi.DeskConnector#deliverAll}).
     *
     * @throws DeliveryException with {@link DeliveryException#delivered() the results of the applied prefix}
     */
    default List<DeskResult> deliverAllToDesk(String instanceId, List<DeskDelivery> batch) {
        List<DeskResult> results = new ArrayList<>(batch.size());
        for (DeskDelivery delivery : batch) {
            try {
                results.add(deliverToDesk(instanceId, delivery));
            } catch (DeliveryException e) {
                throw e.afterDelivering(results);
            }
        }
        return results;
    }
}
