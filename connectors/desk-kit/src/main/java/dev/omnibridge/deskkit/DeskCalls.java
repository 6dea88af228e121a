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

    /**
     * The desk work of a batch: appends each delivery's result to {@code done} as soon as the desk has applied it, so
     * that a failure part-way says which prefix was applied.
     */
    @FunctionalInterface
    public interface BatchWork {
        void run(java.util.List<DeskResult> done) throws DeskApiException, InterruptedException;
    }

    /** A desk read that is no delivery, e.g. a help center's articles. */
    @FunctionalInterface
    public interface Read<T> {
        T run() throws DeskApiException, InterruptedException;
    }

    private DeskCalls() {
    }

    /**
     * A read of the desk outside deliveries (the help-center sync, {@link dev.omnibridge.spi.HelpCenter}), with the
     * same failure mapping as deliveries: 429/5xx/no answer retryable (with Retry-After), 401/403/404 and other
     * refusals permanent; logged once with the instance and {@code what}.
     */
    public static <T> T read(String instanceId, String what, Read<T> work) throws DeliveryException {
        try {
            return work.run();
        } catch (DeskApiException e) {
            LOG.warn("{}: {}: {}", instanceId, what, e.getMessage());
            throw e.toDelivery();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while talking to the desk", e);
        }
    }

    /**
     * A {@link dev.omnibridge.spi.DeskConnector#deliverAll} batch: like {@link #deliver}, and a failure part-way
     * carries {@link DeliveryException#afterDelivering the results of the applied prefix}.
     */
    public static java.util.List<DeskResult> deliverAll(String instanceId, java.util.List<DeskDelivery> batch,
                                                        BatchWork work) throws DeliveryException {
        java.util.List<DeskResult> done = new java.util.ArrayList<>(batch.size());
        try {
            work.run(done);
            LOG.debug("{}: conversation {} -> ticket {}: {} messages in one batch", instanceId,
                    batch.get(0).conversation().id(), batch.get(0).ticketRef(), done.size());
            return done;
        } catch (DeskApiException e) {
            LOG.warn("{}: conversation {}: {}", instanceId, batch.get(0).conversation().id(), e.getMessage());
            throw e.toDelivery().afterDelivering(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while talking to the desk", e).afterDelivering(done);
        } catch (DeliveryException e) {
            throw e.afterDelivering(done);
        }
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
