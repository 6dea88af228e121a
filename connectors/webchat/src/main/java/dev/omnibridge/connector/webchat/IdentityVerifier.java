package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.omnibridge.webhook.HmacSignatures;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Identity verification: the site's backend signs its logged-in user's email with {@code identitySecret}
 * ({@code userHash = hex(HMAC-SHA256(identitySecret, userEmail))}) and renders both into the embed tag; the widget
 * sends them with {@code POST session}. Only a matching hash makes the email the visitor's address: the hub merges
 * contacts by address, so an email anyone could type must never get there.
 */
final class IdentityVerifier {
    static final String USER_EMAIL = "userEmail";
    static final String USER_HASH = "userHash";
    private static final int MAX_HASH_LENGTH = 128;

    /** Null when identity verification is off. */
    private final String secret;

    IdentityVerifier(String secret) {
        this.secret = secret;
    }

    /**
     * The verified email of a session request in the hub's normal form, or null when it claims no identity.
     * 400 when the claim is incomplete or verification is not configured, 403 when the hash does not match.
     */
    String verify(JsonNode body) {
        JsonNode email = body.path(USER_EMAIL);
        JsonNode hash = body.path(USER_HASH);
        boolean claimsEmail = given(email);
        boolean claimsHash = given(hash);
        if (!claimsEmail && !claimsHash) {
            return null;
        }
        if (secret == null) {
            // Say so loudly: a site that signs its users but a hub that ignores it would silently lose the link.
            throw new Refusal(400, "identity verification is not configured for this chat: set identitySecret on "
                    + "the webchat instance, or stop sending " + USER_HASH);
        }
        if (!claimsHash) {
            throw new Refusal(400, USER_EMAIL + " needs " + USER_HASH
                    + " (hex HMAC-SHA256 of the email under identitySecret); use email for an unverified address");
        }
        if (!claimsEmail) {
            throw new Refusal(400, USER_HASH + " needs the " + USER_EMAIL + " it signs");
        }
        if (!hash.isTextual() || hash.asText().length() > MAX_HASH_LENGTH) {
            throw new Refusal(400, USER_HASH + " must be a hex string");
        }
        String normalised = VisitorInput.email(email, USER_EMAIL);
        // Signed over exactly what the site rendered, so the site need not know the hub's normal form.
        String expected = HmacSignatures.hmacSha256Hex(secret, email.asText().getBytes(StandardCharsets.UTF_8));
        if (!HmacSignatures.constantTimeEquals(expected, hash.asText().strip().toLowerCase(Locale.ROOT))) {
            throw new Refusal(403, USER_HASH + " does not match " + USER_EMAIL
                    + ": identity verification failed (is the site using this chat's identitySecret?)");
        }
        return normalised;
    }

    private static boolean given(JsonNode node) {
        return !(node.isMissingNode() || node.isNull() || node instanceof TextNode t && t.asText().isBlank());
    }
}
