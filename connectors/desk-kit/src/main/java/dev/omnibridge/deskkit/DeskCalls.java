package dev.omnibridge.deskkit;

import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a desk connector turns its API calls into a hub delivery outcome: a desk failure becomes the hub's
 * {@link DeliveryException} (retryable or permanent, with Retry-After), logged once with the instance and
 * conversation; an interrupt is kept and retried.
 */
public final class DeskCalls {
    private static final Logger LOG = LoggerFactory.getLogger(DeskCalls.class);

    /** The desk work of one delivery. */
    @FunctionalInterface
    public interface Work {
        DeskResult run() throws DeskApiException, InterruptedException;
    }

    private DeskCalls() {
    }

    public static DeskResult deliver(String instanceId, DeskDelivery delivery, Work work) throws DeliveryException {
        try {
            DeskResult result = work.run();
            LOG.debug("{}: conversation {} -> ticket {} (item {})", instanceId, delivery.conversation().id(),
                    result.ticketRef(), result.itemId());
            return result;
        } catch (DeskApiException e) {
            LOG.warn("{}: conversation {}: {}", instanceId, delivery.conversation().id(), e.getMessage());
            throw e.toDelivery();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while talking to the desk", e);
        }
    }
}
