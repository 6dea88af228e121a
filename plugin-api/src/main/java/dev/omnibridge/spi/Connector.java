package dev.omnibridge.spi;

import dev.omnibridge.live.LiveSocket;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

/** One configured connector instance. Implement {@link ChannelConnector} or {@link DeskConnector}. */
public interface Connector {
    /**
     * Starts the instance: validate credentials, register webhooks, start polling. Throwing marks this instance
     * FAILED with the exception's message; the hub and other instances keep running.
     */
    void start(ConnectorContext context) throws Exception;

    /** Stops polling and releases resources. Routes and components added through the context are removed. */
    default void stop() throws Exception {
    }

    /**
     * Handles a request to {@code /hooks/{instanceId}}. Verify the vendor's signature on the raw body first and
     * throw {@link WebhookRejectedException} to refuse. The hub stores what the outcome carries, in one
     * transaction, and only then answers with the outcome's response.
     */
    default WebhookOutcome onWebhook(WebhookRequest request) {
        throw new WebhookRejectedException(404, "this connector does not accept webhooks");
    }

    /**
     * Handles a WebSocket upgrade request to {@code /hooks/{instanceId}/subPath}. Check the origin and credentials
     * of {@code handshake} (it has no body) and throw {@link WebhookRejectedException} to refuse: the client gets
     * that status and no socket. This runs on the HTTP event loop, so it must not block: decide from the request
     * alone and do any storing from the returned listener. The hub closes the socket when the instance stops.
     *
     * @param socket where to push frames; usable as soon as this method returns
     * @return what receives the client's frames
     */
    default LiveSocket.Listener onSocket(WebhookRequest handshake, LiveSocket socket) {
        throw new WebhookRejectedException(404, "this connector does not accept WebSockets");
    }
}
