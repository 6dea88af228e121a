package dev.omnibridge.webhook;

import dev.omnibridge.spi.Inbound;

import java.util.Objects;

/**
 * What a connector made of a webhook: what to store, and the response to give once it is stored. A handshake
 * (e.g. a GET verification challenge) stores nothing and answers at once.
 */
public record WebhookOutcome(Inbound inbound, WebhookResponse response) {
    public WebhookOutcome {
        inbound = inbound == null ? Inbound.none() : inbound;
        Objects.requireNonNull(response, "response");
    }

    public static WebhookOutcome store(Inbound inbound) {
        return new WebhookOutcome(inbound, WebhookResponse.ok());
    }

    public static WebhookOutcome store(Inbound inbound, WebhookResponse response) {
        return new WebhookOutcome(inbound, response);
    }

    public static WebhookOutcome respond(WebhookResponse response) {
        return new WebhookOutcome(Inbound.none(), response);
    }
}
