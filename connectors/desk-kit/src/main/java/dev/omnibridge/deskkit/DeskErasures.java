package dev.omnibridge.deskkit;

import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a desk's requester erasure ({@code DeskConnector.eraseRequester}) the same way in every desk connector: the
 * outcome is logged with ids only, a desk API failure becomes the {@link DeliveryException} its status calls for
 * (retryable: the hub asks again later), and an interruption is retryable.
 */
public final class DeskErasures {
    private static final Logger LOG = LoggerFactory.getLogger(DeskErasures.class);

    /** One desk's erasure calls. */
    @FunctionalInterface
    public interface Erasure {
        RequesterErasure.Outcome erase(RequesterErasure request) throws DeskApiException, InterruptedException;
    }

    private DeskErasures() {
    }

    /**
     * @param instanceId the desk instance, for the log
     * @param desk       the desk's name, for the interruption's message ("Zendesk")
     */
    public static RequesterErasure.Outcome run(String instanceId, String desk, RequesterErasure request,
                                               Erasure erasure) throws DeliveryException {
        try {
            RequesterErasure.Outcome outcome = erasure.erase(request);
            LOG.info("{}: erasure of contact {}: {} ({})", instanceId, request.contactId(), outcome.result(),
                    outcome.detail());
            return outcome;
        } catch (DeskApiException e) {
            LOG.warn("{}: erasure of contact {}: {}", instanceId, request.contactId(), e.getMessage());
            throw e.toDelivery();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while erasing in " + desk, e);
        }
    }
}
