package dev.omnibridge.connector.webchat;

import dev.omnibridge.webhook.WebhookRequest;

import java.util.Optional;

/**
 * Turns a visitor token into the conversation it grants. Everything a visitor reads or writes is looked up by the
 * token's conversation key, never by an id the request names, so a token reaches its own conversation only.
 */
final class VisitorAuth {
    private final VisitorRegistry visitors;

    VisitorAuth(VisitorRegistry visitors) {
        this.visitors = visitors;
    }

    /** The verified token of an HTTP request (its bearer token); the visitor counts as seen. */
    TokenSigner.Verified authorize(ChatInstance r, WebhookRequest request) {
        TokenSigner.Verified token = verify(r, bearer(request).orElse(null));
        visitors.seen(token.conversationKey());
        r.context().liveFanout().seen(token.conversationKey());   // issue 25: seen by the other hub nodes too
        return token;
    }

    /** 401 without a usable token (missing, malformed, expired), 403 for a forged or foreign one. */
    static TokenSigner.Verified verify(ChatInstance r, String token) {
        TokenSigner.Result result = r.tokens().verify(token);
        if (!result.ok()) {
            int status = result.problem() == TokenSigner.Problem.BAD_SIGNATURE ? 403 : 401;
            throw new Refusal(status, TokenSigner.problemText(result.problem()).orElse("invalid token"));
        }
        return result.token();
    }

    static Optional<String> bearer(WebhookRequest request) {
        return request.header("Authorization").filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
    }
}
