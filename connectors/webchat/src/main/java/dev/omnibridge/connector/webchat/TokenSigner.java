package dev.omnibridge.connector.webchat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Visitor tokens: {@code v1.<conversationKey>.<expiryEpochSeconds>.<signature>}, where the signature is the
 * base64url HMAC-SHA256 of {@code webchat/v1|<instanceId>|<conversationKey>|<expiry>} under the instance's
 * {@code tokenSecret}. The conversation key (128 random bits) is the conversation's thread key, so a token grants
 * exactly one conversation. Nothing else is in the token: no name, no email.
 */
final class TokenSigner {
    static final String PREFIX = "v1";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern EXPIRY = Pattern.compile("[0-9]{1,12}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_TOKEN_LENGTH = 200;

    /** Why a token was refused; the reason never echoes the token. */
    enum Problem { MISSING, MALFORMED, BAD_SIGNATURE, EXPIRED }

    record Verified(String conversationKey, Instant expiresAt) {
    }

    /** Either the verified token or why it was refused. */
    record Result(Verified token, Problem problem) {
        boolean ok() {
            return token != null;
        }
    }

    private final byte[] secret;
    private final String instanceId;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    TokenSigner(String secret, String instanceId, Duration ttl, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.instanceId = instanceId;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A fresh conversation key: 16 random bytes, base64url. */
    String newConversationKey() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    String issue(String conversationKey) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        return PREFIX + "." + conversationKey + "." + expiry + "." + sign(conversationKey, expiry);
    }

    Result verify(String token) {
        if (token == null || token.isBlank()) {
            return new Result(null, Problem.MISSING);
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return new Result(null, Problem.MALFORMED);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !PREFIX.equals(parts[0]) || !KEY.matcher(parts[1]).matches()
                || !EXPIRY.matcher(parts[2]).matches()) {
            return new Result(null, Problem.MALFORMED);
        }
        long expiry = Long.parseLong(parts[2]);
        byte[] expected = sign(parts[1], expiry).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts[3].getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {   // constant time
            return new Result(null, Problem.BAD_SIGNATURE);
        }
        Instant expiresAt = Instant.ofEpochSecond(expiry);
        if (!clock.instant().isBefore(expiresAt)) {
            return new Result(null, Problem.EXPIRED);
        }
        return new Result(new Verified(parts[1], expiresAt), null);
    }

    private String sign(String conversationKey, long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sig = mac.doFinal(("webchat/" + PREFIX + "|" + instanceId + "|" + conversationKey + "|" + expiry)
                    .getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static Optional<String> problemText(Problem p) {
        return Optional.of(switch (p) {
            case MISSING -> "a visitor token is required (Authorization: Bearer <token> from POST session)";
            case MALFORMED -> "the visitor token is malformed";
            case BAD_SIGNATURE -> "the visitor token is not valid for this chat";
            case EXPIRED -> "the visitor token has expired; start a new session";
        });
    }
}
