package dev.omnibridge.hub.runtime;

import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.IngestReport;
import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

import static dev.omnibridge.hub.runtime.InstanceManager.describe;
import static dev.omnibridge.hub.runtime.InstanceManager.runQuietly;
import static dev.omnibridge.hub.runtime.InstanceManager.withLoader;

/**
 * The hub's side of a webhook or a WebSocket handshake on {@code /hooks/<instance>}: finds the instance that takes
 * it (an unknown one is refused with 404 once the hub has started, one that is not running yet with 503 and
 * Retry-After, see {@link InstanceRegistry#acceptingRequests}), runs its connector with the plugin's class loader,
 * and stores what the connector made of it through {@link InstanceManager}'s one door into the journal. Apart from
 * the instances' life cycle and the deliveries, which stay in {@link InstanceManager}.
 */
public final class WebhookDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatch.class);

    /** Where what a connector hands in is stored: {@link InstanceManager#store}. */
    interface Door {
        CompletableFuture<IngestReport> store(ConnectorInstance instance, Inbound inbound);
    }

    private final InstanceRegistry registry;
    private final Metrics metrics;
    private final Door door;
    /** Fails an instance whose plugin does not fit this hub's plugin API (a LinkageError from its code). */
    private final java.util.function.BiConsumer<ConnectorInstance, LinkageError> incompatible;

    WebhookDispatch(InstanceRegistry registry, Metrics metrics, Door door,
                    java.util.function.BiConsumer<ConnectorInstance, LinkageError> incompatible) {
        this.registry = registry;
        this.metrics = metrics;
        this.door = door;
        this.incompatible = incompatible;
    }

    /**
     * Hands a webhook to its instance. The returned future completes with the response once what the webhook
     * carried is stored; a refusal throws {@link WebhookRejectedException}.
     */
    public CompletableFuture<WebhookResponse> webhook(String id, WebhookRequest request) {
        ConnectorInstance instance = entered(id);
        // Counted until what it carried is handed to the journal: a swap stops the connector only after that.
        try {
            WebhookOutcome outcome;
            try {
                Connector connector = instance.connector;
                outcome = withLoader(instance.classLoader, () -> connector.onWebhook(request));
            } catch (WebhookRejectedException e) {
                metrics.webhookRejected(id);
                throw e;
            } catch (Exception e) {
                LOG.error("Instance {} failed on a webhook: {}", id, describe(e));
                throw new WebhookRejectedException(500, "connector failed to handle the webhook");
            } catch (LinkageError e) {
                // Built against another plugin API: the instance is FAILED from now on; 503 so the sender tries again
                // (after the plugin is replaced) instead of dropping what it sent.
                incompatible.accept(instance, e);
                throw new WebhookRejectedException(503, "connector is not available");
            }
            if (outcome.inbound().isEmpty()) {
                return CompletableFuture.completedFuture(outcome.response());
            }
            WebhookResponse response = outcome.response();
            return door.store(instance, outcome.inbound()).thenApply(report -> response);
        } finally {
            instance.exit();
        }
    }

    /**
     * The running instance, counted as having a request inside its connector (a plugin swap waits for those,
     * issue 24); the caller must {@link ConnectorInstance#exit()}.
     */
    private ConnectorInstance entered(String id) {
        ConnectorInstance instance = registry.acceptingRequests(id);
        if (!instance.enter()) {
            throw new InstanceUnavailableException("instance '" + id + "' is restarting",
                    InstanceRegistry.RETRY_AFTER_STARTING_SECONDS);
        }
        if (instance.connector == null) {
            instance.exit(); // it stopped meanwhile
            throw new InstanceUnavailableException("instance '" + id + "' is " + instance.state(),
                    InstanceRegistry.RETRY_AFTER_STARTING_SECONDS);
        }
        return instance;
    }

    /**
     * Hands a WebSocket upgrade to its instance (called on the event loop). Returns the listener for the client's
     * frames, running them with the plugin's class loader; a refusal throws {@link WebhookRejectedException}. The
     * socket is closed when the instance stops.
     */
    public LiveSocket.Listener socket(String id, WebhookRequest handshake, LiveSocket socket) {
        ConnectorInstance instance = registry.acceptingRequests(id);
        Connector connector = instance.connector;
        HubConnectorContext context = instance.context;
        if (connector == null || context == null) {
            // Stopped meanwhile (an operator, a plugin swap): the client connects again.
            throw new InstanceUnavailableException("instance '" + id + "' is " + instance.state(),
                    InstanceRegistry.RETRY_AFTER_STARTING_SECONDS);
        }
        LiveSocket.Listener listener;
        try {
            listener = withLoader(instance.classLoader, () -> connector.onSocket(handshake, socket));
        } catch (WebhookRejectedException e) {
            metrics.webhookRejected(id);
            throw e;
        } catch (Exception e) {
            LOG.error("Instance {} failed on a socket handshake: {}", id, describe(e));
            throw new WebhookRejectedException(500, "connector failed to handle the socket handshake");
        }
        if (listener == null) {
            throw new WebhookRejectedException(500, "connector accepted the socket without a listener");
        }
        context.track(socket);
        ClassLoader loader = instance.classLoader;
        return new LiveSocket.Listener() {
            @Override
            public void onText(String text) {
                runQuietly(loader, () -> listener.onText(text));
            }

            @Override
            public void onClose() {
                context.untrack(socket);
                runQuietly(loader, listener::onClose);
            }
        };
    }
}
